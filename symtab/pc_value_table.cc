#include "symtab/pc_value_table.h"

#include "absl/strings/str_cat.h"

namespace gentrace::symtab {

bool PcValueTable::ReadVarint(uint32_t* out) {
  uint32_t value = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    std::optional<uint8_t> byte = table_.U8(offset_++);
    if (!byte) {
      status_ = absl::DataLossError("pc-value table runs past the pctab");
      return false;
    }
    value |= uint32_t{*byte & 0x7fu} << shift;
    if ((*byte & 0x80) == 0) {
      *out = value;
      return true;
    }
  }
  status_ = absl::DataLossError("pc-value table has an overlong varint");
  return false;
}

bool PcValueTable::Next() {
  if (!status_.ok()) return false;
  uint32_t value_delta;
  if (!ReadVarint(&value_delta)) return false;
  if (value_delta == 0 && !first_) return false;  // end of table
  uint32_t pc_delta;
  if (!ReadVarint(&pc_delta)) return false;
  // Zig-zag: odd values are negative.
  const int32_t delta = (value_delta & 1)
                            ? static_cast<int32_t>(~(value_delta >> 1))
                            : static_cast<int32_t>(value_delta >> 1);
  value_ = static_cast<int32_t>(static_cast<uint32_t>(value_) +
                                static_cast<uint32_t>(delta));
  start_pc_ = pc_;
  const uint64_t advance = uint64_t{pc_delta} * static_cast<uint64_t>(quantum_);
  if (pc_ + advance < pc_) {
    status_ = absl::DataLossError("pc-value table overflows the address space");
    return false;
  }
  pc_ += advance;
  first_ = false;
  return true;
}

absl::StatusOr<int32_t> PcValueAt(ByteReader table, uint64_t entry,
                                  int pc_quantum, uint64_t pc) {
  PcValueTable walk(table, entry, pc_quantum);
  while (walk.Next()) {
    if (pc < walk.end_pc()) {
      if (pc < walk.start_pc()) break;
      return walk.value();
    }
  }
  if (!walk.status().ok()) return walk.status();
  return absl::NotFoundError(
      absl::StrCat("pc 0x", absl::Hex(pc), " is not covered by its table"));
}

}  // namespace gentrace::symtab
