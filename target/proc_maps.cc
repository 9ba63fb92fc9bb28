#include "target/proc_maps.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace gentrace::target {

absl::StatusOr<std::vector<MapsEntry>> ParseProcMaps(absl::string_view text) {
  std::vector<MapsEntry> entries;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    // The name may hold spaces, so it is everything after the fifth field.
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::MaxSplits(' ', 5));
    std::vector<absl::string_view> bounds =
        absl::StrSplit(fields[0], absl::MaxSplits('-', 1));
    MapsEntry entry;
    if (fields.size() < 5 || bounds.size() != 2 ||
        !absl::SimpleHexAtoi(bounds[0], &entry.start) ||
        !absl::SimpleHexAtoi(bounds[1], &entry.end) ||
        !absl::SimpleHexAtoi(fields[2], &entry.file_offset) ||
        entry.end < entry.start) {
      return absl::InvalidArgumentError(
          absl::StrCat("not a maps line: \"", line, "\""));
    }
    entry.readable = !fields[1].empty() && fields[1][0] == 'r';
    if (fields.size() == 6) {
      entry.name = std::string(absl::StripLeadingAsciiWhitespace(fields[5]));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::StatusOr<std::vector<MapsEntry>> ReadProcMaps(absl::string_view pid) {
  const std::string path = absl::StrCat("/proc/", pid, "/maps");
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", path));
  }
  std::string text;
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
    text.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return ParseProcMaps(text);
}

std::vector<FileMapping> FileMappingsOf(absl::Span<const MapsEntry> entries) {
  std::vector<FileMapping> mappings;
  for (const MapsEntry& entry : entries) {
    if (entry.file_backed()) {
      mappings.push_back(
          {entry.start, entry.end, entry.file_offset, entry.name});
    }
  }
  return mappings;
}

}  // namespace gentrace::target
