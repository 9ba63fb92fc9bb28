#ifndef GENTRACE_RENDER_PPROF_FILE_H_
#define GENTRACE_RENDER_PPROF_FILE_H_

#include <cstdint>
#include <string>
#include <tuple>

#include "absl/container/flat_hash_map.h"
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

// A profile's string table and functions, to add to: each string and each
// function (by name, file and start line, the name its system name too)
// once. Starts from what the profile holds; the profile must outlive it and
// not move.
class ProfileTables {
 public:
  // InvalidArgumentError when a function's strings are out of the table.
  static absl::StatusOr<ProfileTables> Index(pprof::Profile* profile);

  bool ValidString(int64_t index) const {
    return index >= 0 && index < profile_->string_table_size();
  }
  const std::string& StringAt(int64_t index) const {
    return profile_->string_table(static_cast<int>(index));
  }
  int64_t String(absl::string_view text);
  uint64_t Function(absl::string_view name, absl::string_view file,
                    int64_t start_line);

 private:
  explicit ProfileTables(pprof::Profile* profile) : profile_(profile) {}

  pprof::Profile* profile_;
  absl::flat_hash_map<std::string, int64_t> strings_;
  // By name, system name, file and start line.
  absl::flat_hash_map<std::tuple<int64_t, int64_t, int64_t, int64_t>, uint64_t>
      functions_;
  uint64_t next_function_id_ = 1;
};

}  // namespace gentrace::render

#endif  // GENTRACE_RENDER_PPROF_FILE_H_
