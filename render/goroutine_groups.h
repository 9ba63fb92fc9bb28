#ifndef GENTRACE_RENDER_GOROUTINE_GROUPS_H_
#define GENTRACE_RENDER_GOROUTINE_GROUPS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "proto/gentrace.pb.h"
#include "render/runtime_text.h"

namespace gentrace::render {

// How alike goroutines must be to share a group (panicparse's levels).
// Every level also asks for the same state and wait reason, whether the
// goroutine is the one a crash report is about, the same creator (the `go`
// statement's pc; its function when grouping by functions), ancestors and
// deferred calls.
enum class GroupBy {
  kExact,      // the same pc and the same arguments in every frame
  kPcs,        // the same pc in every frame; arguments may differ
  kFunctions,  // the same functions, inlined calls included; lines may differ
};

// "exact", "pcs" (also the empty value: --group alone) or "functions".
std::optional<GroupBy> ParseGroupBy(absl::string_view level);

// Collapses goroutines into GoroutineGroups as they come, holding one
// message per group and each member's id and wait:
//
//   GoroutineGrouper grouper(GroupBy::kPcs, options);
//   for (...) grouper.Add(goroutine);
//   std::vector<GoroutineGroup> groups = std::move(grouper).Groups();
class GoroutineGrouper {
 public:
  // `options` say whose stacks the text hides (running goroutines other
  // than the reporting one): those group by state and creator alone.
  GoroutineGrouper(GroupBy by, const RuntimeTextOptions& options);

  void Add(const Goroutine& goroutine);
  size_t goroutine_count() const { return goroutine_count_; }
  // The groups, the largest first (among equals, the lowest id first), ids
  // ascending.
  std::vector<GoroutineGroup> Groups() &&;

 private:
  // What members of one group share, at by_'s level.
  void AppendKey(const Goroutine& goroutine, bool hidden, std::string* key);
  // Notes in `group` where `goroutine` (a new member) differs from it.
  void Merge(const Goroutine& goroutine, GoroutineGroup* group) const;

  GroupBy by_;
  RuntimeTextOptions options_;
  size_t goroutine_count_ = 0;
  std::string key_;  // reused
  absl::flat_hash_map<std::string, size_t> group_of_key_;
  std::vector<GoroutineGroup> groups_;
};

// The argument lists `a` and `b` of one function at one pc, with `*` for
// each value they do not share: "0xc000010000, 0x3?" and "0xc000020000,
// 0x3?" give "*, 0x3?". Lists of different shapes give "*".
std::string MergeArguments(absl::string_view a, absl::string_view b);

}  // namespace gentrace::render

#endif  // GENTRACE_RENDER_GOROUTINE_GROUPS_H_
