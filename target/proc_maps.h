#ifndef GENTRACE_TARGET_PROC_MAPS_H_
#define GENTRACE_TARGET_PROC_MAPS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "target/target.h"

namespace gentrace::target {

// One line of /proc/PID/maps: [start, end) with its permissions, mapping
// `name` (a path, a "[stack]"-like label, or empty) from `file_offset` on.
struct MapsEntry {
  uint64_t start = 0;
  uint64_t end = 0;
  bool readable = false;
  uint64_t file_offset = 0;
  std::string name;

  // Backed by a file (a path, not a label or anonymous memory).
  bool file_backed() const { return !name.empty() && name[0] == '/'; }
};

// Parses the text of a maps file ("start-end perms offset dev inode
// [padding name]", numbers in hex). InvalidArgumentError names the first
// line that is not of that shape.
absl::StatusOr<std::vector<MapsEntry>> ParseProcMaps(absl::string_view text);

// Reads and parses /proc/`pid`/maps ("self" for this process). Not
// async-signal-safe: capture/ keeps its own allocation-free reader.
absl::StatusOr<std::vector<MapsEntry>> ReadProcMaps(absl::string_view pid);

// The file-backed entries, as a Target lists them.
std::vector<FileMapping> FileMappingsOf(absl::Span<const MapsEntry> entries);

}  // namespace gentrace::target

#endif  // GENTRACE_TARGET_PROC_MAPS_H_
