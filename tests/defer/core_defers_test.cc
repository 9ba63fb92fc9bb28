// Pending defers in every fixture core: the Go test programs crashed on each
// GOARCH by each toolchain, and esbuild crashed natively by the releases
// from go1.13 to go1.26 (the record layouts with saved arguments up to 1.17,
// open-coded info in all three formats). Nothing here knows what the
// programs deferred, so the checks are what must hold of any real core:
// every _defer record belongs to a frame of its goroutine, every deferred
// call names a function, and runtime.main's frame, on goroutines that are
// not panicking, holds its one deferred unlock (open-coded from Go 1.14,
// a record before). tests/go/goroutines is known: on every GOARCH, its
// withDefers frame has its two deferred closures pending, last first, and
// its panicking frame none (the panic is running its only one).
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "target/core_file.h"
#include "tests/testing/crashed_program.h"
#include "tests/testing/fixtures.h"
#include "traceback/goroutines.h"

namespace gentrace {
namespace {

using ::gentrace::testing::FixtureBinary;

class CoreDefersTest : public ::testing::TestWithParam<FixtureBinary> {};

TEST_P(CoreDefersTest, EveryRecordHasItsFrameAndEveryCallAFunction) {
  const FixtureBinary& crashed = GetParam();
  absl::StatusOr<gentrace::testing::CrashedProgram> program =
      gentrace::testing::OpenCrashedProgram(crashed.path,
                                            crashed.path + ".core");
  ASSERT_TRUE(program.ok()) << program.status();
  const symtab::Binary& binary = *program->binary;
  const target::CoreFile& core = *program->core;
  std::vector<std::string> notes;
  int goroutines = 0, calls = 0, main_frames = 0, with_defers = 0,
      panicking = 0;
  absl::Status status = traceback::ForEachGoroutine(
      binary, core,
      [&](Goroutine& g) {
        ++goroutines;
        // A running goroutine's walk is cut where the crash report starts,
        // so records of the frames above that cut have no frame.
        if (g.status() != "running") {
          EXPECT_EQ(g.defer_problems_size(), 0)
              << "goroutine " << g.id() << ": "
              << absl::StrJoin(g.defer_problems(), "; ");
        }
        for (const Frame& frame : g.frames()) {
          const std::string& function =
              frame.locations().empty()
                  ? ""
                  : frame.locations(frame.locations_size() - 1).function();
          for (const DeferredCall& call : frame.defers()) {
            ++calls;
            EXPECT_FALSE(call.function().function().empty())
                << "goroutine " << g.id() << " " << function << ": fn 0x"
                << std::hex << call.entry();
          }
          // tests/go/goroutines: two closures deferred, run last first.
          if (function == "main.withDefers") {
            ++with_defers;
            ASSERT_EQ(frame.defers_size(), 2) << "goroutine " << g.id();
            EXPECT_EQ(frame.defers(0).function().function(),
                      "main.withDefers.func2");
            EXPECT_EQ(frame.defers(1).function().function(),
                      "main.withDefers.func1");
            EXPECT_EQ(frame.defers(0).kind(), DEFER_KIND_OPEN_CODED);
          }
          // Its one deferred call is the one the panic is running.
          if (function == "main.panicking") {
            ++panicking;
            EXPECT_TRUE(g.panicking()) << "goroutine " << g.id();
            EXPECT_EQ(frame.defers_size(), 0) << "goroutine " << g.id();
          }
          if (function == "runtime.main" && !g.panicking() &&
              g.status() != "running") {
            ++main_frames;
            ASSERT_EQ(frame.defers_size(), 1) << "goroutine " << g.id();
            EXPECT_TRUE(absl::StartsWith(frame.defers(0).function().function(),
                                         "runtime.main.func"))
                << frame.defers(0).function().function();
          }
        }
      },
      &notes, {.pending_defers = true});
  ASSERT_TRUE(status.ok()) << status;
  for (const std::string& note : notes) {
    EXPECT_FALSE(absl::StartsWith(note, "pending defers and panics not read"))
        << note;
  }
  RecordProperty("goroutines", goroutines);
  RecordProperty("calls", calls);
  RecordProperty("main_frames", main_frames);
  if (absl::StrContains(crashed.path, "/goroutines/")) {
    EXPECT_GE(with_defers, 1);
    EXPECT_GE(panicking, 1);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cores, CoreDefersTest,
    ::testing::ValuesIn(gentrace::testing::FixturesWith(".core")),
    gentrace::testing::FixtureTestName());
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CoreDefersTest);

}  // namespace
}  // namespace gentrace
