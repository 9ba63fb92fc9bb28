// `gentrace core --group` on the fixture cores (the 10,000-goroutine
// SIGQUIT dumps of tests/go/parked and the cores of tests/go/goroutines):
// at --group=exact the text is the runtime's own crash report with its
// identical goroutine blocks counted once (addresses and ids aside); at
// every level the groups' counts add up to the goroutines, each goroutine
// is in one group, and each member, looked up in the ungrouped JSON, has
// the stack its group claims.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "proto/gentrace.pb.h"
#include "render/runtime_text.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/shell_command.h"
#include "traceback/traceback_text.h"

namespace gentrace {
namespace {

namespace fs = std::filesystem;
using ::gentrace::testing::FixtureBinary;

class GoroutineGroupsTest : public gentrace::testing::FixtureCoreTest {
 protected:
  Trace CoreJson(const std::string& args) {
    Trace trace;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(
                    Core("--format=json " + args), &trace)
                    .ok());
    return trace;
  }
};

// "18, 20-22", as a group's header lists its ids.
std::string IdRanges(const std::vector<int64_t>& ids) {
  std::vector<std::string> runs;
  for (size_t i = 0; i < ids.size();) {
    size_t last = i;
    while (last + 1 < ids.size() && ids[last + 1] == ids[last] + 1) ++last;
    runs.push_back(last == i ? absl::StrCat(ids[i])
                             : absl::StrCat(ids[i], "-", ids[last]));
    i = last + 1;
  }
  return absl::StrJoin(runs, ", ");
}

// The runtime's block with what differs between goroutines alike taken out:
// the header's id, g and M, and each frame's fp= sp= pc=. Its state goes to
// `state`.
std::string SharedPart(absl::string_view block, std::string* state) {
  std::vector<absl::string_view> lines = absl::StrSplit(block, '\n');
  const absl::string_view header = lines[0];
  const size_t open = header.find(" [");
  *state = std::string(header.substr(open + 2, header.size() - open - 4));
  std::string body;
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    absl::StrAppend(&body, lines[i].substr(0, lines[i].find(" fp=")), "\n");
  }
  return body;
}

// Grouped exactly, the text is the runtime's report with its identical
// blocks (the same state, frames, arguments, offsets and creator) collapsed:
// built here from the runtime's text alone, largest groups first.
TEST_P(GoroutineGroupsTest, ExactGroupsAreTheRuntimesIdenticalBlocks) {
  const Trace trace = CoreJson("");
  const std::map<int64_t, std::vector<std::string>> printed =
      traceback::GoroutineBlocks(
          gentrace::testing::ReadFileOrEmpty(GetParam().path + ".crash.txt"));
  const render::RuntimeTextOptions options{
      .go_minor = std::stoi(std::string(absl::StripPrefix(
          trace.modules(0).go_version().substr(0, 6), "go1.")))};
  struct Group {
    std::string state;
    std::vector<int64_t> ids;
  };
  std::map<std::string, Group> groups;  // by state and shared part
  for (const Goroutine& goroutine : trace.goroutines()) {
    auto it = printed.find(goroutine.id());
    ASSERT_NE(it, printed.end()) << goroutine.id();
    // Printed twice (in the list, then by its thread): the one gentrace
    // prints, as goroutine_text_test checks.
    std::string ours;
    render::AppendGoroutineText(goroutine, options, &ours);
    ASSERT_TRUE(absl::c_linear_search(it->second, ours)) << ours;
    std::string state;
    const std::string shared = SharedPart(ours, &state);
    Group& group = groups[state + "\n" + shared];
    group.state = state;
    group.ids.push_back(goroutine.id());
  }
  std::vector<std::pair<const std::string*, Group*>> order;
  for (auto& [key, group] : groups) {
    absl::c_sort(group.ids);
    order.push_back({&key, &group});
  }
  absl::c_sort(order, [](const auto& a, const auto& b) {
    if (a.second->ids.size() != b.second->ids.size()) {
      return a.second->ids.size() > b.second->ids.size();
    }
    return a.second->ids[0] < b.second->ids[0];
  });
  // Above the groups, what the runtime printed above the goroutines (a
  // fatal panic's lines, a throw's), and nothing of a signal's report (its
  // name, then its "PC=" line).
  const std::string crash_text =
      gentrace::testing::RuntimeReport(GetParam().path + ".crash.txt");
  std::string want;
  for (size_t line = 0; line < crash_text.size();) {
    const size_t end = crash_text.find('\n', line);
    const size_t next = end == std::string::npos ? crash_text.size() : end + 1;
    if (absl::StartsWith(absl::string_view(crash_text).substr(line),
                         "goroutine ") ||
        absl::StartsWith(absl::string_view(crash_text).substr(next), "PC=0x")) {
      want = crash_text.substr(0, line);
      break;
    }
    line = next;
  }
  const size_t header = want.size();
  for (const auto& [key, group] : order) {
    absl::StrAppend(&want, want.size() == header ? "" : "\n", group->ids.size(),
                    group->ids.size() == 1 ? " goroutine [" : " goroutines [",
                    group->state, "]: ", IdRanges(group->ids), "\n",
                    key->substr(key->find('\n') + 1));
  }
  const std::string ours = Core("--group=exact");
  EXPECT_TRUE(ours == want) << gentrace::testing::FirstDifference(ours, want);
  ::testing::Test::RecordProperty("goroutines", trace.goroutines_size());
  ::testing::Test::RecordProperty("groups", static_cast<int>(groups.size()));
}

// `pattern` (a group's arguments, `*` where its members differ) holds
// `arguments`: the same text but where the pattern has `*`.
bool ArgumentsFit(absl::string_view pattern, absl::string_view arguments) {
  if (pattern == "*") return true;
  auto values = [](absl::string_view text) {
    return std::vector<std::string>(
        absl::StrSplit(text, absl::ByAnyChar(", {}")));
  };
  const std::vector<std::string> want = values(pattern),
                                 got = values(arguments);
  if (want.size() != got.size()) return false;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i] != "*" && want[i] != got[i]) return false;
  }
  return true;
}

TEST_P(GoroutineGroupsTest, MembersHaveTheStacksTheirGroupClaims) {
  const Trace trace = CoreJson("");
  std::map<int64_t, const Goroutine*> by_id;
  for (const Goroutine& g : trace.goroutines()) by_id[g.id()] = &g;
  ASSERT_EQ(by_id.size(), trace.goroutines_size());

  for (const std::string level : {"exact", "pcs", "functions"}) {
    SCOPED_TRACE(level);
    const Trace grouped = CoreJson("--group=" + level);
    EXPECT_EQ(grouped.goroutines_size(), 0);
    std::set<int64_t> seen;
    int previous_size = trace.goroutines_size();
    for (const GoroutineGroup& group : grouped.goroutine_groups()) {
      ASSERT_GT(group.ids_size(), 0);
      EXPECT_LE(group.ids_size(), previous_size) << "largest first";
      previous_size = group.ids_size();
      EXPECT_TRUE(absl::c_is_sorted(group.ids()));
      const Goroutine& shown = group.goroutine();
      EXPECT_EQ(shown.id(), group.ids(0));
      std::set<uint64_t> first_varying_pcs;
      for (const int64_t id : group.ids()) {
        EXPECT_TRUE(seen.insert(id).second) << "goroutine " << id << " twice";
        ASSERT_TRUE(by_id.count(id)) << id;
        const Goroutine& member = *by_id[id];
        EXPECT_EQ(member.status(), group.status());
        EXPECT_EQ(member.reporting(), shown.reporting());
        EXPECT_EQ(member.created_by().function(),
                  shown.created_by().function());
        if (level != "functions") {
          EXPECT_EQ(member.created_by_pc(), shown.created_by_pc());
        }
        if (!group.varying_parent()) {
          EXPECT_EQ(member.parent_id(), shown.parent_id());
        }
        if (shown.frames_size() == 0) {
          // Running on another thread: the text shows no stack.
          EXPECT_EQ(member.status(), "running");
          continue;
        }
        ASSERT_EQ(member.frames_size(), shown.frames_size()) << id;
        for (int i = 0; i < shown.frames_size(); ++i) {
          const Frame& want = shown.frames(i);
          const Frame& got = member.frames(i);
          ASSERT_EQ(got.locations_size(), want.locations_size());
          for (int l = 0; l < want.locations_size(); ++l) {
            EXPECT_EQ(got.locations(l).function(),
                      want.locations(l).function());
            if (!absl::c_linear_search(group.varying_lines(), i)) {
              EXPECT_EQ(got.locations(l).line(), want.locations(l).line());
            }
          }
          if (!absl::c_linear_search(group.varying_pcs(), i)) {
            EXPECT_EQ(got.pc(), want.pc())
                << "goroutine " << id << " frame " << i;
          } else if (i == group.varying_pcs(0)) {
            first_varying_pcs.insert(got.pc());
          }
          if (level == "exact") {
            EXPECT_EQ(got.arguments(), want.arguments());
          } else {
            EXPECT_TRUE(ArgumentsFit(want.arguments(), got.arguments()))
                << want.arguments() << " vs " << got.arguments();
          }
        }
      }
      // What the group says varies does.
      if (!group.varying_pcs().empty()) {
        EXPECT_GT(first_varying_pcs.size(), 1);
      }
      if (level != "functions") {
        EXPECT_TRUE(group.varying_pcs().empty());
        EXPECT_TRUE(group.varying_lines().empty());
      }
    }
    EXPECT_EQ(seen.size(), by_id.size());

    // The text view: one block per group, its count first.
    const std::string text = Core("--group=" + level);
    int blocks = 0, counted = 0;
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      if (line.empty() || !absl::ascii_isdigit(line[0])) continue;
      ++blocks;
      counted += std::stoi(std::string(line.substr(0, line.find(' '))));
    }
    EXPECT_EQ(blocks, grouped.goroutine_groups_size());
    EXPECT_EQ(counted, trace.goroutines_size());
    ::testing::Test::RecordProperty(level + "_groups",
                                    grouped.goroutine_groups_size());
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GoroutineGroupsTest,
                         ::testing::ValuesIn(gentrace::testing::FixtureCoresIn(
                             {"/parked/", "/goroutines/", "/goroutines-pie/"})),
                         [](const auto& info) { return info.param.name; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoroutineGroupsTest);

}  // namespace
}  // namespace gentrace
