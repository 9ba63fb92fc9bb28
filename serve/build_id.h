#ifndef GENTRACE_SERVE_BUILD_ID_H_
#define GENTRACE_SERVE_BUILD_ID_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gentrace::serve {

// A build ID as a request names it, checked against its alphabet and
// length before anything is built from it: a GNU build ID (2 to 128 hex
// digits, an even count; upper case is folded; a Mach-O UUID or a PE
// CodeView ID is hex too, and named the same way), or a Go build ID (up to
// 256 characters of base64url text in parts separated by single '/').
// The answer is its name in the store's directories: "gnu-<hex>" or
// "go-<the ID with '/' as '.'>" ('.' is outside the Go alphabet, so the
// name is the ID's alone, and never "." or "..").
absl::StatusOr<std::string> BuildIdFileName(absl::string_view build_id);

}  // namespace gentrace::serve

#endif  // GENTRACE_SERVE_BUILD_ID_H_
