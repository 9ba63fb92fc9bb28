#ifndef GENTRACE_RENDER_PPROF_FILE_H_
#define GENTRACE_RENDER_PPROF_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/profile.pb.h"

namespace gentrace::render {

// A profile's file form, as pprof writes and reads it: its binary encoding,
// gzipped.
absl::StatusOr<std::string> EncodePprofFile(const pprof::Profile& profile);

// A profile from its file form, gzipped or not. Decompressed, it may hold at
// most `max_bytes`; anything else that does not parse as a profile is an
// InvalidArgumentError.
absl::StatusOr<pprof::Profile> DecodePprofFile(absl::string_view file,
                                               int64_t max_bytes = int64_t{1}
                                                                   << 30);

}  // namespace gentrace::render

#endif  // GENTRACE_RENDER_PPROF_FILE_H_
