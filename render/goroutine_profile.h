#ifndef GENTRACE_RENDER_GOROUTINE_PROFILE_H_
#define GENTRACE_RENDER_GOROUTINE_PROFILE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/gentrace.pb.h"
#include "proto/profile.pb.h"
#include "render/pprof_file.h"

namespace gentrace::render {

// A goroutine profile in pprof's format, as runtime/pprof writes one: sample
// type goroutine/count, one Location per pc with the calls inlined there
// before the physical function, one Function per name and file, the
// executable's Mapping first (with its build ID and what it has), and per
// sample the goroutine's labels: state, wait_reason, created_by (strings),
// goroutine and wait_minutes (numbers).
//
//   GoroutineProfile profile(module, GoroutineProfile::Samples::kPerStack);
//   for (...) profile.Add(goroutine);
//   absl::StatusOr<std::string> gzipped = profile.Encode();
class GoroutineProfile {
 public:
  enum class Samples {
    kPerGoroutine,  // one sample of count 1 per goroutine
    // Goroutines with the same stack merged into one sample with their
    // count; a label stays where every goroutine merged has the same one.
    kPerStack,
  };
  GoroutineProfile(const Module& module, Samples samples);
  // tables_ points into profile_.
  GoroutineProfile(const GoroutineProfile&) = delete;
  GoroutineProfile& operator=(const GoroutineProfile&) = delete;

  void Add(const Goroutine& goroutine);
  // A line `go tool pprof -comments` shows: how the profile was made.
  void AddComment(absl::string_view comment);
  // The profile's binary encoding, gzipped (what pprof reads).
  absl::StatusOr<std::string> Encode() const;

 private:
  uint64_t LocationId(const Frame& frame);
  // Keeps only the labels of `sample` that `labels` has too.
  static void KeepCommonLabels(const std::vector<pprof::Label>& labels,
                               pprof::Sample* sample);

  const Samples samples_;
  uint64_t text_start_, text_end_;
  pprof::Profile profile_;
  ProfileTables tables_;  // of profile_
  // By pc and whether it is looked up as is (an interrupted instruction)
  // or as a return address.
  absl::flat_hash_map<std::pair<uint64_t, bool>, uint64_t> locations_;
  absl::flat_hash_map<std::vector<uint64_t>, int> stacks_;  // kPerStack
};

}  // namespace gentrace::render

#endif  // GENTRACE_RENDER_GOROUTINE_PROFILE_H_
