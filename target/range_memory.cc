#include "target/range_memory.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace gentrace::target {

absl::StatusOr<RangeMemory> RangeMemory::Create(std::vector<Range> ranges,
                                                symtab::ByteOrder order) {
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
    return a.address < b.address;
  });
  for (size_t i = 0; i < ranges.size(); ++i) {
    const Range& r = ranges[i];
    if (r.address + r.bytes.size() < r.address) {
      return absl::InvalidArgumentError(absl::StrCat(
          "memory range at 0x", absl::Hex(r.address), " wraps around"));
    }
    if (i + 1 < ranges.size() &&
        r.address + r.bytes.size() > ranges[i + 1].address) {
      return absl::InvalidArgumentError(
          absl::StrCat("memory ranges at 0x", absl::Hex(r.address), " and 0x",
                       absl::Hex(ranges[i + 1].address), " overlap"));
    }
  }
  RangeMemory memory;
  memory.ranges_ = std::move(ranges);
  memory.order_ = order;
  return memory;
}

std::optional<symtab::ByteReader> RangeMemory::ReadToEnd(
    uint64_t address) const {
  // The last range starting at or below `address`.
  auto it = std::upper_bound(
      ranges_.begin(), ranges_.end(), address,
      [](uint64_t a, const Range& r) { return a < r.address; });
  if (it == ranges_.begin()) return std::nullopt;
  --it;
  const uint64_t offset = address - it->address;
  if (offset >= it->bytes.size()) return std::nullopt;
  return symtab::ByteReader(
      absl::Span<const uint8_t>(
          reinterpret_cast<const uint8_t*>(it->bytes.data()) + offset,
          it->bytes.size() - offset),
      order_);
}

}  // namespace gentrace::target
