#include "target/process_memory.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
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

absl::StatusOr<std::string> ReadProcFile(const char* path) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", path));
  }
  std::string contents;
  char buffer[4096];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      close(fd);
      return absl::ErrnoToStatus(err, absl::StrCat("cannot read ", path));
    }
    if (n == 0) break;
    contents.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return contents;
}

}  // namespace

absl::StatusOr<ProcessMemory> ProcessMemory::FromProcSelfMaps() {
  absl::StatusOr<std::string> maps = ReadProcFile("/proc/self/maps");
  if (!maps.ok()) return maps.status();
  std::vector<Range> ranges;
  // "start-end perms offset dev inode [padding path]", addresses in hex.
  for (absl::string_view line :
       absl::StrSplit(*maps, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::MaxSplits(' ', 5));
    std::vector<absl::string_view> bounds =
        absl::StrSplit(fields[0], absl::MaxSplits('-', 1));
    Range range;
    if (fields.size() < 2 || bounds.size() != 2 ||
        !absl::SimpleHexAtoi(bounds[0], &range.start) ||
        !absl::SimpleHexAtoi(bounds[1], &range.end)) {
      return absl::InternalError(
          absl::StrCat("unexpected /proc/self/maps line: ", line));
    }
    if (!absl::StartsWith(fields[1], "r")) continue;
    const absl::string_view name =
        fields.size() == 6 ? absl::StripLeadingAsciiWhitespace(fields[5]) : "";
    // The vDSO's data pages ([vvar], [vvar_vclock]) can include clock pages
    // that fault when touched (a paravirtual clock the hypervisor does not
    // provide), and [vsyscall] is execute-only on current kernels.
    if (absl::StartsWith(name, "[vvar") || name == "[vsyscall]") continue;
    ranges.push_back(range);
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
