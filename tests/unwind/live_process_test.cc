// `gentrace pid` against a live Go process: tests/go/parked (Go 1.23,
// amd64, run natively) parks 10,000 goroutines; gentrace attaches, reads
// every goroutine, and detaches; the process must then still answer on its
// stdin. Its goroutines are compared with the runtime's own dump of them
// (SIGQUIT at GOTRACEBACK=crash, after gentrace let go): every parked
// goroutine prints byte-identically.
#include "target/live_process.h"

#include <signal.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "render/runtime_text.h"
#include "symtab/binary.h"
#include "tests/testing/child_process.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/shell_command.h"
#include "traceback/goroutines.h"
#include "traceback/traceback_text.h"

namespace gentrace {
namespace {

constexpr int kParked = 10000;

TEST(LiveProcessTest, ReadsTenThousandGoroutinesAndLetsTheProcessRun) {
  std::optional<std::string> root = gentrace::testing::FixturesRoot();
  if (!root) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
#if !defined(__x86_64__)
  GTEST_SKIP() << "the live-process fixture is an amd64 program";
#endif
  const std::string program = *root + "/go/go1.23/amd64/parked/prog";
  ASSERT_TRUE(gentrace::testing::FileExists(program)) << program;
  const std::string dump =
      absl::StrCat(::testing::TempDir(), "/parked.stderr.txt");
  gentrace::testing::ChildProcess child;
  ASSERT_TRUE(child.Start(program, {absl::StrCat(kParked)},
                          {"GOTRACEBACK=crash", "GOMAXPROCS=2"}, dump));
  ASSERT_EQ(child.ReadLine(), "ready");

  std::map<int64_t, std::string> ours;
  int parked = 0;
  {
    absl::StatusOr<std::unique_ptr<target::LiveProcess>> process =
        target::LiveProcess::Attach(child.pid());
    ASSERT_TRUE(process.ok()) << process.status();
    EXPECT_GE((*process)->threads().size(), 2u);
    absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
        symtab::Binary::Open((*process)->executable_path());
    ASSERT_TRUE(binary.ok()) << binary.status();
    ASSERT_TRUE((*process)->AttachExecutable(**binary).ok());
    std::vector<std::string> notes;
    absl::Status status = traceback::ForEachGoroutine(
        **binary, **process,
        [&](Goroutine& g) {
          if (g.status() != "chan receive") return;
          ++parked;
          EXPECT_EQ(g.stop_reason(), STOP_REASON_TOP_OF_STACK) << g.id();
          std::string text;
          render::AppendGoroutineText(g, {.go_minor = 23}, &text);
          ours[g.id()] = text;
        },
        &notes);
    ASSERT_TRUE(status.ok()) << status;
    (*process)->Detach();
  }
  EXPECT_EQ(parked, kParked);

  // Still running: it answers with its goroutine count.
  child.WriteLine();
  int64_t count = 0;
  EXPECT_TRUE(absl::SimpleAtoi(child.ReadLine(), &count));
  EXPECT_GE(count, kParked);

  // `gentrace pid --group`: the parked goroutines in groups (one per depth
  // of park's recursion) whose ids are exactly the parked ones.
  {
    Trace grouped;
    ASSERT_TRUE(
        google::protobuf::util::JsonStringToMessage(
            gentrace::testing::RunShellCommand(
                ::testing::TempDir(),
                absl::StrCat(gentrace::testing::GentraceCommand(), " pid ",
                             child.pid(), " --format=json --group")),
            &grouped)
            .ok());
    std::set<int64_t> grouped_parked;
    for (const GoroutineGroup& group : grouped.goroutine_groups()) {
      if (group.goroutine().status() != "chan receive") continue;
      grouped_parked.insert(group.ids().begin(), group.ids().end());
    }
    EXPECT_EQ(grouped_parked.size(), ours.size());
    for (const auto& [id, text] : ours) {
      EXPECT_TRUE(grouped_parked.count(id)) << "goroutine " << id;
    }
    RecordProperty("groups", grouped.goroutine_groups_size());
  }
  child.WriteLine();
  EXPECT_TRUE(absl::SimpleAtoi(child.ReadLine(), &count)) << "it runs on";

  // The runtime's own view of the same goroutines.
  child.Stop(SIGQUIT);
  const std::map<int64_t, std::vector<std::string>> printed =
      traceback::GoroutineBlocks(gentrace::testing::ReadFileOrEmpty(dump));
  int identical = 0;
  for (const auto& [id, text] : ours) {
    auto it = printed.find(id);
    ASSERT_NE(it, printed.end()) << "goroutine " << id;
    if (absl::c_linear_search(it->second, text)) {
      ++identical;
    } else if (identical + 5 > static_cast<int>(ours.size())) {
      EXPECT_EQ(text, it->second.front());
    }
  }
  EXPECT_EQ(identical, kParked);
  RecordProperty("identical", identical);
}

}  // namespace
}  // namespace gentrace
