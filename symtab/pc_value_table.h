#ifndef GENTRACE_SYMTAB_PC_VALUE_TABLE_H_
#define GENTRACE_SYMTAB_PC_VALUE_TABLE_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "symtab/byte_reader.h"

namespace gentrace::symtab {

// Walks a pc-value table (pcsp, pcfile, pcln, PCDATA): a sequence of
// (zig-zag value delta, pc delta) varint pairs, the same encoding in every Go
// release since 1.2. Each step yields one run: `value` holds for PCs in
// [start_pc, end_pc).
//
// Never reads outside `table`; every step consumes at least two bytes, so a
// walk is bounded by the table size. Async-signal-safe; never allocates.
class PcValueTable {
 public:
  // `table` runs from the table's first byte to the end of the pctab (the
  // table's own length is not stored). `entry` is the function entry PC.
  PcValueTable(ByteReader table, uint64_t entry, int pc_quantum)
      : table_(table), pc_(entry), quantum_(pc_quantum) {}

  // Advances to the next run. False at the end of the table, or when the
  // table is corrupt (then status() says why).
  bool Next();

  int32_t value() const { return value_; }
  uint64_t start_pc() const { return start_pc_; }
  uint64_t end_pc() const { return pc_; }
  const absl::Status& status() const { return status_; }

 private:
  bool ReadVarint(uint32_t* out);

  ByteReader table_;
  uint64_t offset_ = 0;
  uint64_t pc_;
  uint64_t start_pc_ = 0;
  int quantum_;
  int32_t value_ = -1;
  bool first_ = true;
  absl::Status status_;
};

// The value of the table at `pc`: NotFoundError when the table ends before
// `pc`, DataLossError when it is corrupt.
absl::StatusOr<int32_t> PcValueAt(ByteReader table, uint64_t entry,
                                  int pc_quantum, uint64_t pc);

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_PC_VALUE_TABLE_H_
