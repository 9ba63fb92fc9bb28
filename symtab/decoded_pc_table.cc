#include "symtab/decoded_pc_table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "symtab/pc_value_table.h"

namespace gentrace::symtab {

DecodedPcTable DecodedPcTable::Decode(const absl::StatusOr<ByteReader>& table,
                                      uint64_t entry, uint64_t end,
                                      int pc_quantum) {
  DecodedPcTable decoded;
  decoded.entry_ = entry;
  if (!table.ok()) {
    decoded.beyond_ = table.status();
    return decoded;
  }
  // A real table has at most one run per instruction slot; allow slack for
  // zero-length runs before calling it corrupt.
  const uint64_t max_runs = (end - entry) / pc_quantum + 64;
  PcValueTable walk(*table, entry, pc_quantum);
  while (walk.Next()) {
    if (decoded.ends_.size() >= max_runs) {
      decoded.beyond_ = absl::DataLossError("pc-value table has too many runs");
      return decoded;
    }
    if (walk.end_pc() > walk.start_pc()) {
      decoded.ends_.push_back(walk.end_pc());
      decoded.values_.push_back(walk.value());
    }
    if (walk.end_pc() >= end) break;
  }
  if (!walk.status().ok()) decoded.beyond_ = walk.status();
  return decoded;
}

absl::StatusOr<int32_t> DecodedPcTable::ValueAt(uint64_t pc) const {
  if (pc >= entry_) {
    auto it = std::upper_bound(ends_.begin(), ends_.end(), pc);
    if (it != ends_.end()) return values_[it - ends_.begin()];
  }
  return beyond_;
}

}  // namespace gentrace::symtab
