// `gentrace core --format=pprof` as go tool pprof reads it: on every
// fixture core of tests/go/goroutines (built as PIE too), `pprof -traces`
// (Debian's pprof of the core's toolchain, or of the newest Debian has)
// lists exactly the stacks of gentrace's own JSON view, goroutine by
// goroutine (function per line, inlined calls marked, labels), and with
// --pprof-group each distinct stack once with its count. The same profile
// with its functions and lines taken out, as perf and eBPF profilers write
// them, gets them back from `gentrace pprof-symbolize`: pprof lists the same.
// `pprof -top` counts goroutines per function as the runtime's own text.
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "proto/gentrace.pb.h"
#include "proto/profile.pb.h"
#include "render/pprof_file.h"
#include "render/runtime_text.h"
#include "symtab/printed_name.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/shell_command.h"
#include "traceback/traceback_text.h"

namespace gentrace {
namespace {

namespace fs = std::filesystem;
using ::gentrace::testing::FixtureBinary;

// The separator pprof -traces prints between samples.
constexpr absl::string_view kSeparator =
    "-----------+-------------------------------------------------------";

// The toolchain's own pprof: Debian's (1.19-1.23), or one built from its
// source into the fixtures (tests/fixtures/build_pprof.sh: 1.27); else the
// newest Debian ships.
std::string PprofFor(const std::string& toolchain) {
  std::vector<std::string> tools = {
      absl::StrCat("/usr/lib/go-", absl::StripPrefix(toolchain, "go"),
                   "/pkg/tool/linux_amd64/pprof")};
  if (std::optional<std::string> root = gentrace::testing::FixturesRoot()) {
    tools.push_back(absl::StrCat(*root, "/pprof/", toolchain, "/pprof"));
  }
  tools.push_back("/usr/lib/go-1.23/pkg/tool/linux_amd64/pprof");
  for (const std::string& tool : tools) {
    if (fs::exists(tool)) return tool;
  }
  return "";
}

using GoroutineProfileTest = gentrace::testing::FixtureCoreTest;

// A goroutine's stack lines as pprof -traces prints them, `count` on the
// first.
std::string StackText(const Goroutine& goroutine, int count) {
  std::string out;
  bool first = true;
  for (const Frame& frame : goroutine.frames()) {
    for (int i = 0; i < frame.locations_size(); ++i) {
      absl::StrAppendFormat(&out, "%10s   %s%s\n",
                            first ? absl::StrCat(count) : "",
                            frame.locations(i).function(),
                            i + 1 < frame.locations_size() ? " (inline)" : "");
      first = false;
    }
  }
  return out;
}

// The labels gentrace gives a goroutine, as pprof -traces prints them
// (string labels sorted, then numbers).
std::string LabelText(const Goroutine& goroutine) {
  std::vector<std::string> text;
  auto add = [&](absl::string_view key, absl::string_view value) {
    if (!value.empty()) {
      text.push_back(absl::StrFormat("%10s:  %s\n", key, value));
    }
  };
  add("state", goroutine.status());
  add("wait_reason", goroutine.wait_reason());
  if (const Location* creator = render::ShownCreator(goroutine)) {
    add("created_by", creator->function());
  }
  std::sort(text.begin(), text.end());
  return absl::StrCat(
      absl::StrJoin(text, ""),
      absl::StrFormat("%10s:  %d\n", "goroutine", goroutine.id()));
}

// The samples of pprof -traces output, each block between separators.
std::vector<std::string> Blocks(const std::string& traces) {
  std::vector<std::string> blocks =
      absl::StrSplit(traces, absl::StrCat(kSeparator, "\n"), absl::SkipEmpty());
  if (!blocks.empty()) blocks.erase(blocks.begin());  // the header
  std::sort(blocks.begin(), blocks.end());
  return blocks;
}

TEST_P(GoroutineProfileTest, PprofListsTheStacksOfTheJsonView) {
  const std::string pprof = PprofFor(GetParam().toolchain);
  if (pprof.empty()) GTEST_SKIP() << "no Debian pprof";
  Trace trace;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(Core("--format=json"), &trace)
          .ok());
  ASSERT_GT(trace.goroutines_size(), 3);

  const std::string profile = (dir_ / "profile.pb.gz").string();
  Core("--format=pprof", profile);
  std::vector<std::string> want;
  std::map<std::string, int> stacks;
  for (const Goroutine& goroutine : trace.goroutines()) {
    if (goroutine.frames().empty()) continue;  // pprof lists no empty stack
    want.push_back(LabelText(goroutine) + StackText(goroutine, 1));
    ++stacks[StackText(goroutine, 0)];
  }
  std::sort(want.begin(), want.end());
  const std::vector<std::string> got =
      Blocks(Run(absl::StrCat(pprof, " -traces ", profile)));
  EXPECT_EQ(got, want);

  // Grouped: each stack once, with its count (which labels a group keeps,
  // render/goroutine_profile_test checks).
  const std::string grouped = (dir_ / "grouped.pb.gz").string();
  Core("--format=pprof --pprof-group", grouped);
  std::vector<std::string> grouped_stacks;
  for (const std::string& block :
       Blocks(Run(absl::StrCat(pprof, " -traces ", grouped)))) {
    // Drop the label lines: what is left is the stack with its count.
    std::vector<absl::string_view> lines =
        absl::StrSplit(block, '\n', absl::SkipEmpty());
    std::string stack;
    for (absl::string_view line : lines) {
      if (!absl::StrContains(line, ":  ")) absl::StrAppend(&stack, line, "\n");
    }
    grouped_stacks.push_back(stack);
  }
  std::vector<std::string> want_grouped;
  want_grouped.reserve(stacks.size());
  for (const auto& [stack, count] : stacks) {
    // StackText with count 0 left the first line's value column blank.
    want_grouped.push_back(
        absl::StrCat(absl::StrFormat("%10d", count), stack.substr(10)));
  }
  std::sort(grouped_stacks.begin(), grouped_stacks.end());
  std::sort(want_grouped.begin(), want_grouped.end());
  EXPECT_EQ(grouped_stacks, want_grouped);
}

// Per function, the goroutines whose innermost frame it is and those it is
// in, from the runtime's own crash text: each goroutine's fullest block
// (one running on another thread is printed bare in the list, then whole
// by its thread), its function lines ("panic" is runtime.gopanic). Blocks
// the runtime cut ("...frames elided...") are left out, their ids put in
// `cut`.
std::map<std::string, std::pair<int, int>> RuntimeFunctionCounts(
    const std::string& crash_text, std::vector<int64_t>* cut) {
  std::map<std::string, std::pair<int, int>> counts;
  for (const auto& [id, blocks] : traceback::GoroutineBlocks(crash_text)) {
    const std::string& block = *absl::c_max_element(
        blocks, [](const std::string& a, const std::string& b) {
          return a.size() < b.size();
        });
    if (absl::StrContains(block, "\n...")) {
      cut->push_back(id);
      continue;
    }
    std::set<std::string> seen;
    bool innermost = true;
    for (absl::string_view line : absl::StrSplit(block, '\n')) {
      if (line.empty() || line[0] == '\t' || line.back() == ':' ||
          absl::StartsWith(line, "created by ") || !absl::EndsWith(line, ")")) {
        continue;
      }
      std::string function =
          symtab::PrintedFunctionName(line.substr(0, line.rfind('(')));
      if (function == "panic") function = "runtime.gopanic";
      if (innermost) ++counts[function].first;
      innermost = false;
      if (seen.insert(function).second) ++counts[function].second;
    }
  }
  return counts;
}

// `pprof -top` counts goroutines per function (flat: the innermost; cum:
// anywhere on the stack, inlined calls too) as the runtime's own traceback
// text of the same goroutines does.
TEST_P(GoroutineProfileTest, TopCountsWhatTheRuntimePrinted) {
  const std::string pprof = PprofFor(GetParam().toolchain);
  if (pprof.empty()) GTEST_SKIP() << "no Debian pprof";
  std::vector<int64_t> cut;
  const std::map<std::string, std::pair<int, int>> printed =
      RuntimeFunctionCounts(
          gentrace::testing::ReadFileOrEmpty(GetParam().path + ".crash.txt"),
          &cut);
  const std::string profile = (dir_ / "profile.pb.gz").string();
  Core("--format=pprof", profile);
  std::map<std::string, std::pair<int, int>> top;
  for (absl::string_view line : absl::StrSplit(
           Run(absl::StrCat(pprof, " -top -nodefraction=0 -nodecount=100000 ",
                            cut.empty()
                                ? ""
                                : absl::StrCat("-tagignore=goroutine=",
                                               absl::StrJoin(cut, ","), " "),
                            profile)),
           '\n')) {
    // flat flat% sum% cum cum% function [(inline)]
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    int flat = 0, cum = 0;
    if (fields.size() < 6 || !absl::SimpleAtoi(fields[0], &flat) ||
        !absl::SimpleAtoi(fields[3], &cum)) {
      continue;
    }
    std::pair<int, int>& count = top[symtab::PrintedFunctionName(fields[5])];
    count.first += flat;
    count.second += cum;
  }
  ASSERT_FALSE(top.empty());
  EXPECT_EQ(top, printed);
  ::testing::Test::RecordProperty("functions", static_cast<int>(top.size()));
  ::testing::Test::RecordProperty("cut_goroutines",
                                  static_cast<int>(cut.size()));
}

TEST_P(GoroutineProfileTest, PprofSymbolizeRestoresWhatPprofLists) {
  const std::string pprof = PprofFor(GetParam().toolchain);
  if (pprof.empty()) GTEST_SKIP() << "no Debian pprof";
  const std::string symbolized = (dir_ / "symbolized.pb.gz").string();
  Core("--format=pprof", symbolized);
  absl::StatusOr<pprof::Profile> profile =
      render::DecodePprofFile(gentrace::testing::ReadFileOrEmpty(symbolized));
  ASSERT_TRUE(profile.ok()) << profile.status();
  profile->clear_function();
  for (pprof::Location& location : *profile->mutable_location()) {
    location.clear_line();
  }
  for (pprof::Mapping& mapping : *profile->mutable_mapping()) {
    mapping.set_has_functions(false);
    mapping.set_has_filenames(false);
    mapping.set_has_line_numbers(false);
    mapping.set_has_inline_frames(false);
  }
  const std::string bare = (dir_ / "bare.pb.gz").string();
  absl::StatusOr<std::string> encoded = render::EncodePprofFile(*profile);
  ASSERT_TRUE(encoded.ok());
  std::ofstream(bare, std::ios::binary) << *encoded;

  const std::string restored = (dir_ / "restored.pb.gz").string();
  Run(absl::StrCat(gentrace::testing::GentraceCommand(),
                   " pprof-symbolize --binary=", GetParam().path,
                   " --in=", bare, " --out=", restored));
  const std::string want = Run(absl::StrCat(pprof, " -traces ", symbolized));
  ASSERT_TRUE(absl::StrContains(want, "runtime.gopark"));
  EXPECT_EQ(Run(absl::StrCat(pprof, " -traces ", restored)), want);
}

// What is not a profile of the binary gets an error that says so, and no
// output file.
TEST(PprofSymbolizeTest, HostileProfilesGetAClearError) {
  const std::string binary =
      gentrace::testing::SymbolizeFixture("default", "amd64");
  if (binary.empty()) {
    GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  }
  const fs::path dir = fs::path(::testing::TempDir()) / "pprof_symbolize";
  fs::create_directories(dir);
  const std::string out = (dir / "out.pb.gz").string();
  auto symbolize = [&](const std::string& input) {
    const std::string in = (dir / "in").string();
    std::ofstream(in, std::ios::binary | std::ios::trunc) << input;
    const std::string err = (dir / "err").string();
    fs::remove(out);
    const int status =
        std::system(absl::StrCat(fs::absolute("cli/gentrace").string(),
                                 " pprof-symbolize --binary=", binary,
                                 " --in=", in, " --out=", out, " 2>", err)
                        .c_str());
    EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(out + ".partial"));
    return gentrace::testing::ReadFileOrEmpty(err);
  };
  EXPECT_TRUE(
      absl::StrContains(symbolize("\x0a\xff\xff"), "not a pprof profile"));

  pprof::Profile profile;
  profile.add_string_table("");
  profile.add_string_table("elsewhere");
  pprof::Mapping* mapping = profile.add_mapping();
  mapping->set_id(1);
  mapping->set_build_id(1);
  absl::StatusOr<std::string> other = render::EncodePprofFile(profile);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(absl::StrContains(symbolize(*other),
                                "no mapping of the profile has the binary's"));
  const std::string cut = symbolize(other->substr(0, other->size() / 2));
  EXPECT_TRUE(absl::StrContains(cut, "gzip stream is cut short")) << cut;
  mapping->set_build_id(7);  // past the string table
  absl::StatusOr<std::string> corrupt = render::EncodePprofFile(profile);
  ASSERT_TRUE(corrupt.ok());
  EXPECT_TRUE(absl::StrContains(symbolize(*corrupt),
                                "corrupt profile: mapping 1's strings"));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GoroutineProfileTest,
                         ::testing::ValuesIn(gentrace::testing::FixtureCoresIn(
                             {"/goroutines/", "/goroutines-pie/"})),
                         gentrace::testing::FixtureTestName());
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoroutineProfileTest);

}  // namespace
}  // namespace gentrace
