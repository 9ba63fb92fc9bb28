#ifndef GENTRACE_SYMTAB_DECODED_PC_TABLE_H_
#define GENTRACE_SYMTAB_DECODED_PC_TABLE_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "symtab/byte_reader.h"

namespace gentrace::symtab {

// One function's pc-value table decoded into runs, for O(log n) lookups.
// Walking the encoded table costs time linear in the function's size, which
// dominates symbolization of large functions; decoding once pays that cost
// once. Lookups give exactly what PcValueAt gives on the encoded table.
class DecodedPcTable {
 public:
  DecodedPcTable() = default;
  // Decodes the table of a function spanning [entry, end). `table` is the
  // encoded table, or the error from finding it. Decoding stops at the
  // terminator or at `end` (later runs cannot be looked up), and after a
  // number of runs bounded by the function's size, so a hostile table costs
  // no more than a real one.
  static DecodedPcTable Decode(const absl::StatusOr<ByteReader>& table,
                               uint64_t entry, uint64_t end, int pc_quantum);

  absl::StatusOr<int32_t> ValueAt(uint64_t pc) const;

  // The runs, for merging tables: run i holds values()[i] for PCs below
  // ends()[i] (and at or above the previous end, or the entry).
  const std::vector<uint64_t>& ends() const { return ends_; }
  const std::vector<int32_t>& values() const { return values_; }
  // The answer for PCs past the last run: NotFound, or the decode error.
  const absl::Status& beyond() const { return beyond_; }

 private:
  uint64_t entry_ = 0;
  std::vector<uint64_t> ends_;  // end PC of each run, increasing
  std::vector<int32_t> values_;
  // The answer past the last run: the decode error, else "not covered".
  absl::Status beyond_ = absl::NotFoundError("pc is not covered by its table");
};

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_DECODED_PC_TABLE_H_
