#ifndef GENTRACE_TARGET_DUMP_FILE_H_
#define GENTRACE_TARGET_DUMP_FILE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "target/target.h"

namespace gentrace::target {

// The dump of a program at `path`: an ELF core (CoreFile) or a minidump
// (Minidump), told apart by their first bytes.
absl::StatusOr<std::unique_ptr<Target>> OpenDumpFile(absl::string_view path);

}  // namespace gentrace::target

#endif  // GENTRACE_TARGET_DUMP_FILE_H_
