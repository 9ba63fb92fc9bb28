// Pending defers against what the program then runs: tests/go/defers parks
// goroutines with deferred calls pending in several frames (open-coded,
// stack and heap records, defers in loops, nested frames, a panic in
// progress whose deferred call is blocked). gentrace reads every goroutine's
// pending calls from the live process; then the program is let go and logs
// each deferred call as it actually runs. The two lists must be identical,
// call for call and frame for frame, for every toolchain (the 1.18-1.21
// and 1.22+ formats of the defer records and open-coded info).
#include <signal.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "target/live_process.h"
#include "tests/testing/child_process.h"
#include "tests/testing/fixtures.h"
#include "traceback/goroutines.h"

namespace gentrace {
namespace {

// "deferred function frame function", one per call, in running order.
using Calls = std::vector<std::string>;

class PendingDefersLiveTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PendingDefersLiveTest, PendingCallsAreWhatTheProgramRuns) {
  std::optional<std::string> root = gentrace::testing::FixturesRoot();
  if (!root) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
#if !defined(__x86_64__)
  GTEST_SKIP() << "the live-process fixture is an amd64 program";
#endif
  const std::string program =
      absl::StrCat(*root, "/go/", GetParam(), "/amd64/defers/prog");
  ASSERT_TRUE(gentrace::testing::FileExists(program)) << program;
  gentrace::testing::ChildProcess child;
  ASSERT_TRUE(child.Start(program, {}, {"GOMAXPROCS=2"},
                          absl::StrCat(::testing::TempDir(), "/defers.err")));
  // Its scenario goroutines, then "ready" once all are parked. A panicking
  // scenario's blocked deferred call may log before that.
  std::map<int64_t, std::string> scenarios;
  std::map<int64_t, Calls> ran;
  const auto take_ran = [&](const std::string& line) {
    std::vector<std::string> f = absl::StrSplit(line, ' ');
    int64_t id = 0;
    if (f.size() == 4 && f[0] == "ran" && absl::SimpleAtoi(f[1], &id)) {
      ran[id].push_back(absl::StrCat(f[2], " ", f[3]));
      return true;
    }
    return false;
  };
  for (std::string line = child.ReadLine(); line != "ready";
       line = child.ReadLine()) {
    ASSERT_NE(line, "<eof>");
    std::vector<std::string> f = absl::StrSplit(line, ' ');
    int64_t id = 0;
    if (f.size() == 3 && f[0] == "scenario" && absl::SimpleAtoi(f[1], &id)) {
      scenarios[id] = f[2];
    } else {
      ASSERT_TRUE(take_ran(line)) << line;
    }
  }
  ASSERT_GE(scenarios.size(), 6u);
  // Calls that ran before the capture are not pending.
  ran.clear();

  std::map<int64_t, Calls> pending;
  int open_coded = 0, heap = 0, stack = 0;
  bool saw_panic = false;
  {
    absl::StatusOr<std::unique_ptr<target::LiveProcess>> process =
        target::LiveProcess::Attach(child.pid());
    ASSERT_TRUE(process.ok()) << process.status();
    absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
        symtab::Binary::Open((*process)->executable_path());
    ASSERT_TRUE(binary.ok()) << binary.status();
    ASSERT_TRUE((*process)->AttachExecutable(**binary).ok());
    std::vector<std::string> notes;
    absl::Status status = traceback::ForEachGoroutine(
        **binary, **process,
        [&](Goroutine& g) {
          if (!scenarios.contains(g.id())) return;
          EXPECT_EQ(g.stop_reason(), STOP_REASON_TOP_OF_STACK) << g.id();
          EXPECT_EQ(g.defer_problems_size(), 0)
              << scenarios[g.id()] << ": "
              << absl::StrJoin(g.defer_problems(), "; ");
          if (scenarios[g.id()] == "panic") {
            saw_panic = true;
            EXPECT_EQ(g.panics(), 1);
            EXPECT_FALSE(g.panic_recovered());
          } else {
            EXPECT_FALSE(g.panicking()) << scenarios[g.id()];
          }
          Calls& calls = pending[g.id()];
          for (const Frame& frame : g.frames()) {
            const std::string frame_function =
                frame.locations().empty()
                    ? "?"
                    : frame.locations(frame.locations_size() - 1).function();
            for (const DeferredCall& call : frame.defers()) {
              calls.push_back(absl::StrCat(call.function().function(), " ",
                                           frame_function));
              open_coded += call.kind() == DEFER_KIND_OPEN_CODED;
              heap += call.kind() == DEFER_KIND_HEAP;
              stack += call.kind() == DEFER_KIND_STACK;
            }
          }
        },
        &notes, {.pending_defers = true});
    ASSERT_TRUE(status.ok()) << status;
    (*process)->Detach();
  }

  child.WriteLine();
  for (std::string line = child.ReadLine(); line != "done";
       line = child.ReadLine()) {
    ASSERT_NE(line, "<eof>");
    EXPECT_TRUE(take_ran(line)) << line;
  }
  child.Stop(0);

  int calls = 0;
  for (const auto& [id, name] : scenarios) {
    EXPECT_EQ(absl::StrJoin(pending[id], "\n"), absl::StrJoin(ran[id], "\n"))
        << "scenario " << name << " (goroutine " << id << ")";
    EXPECT_FALSE(ran[id].empty()) << name;
    calls += ran[id].size();
  }
  // Every kind of defer was among them, and a panic in progress.
  EXPECT_GT(open_coded, 0);
  EXPECT_GT(heap, 0);
  EXPECT_GT(stack, 0);
  EXPECT_TRUE(saw_panic);
  std::cout << GetParam() << ": " << calls << " deferred calls in "
            << scenarios.size() << " goroutines (" << open_coded
            << " open-coded, " << stack << " stack, " << heap
            << " heap), pending exactly as they ran\n";
}

INSTANTIATE_TEST_SUITE_P(Toolchains, PendingDefersLiveTest,
                         ::testing::Values("go1.19", "go1.21", "go1.22",
                                           "go1.23", "go1.24", "go1.25",
                                           "go1.26", "go1.27"));

}  // namespace
}  // namespace gentrace
