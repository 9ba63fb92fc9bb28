#include "target/process_memory.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/types/span.h"

namespace gentrace::target {
namespace {

constexpr symtab::ByteOrder kHostOrder =
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? symtab::ByteOrder::kLittle
                                              : symtab::ByteOrder::kBig;

// Sorts, drops empty ranges and merges touching ones, so that a lookup
// finds at most one candidate and ReadToEnd reaches as far as memory goes.
std::vector<ProcessMemory::Range> Normalize(
    std::vector<ProcessMemory::Range> ranges) {
  for (ProcessMemory::Range& r : ranges) {
    // A pointer cannot reach past the host's address space.
    r.end = std::min<uint64_t>(r.end, std::numeric_limits<uintptr_t>::max());
  }
  std::erase_if(ranges,
                [](const ProcessMemory::Range& r) { return r.end <= r.start; });
  std::sort(ranges.begin(), ranges.end(),
            [](const ProcessMemory::Range& a, const ProcessMemory::Range& b) {
              return a.start < b.start;
            });
  std::vector<ProcessMemory::Range> merged;
  for (const ProcessMemory::Range& r : ranges) {
    if (!merged.empty() && r.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, r.end);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

}  // namespace

absl::StatusOr<ProcessMemory> ProcessMemory::FromProcSelfMaps() {
  absl::StatusOr<std::vector<MapsEntry>> maps = ReadProcMaps("self");
  if (!maps.ok()) return maps.status();
  return FromMaps(*maps);
}

ProcessMemory ProcessMemory::FromMaps(absl::Span<const MapsEntry> maps) {
  std::vector<Range> ranges;
  for (const MapsEntry& entry : maps) {
    // The vDSO's data pages ([vvar], [vvar_vclock]) can include clock pages
    // that fault when touched (a paravirtual clock the hypervisor does not
    // provide), and [vsyscall] is execute-only on current kernels.
    if (!entry.readable || absl::StartsWith(entry.name, "[vvar") ||
        entry.name == "[vsyscall]") {
      continue;
    }
    ranges.push_back({entry.start, entry.end});
  }
  ProcessMemory memory;
  memory.ranges_ = Normalize(std::move(ranges));
  return memory;
}

ProcessMemory ProcessMemory::FromRanges(std::vector<Range> ranges) {
  ProcessMemory memory;
  memory.ranges_ = Normalize(std::move(ranges));
  return memory;
}

std::optional<symtab::ByteReader> ProcessMemory::ReadToEnd(
    uint64_t address) const {
  // The last range starting at or below `address`.
  auto it =
      std::upper_bound(ranges_.begin(), ranges_.end(), address,
                       [](uint64_t a, const Range& r) { return a < r.start; });
  if (it == ranges_.begin()) return std::nullopt;
  --it;
  if (address >= it->end) return std::nullopt;
  // Ranges hold this process's own addresses, so `address` is a pointer.
  return symtab::ByteReader(
      absl::Span<const uint8_t>(
          // NOLINTNEXTLINE(performance-no-int-to-ptr)
          reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(address)),
          static_cast<size_t>(it->end - address)),
      kHostOrder);
}

}  // namespace gentrace::target
