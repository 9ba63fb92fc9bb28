#include "render/goroutine_groups.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace gentrace::render {
namespace {

// The status without the ", N minutes" the runtime put in it.
std::string StatusWithoutMinutes(const Goroutine& goroutine) {
  std::string status = goroutine.status();
  if (goroutine.wait_minutes() >= 1) {
    const std::string minutes =
        absl::StrCat(", ", goroutine.wait_minutes(), " minutes");
    if (const size_t at = status.find(minutes); at != std::string::npos) {
      status.erase(at, minutes.size());
    }
  }
  return status;
}

// The group's status as the runtime would put one member's: the minutes
// (here their range) before ", locked to thread".
std::string GroupStatus(const GoroutineGroup& group) {
  std::string status = StatusWithoutMinutes(group.goroutine());
  if (group.max_wait_minutes() < 1) return status;
  constexpr absl::string_view kLocked = ", locked to thread";
  size_t at = status.size();
  if (absl::EndsWith(status, kLocked)) at -= kLocked.size();
  status.insert(at,
                group.min_wait_minutes() == group.max_wait_minutes()
                    ? absl::StrCat(", ", group.max_wait_minutes(), " minutes")
                    : absl::StrCat(", ", group.min_wait_minutes(), "-",
                                   group.max_wait_minutes(), " minutes"));
  return status;
}

void AppendNumber(uint64_t value, std::string* key) {
  char bytes[sizeof value];
  std::memcpy(bytes, &value, sizeof value);
  key->append(bytes, sizeof value);
}

// Length first, so that no two lists of strings make the same key.
void AppendString(absl::string_view text, std::string* key) {
  AppendNumber(text.size(), key);
  key->append(text.data(), text.size());
}

bool IsArgumentSeparator(char c) {
  return c == ',' || c == ' ' || c == '{' || c == '}';
}

}  // namespace

std::optional<GroupBy> ParseGroupBy(absl::string_view level) {
  if (level.empty() || level == "pcs") return GroupBy::kPcs;
  if (level == "exact") return GroupBy::kExact;
  if (level == "functions") return GroupBy::kFunctions;
  return std::nullopt;
}

std::string MergeArguments(absl::string_view a, absl::string_view b) {
  if (a == b) return std::string(a);
  std::string merged;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && IsArgumentSeparator(a[i])) {
      if (a[i] != b[j]) return "*";
      merged.push_back(a[i]);
      ++i;
      ++j;
      continue;
    }
    // A value in each: up to the next separator.
    size_t a_end = i, b_end = j;
    while (a_end < a.size() && !IsArgumentSeparator(a[a_end])) ++a_end;
    while (b_end < b.size() && !IsArgumentSeparator(b[b_end])) ++b_end;
    if (a_end == i || b_end == j) return "*";  // one list has a value more
    const absl::string_view value_a = a.substr(i, a_end - i);
    absl::StrAppend(&merged, value_a == b.substr(j, b_end - j) ? value_a : "*");
    i = a_end;
    j = b_end;
  }
  return merged;
}

GoroutineGrouper::GoroutineGrouper(GroupBy by,
                                   const RuntimeTextOptions& options)
    : by_(by), options_(options) {}

void GoroutineGrouper::AppendKey(const Goroutine& goroutine, bool hidden,
                                 std::string* key) {
  AppendNumber(goroutine.reporting(), key);
  AppendString(StatusWithoutMinutes(goroutine), key);
  AppendString(goroutine.wait_reason(), key);
  if (by_ == GroupBy::kFunctions) {
    AppendString(goroutine.created_by().function(), key);
  } else {
    AppendNumber(goroutine.created_by_pc(), key);
  }
  if (by_ == GroupBy::kExact) AppendNumber(goroutine.parent_id(), key);
  for (const Ancestor& ancestor : goroutine.ancestors()) {
    AppendNumber(ancestor.id(), key);
    AppendNumber(ancestor.created_by_pc(), key);
    AppendNumber(ancestor.frames_size(), key);
    for (const Frame& frame : ancestor.frames()) AppendNumber(frame.pc(), key);
  }
  AppendNumber(goroutine.panicking(), key);
  AppendNumber(goroutine.panics(), key);
  AppendNumber(goroutine.panic_recovered(), key);
  for (const std::string& problem : goroutine.defer_problems()) {
    AppendString(problem, key);
  }
  if (hidden) return;
  AppendNumber(goroutine.frames_size(), key);
  for (const Frame& frame : goroutine.frames()) {
    AppendNumber(frame.source(), key);
    if (by_ == GroupBy::kFunctions) {
      AppendNumber(frame.locations_size(), key);
      for (const Location& at : frame.locations()) {
        AppendString(at.function(), key);
      }
    } else {
      AppendNumber(frame.pc(), key);
    }
    if (by_ == GroupBy::kExact) AppendString(frame.arguments(), key);
    AppendNumber(frame.defers_size(), key);
    for (const DeferredCall& call : frame.defers()) {
      AppendNumber(call.entry(), key);
      AppendNumber(call.kind(), key);
    }
  }
}

void GoroutineGrouper::Add(const Goroutine& goroutine) {
  ++goroutine_count_;
  const bool hidden = StackHidden(goroutine, options_);
  key_.clear();
  AppendKey(goroutine, hidden, &key_);
  auto [it, added] = group_of_key_.try_emplace(key_, groups_.size());
  if (added) {
    GoroutineGroup& group = groups_.emplace_back();
    *group.mutable_goroutine() = goroutine;
    if (hidden) group.mutable_goroutine()->clear_frames();
    group.add_ids(goroutine.id());
    group.set_min_wait_minutes(goroutine.wait_minutes());
    group.set_max_wait_minutes(goroutine.wait_minutes());
    return;
  }
  GoroutineGroup& group = groups_[it->second];
  group.add_ids(goroutine.id());
  // The group's message stays its lowest-id member's.
  if (goroutine.id() < group.goroutine().id()) {
    Goroutine older = goroutine;
    if (hidden) older.clear_frames();
    std::swap(older, *group.mutable_goroutine());
    Merge(older, &group);
  } else {
    Merge(goroutine, &group);
  }
}

void GoroutineGrouper::Merge(const Goroutine& goroutine,
                             GoroutineGroup* group) const {
  Goroutine& shown = *group->mutable_goroutine();
  group->set_min_wait_minutes(
      std::min(group->min_wait_minutes(), goroutine.wait_minutes()));
  group->set_max_wait_minutes(
      std::max(group->max_wait_minutes(), goroutine.wait_minutes()));
  if (goroutine.parent_id() != shown.parent_id()) {
    group->set_varying_parent(true);
  }
  if (goroutine.created_by_pc() != shown.created_by_pc()) {
    group->set_varying_creator_pc(true);
  }
  if (goroutine.created_by().line() != shown.created_by().line()) {
    group->set_varying_creator_line(true);
  }
  // Equal keys: as many frames (unless hidden, when neither has any), and
  // as many locations in each.
  const int frames = std::min(shown.frames_size(), goroutine.frames_size());
  for (int i = 0; i < frames; ++i) {
    Frame& frame = *shown.mutable_frames(i);
    const Frame& other = goroutine.frames(i);
    if (frame.arguments() != other.arguments()) {
      frame.set_arguments(MergeArguments(frame.arguments(), other.arguments()));
    }
    if (frame.pc() == other.pc()) continue;
    auto note = [i](google::protobuf::RepeatedField<int32_t>* frames) {
      if (std::find(frames->begin(), frames->end(), i) == frames->end()) {
        frames->Add(i);
      }
    };
    note(group->mutable_varying_pcs());
    const int locations =
        std::min(frame.locations_size(), other.locations_size());
    for (int l = 0; l < locations; ++l) {
      if (frame.locations(l).line() != other.locations(l).line() ||
          frame.locations(l).file() != other.locations(l).file()) {
        note(group->mutable_varying_lines());
        break;
      }
    }
  }
}

std::vector<GoroutineGroup> GoroutineGrouper::Groups() && {
  for (GoroutineGroup& group : groups_) {
    std::sort(group.mutable_ids()->begin(), group.mutable_ids()->end());
    std::sort(group.mutable_varying_lines()->begin(),
              group.mutable_varying_lines()->end());
    std::sort(group.mutable_varying_pcs()->begin(),
              group.mutable_varying_pcs()->end());
    group.set_status(GroupStatus(group));
  }
  std::sort(groups_.begin(), groups_.end(),
            [](const GoroutineGroup& a, const GoroutineGroup& b) {
              if (a.ids_size() != b.ids_size()) {
                return a.ids_size() > b.ids_size();
              }
              return a.ids(0) < b.ids(0);
            });
  group_of_key_.clear();
  return std::move(groups_);
}

}  // namespace gentrace::render
