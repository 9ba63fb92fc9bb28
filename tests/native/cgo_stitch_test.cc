// Go and C frames in one trace: tests/go/cgo (Go 1.19, amd64, built with
// the host's gcc). First, both of its crashes (in C called from Go, and in
// Go called back from C, through runtime.cgocallback) print, goroutine for
// goroutine, as the runtime printed them. Then: it calls C, which crashes; the
// runtime printed the goroutine's Go frames from runtime.cgocall down and the
// faulting pc, and wrote a core. Read with the core's C frames stitched in, the
// goroutine must start with the C calls in order (the crash, its two callers,
// cgo's wrapper) at the pc the runtime reported, then give exactly the
// runtime's own frames.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "render/runtime_text.h"
#include "symtab/binary.h"
#include "tests/testing/crashed_program.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/shell_command.h"
#include "traceback/goroutines.h"
#include "traceback/native_frames.h"
#include "traceback/traceback_text.h"

namespace gentrace {
namespace {

constexpr char kCgo[] = "/go/go1.19/amd64/cgo";

// The cgo program's fixture directory and its `mode` crash's, when that
// crash's core is there.
struct CgoCrash {
  std::string dir;
  std::string crash;
};
std::optional<CgoCrash> FindCgoCrash(const std::string& mode) {
  std::optional<std::string> root = gentrace::testing::FixturesRoot();
  if (!root) return std::nullopt;
  const std::string dir = *root + kCgo;
  const std::string crash = dir + "/" + mode;
  if (!gentrace::testing::FileExists(crash + "/prog.core")) return std::nullopt;
  return CgoCrash{dir, crash};
}
constexpr char kNoCgoCore[] =
    "no core of the cgo program (GENTRACE_FIXTURES; build_go_programs.sh)";

// Goroutine 1 of the cgo program's `mode` core, with C frames stitched in;
// left empty when the fixture is missing.
void ReadMainGoroutine(const std::string& mode, std::optional<Goroutine>* out) {
#if !defined(__x86_64__)
  GTEST_SKIP() << "C frames are read from amd64 cores on amd64 hosts";
#endif
  std::optional<CgoCrash> cgo = FindCgoCrash(mode);
  if (!cgo) return;
  absl::StatusOr<gentrace::testing::CrashedProgram> crashed =
      gentrace::testing::OpenCrashedProgram(cgo->dir + "/prog",
                                            cgo->crash + "/prog.core");
  ASSERT_TRUE(crashed.ok()) << crashed.status();
  const target::CoreFile& core = *crashed->core;
  const traceback::TargetNativeFrames native(core, *crashed->binary);
  Trace trace;
  ASSERT_TRUE(traceback::ReadGoroutines(*crashed->binary, core, &trace,
                                        {.native_frames = &native})
                  .ok());
  for (const Goroutine& g : trace.goroutines()) {
    if (g.id() == 1) *out = g;
  }
  ASSERT_TRUE(out->has_value()) << "no goroutine 1";
}

class CgoGoroutinesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CgoGoroutinesTest, PrintAsTheRuntimePrintedThem) {
  std::optional<CgoCrash> cgo = FindCgoCrash(GetParam());
  if (!cgo) GTEST_SKIP() << kNoCgoCore;
  const std::string& dir = cgo->dir;
  const std::string& crash = cgo->crash;
  absl::StatusOr<gentrace::testing::CrashedProgram> crashed =
      gentrace::testing::OpenCrashedProgram(dir + "/prog",
                                            crash + "/prog.core");
  ASSERT_TRUE(crashed.ok()) << crashed.status();
  const target::CoreFile& core = *crashed->core;
  Trace trace;
  ASSERT_TRUE(traceback::ReadGoroutines(*crashed->binary, core, &trace).ok());
  const std::map<int64_t, std::vector<std::string>> blocks =
      traceback::GoroutineBlocks(
          gentrace::testing::ReadFileOrEmpty(crash + "/prog.crash.txt"));
  int identical = 0;
  for (const Goroutine& g : trace.goroutines()) {
    std::string text;
    render::AppendGoroutineText(g, {.go_minor = 19}, &text);
    ASSERT_TRUE(blocks.contains(g.id())) << g.id();
    const std::vector<std::string>& printed = blocks.at(g.id());
    if (std::find(printed.begin(), printed.end(), text) != printed.end()) {
      ++identical;
    } else {
      EXPECT_EQ(text, printed.front()) << "goroutine " << g.id();
    }
  }
  EXPECT_EQ(identical, trace.goroutines_size());
  EXPECT_GE(identical, 4);
}

// The whole report of each core as `gentrace core` prints it, byte for
// byte: the SIGQUIT relay (goroutine 1 running locked to its thread in a
// system call), and the crash in C, a throw on the scheduler stack ("fatal
// error:", the signal, "runtime stack:", then goroutine 1 in its cgo call).
TEST_P(CgoGoroutinesTest, WholeReportIsTheRuntimes) {
  std::optional<CgoCrash> cgo = FindCgoCrash(GetParam());
  if (!cgo) GTEST_SKIP() << kNoCgoCore;
  const std::string theirs =
      gentrace::testing::RuntimeReport(cgo->crash + "/prog.crash.txt");
  const std::string ours = gentrace::testing::RunShellCommand(
      ::testing::TempDir(),
      absl::StrCat(gentrace::testing::GentraceCommand(), " core --binary=",
                   cgo->dir, "/prog --core=", cgo->crash, "/prog.core"));
  EXPECT_TRUE(ours == theirs)
      << gentrace::testing::FirstDifference(ours, theirs);
}

INSTANTIATE_TEST_SUITE_P(Crashes, CgoGoroutinesTest,
                         ::testing::Values("c", "go"));

TEST(CgoStitchTest, CrashInCCalledFromGo) {
  std::optional<Goroutine> stitched;
  ASSERT_NO_FATAL_FAILURE(ReadMainGoroutine("c", &stitched));
  if (!stitched) GTEST_SKIP() << kNoCgoCore;
  const Goroutine* main_goroutine = &*stitched;
  const std::string dir = *gentrace::testing::FixturesRoot() + kCgo;
  ASSERT_GE(main_goroutine->frames_size(), 5);

  // The C frames, innermost first, each at its line of the cgo preamble
  // (tests/go/cgo/main.go).
  struct Want {
    std::string function;
    int line;
  };
  const std::vector<Want> c_frames = {
      {"c_crash", 15}, {"c_middle", 18}, {"c_entry", 25}};
  for (size_t i = 0; i < c_frames.size(); ++i) {
    const Frame& f = main_goroutine->frames(i);
    EXPECT_EQ(f.source(), FRAME_SOURCE_NATIVE) << i;
    ASSERT_EQ(f.locations_size(), 1);
    EXPECT_EQ(f.locations(0).function(), c_frames[i].function);
    EXPECT_TRUE(absl::EndsWith(f.locations(0).file(), "main.go"))
        << f.locations(0).file();
    EXPECT_EQ(f.locations(0).line(), c_frames[i].line) << c_frames[i].function;
  }
  const Frame& wrapper = main_goroutine->frames(3);
  EXPECT_EQ(wrapper.source(), FRAME_SOURCE_NATIVE);
  EXPECT_TRUE(absl::StartsWith(wrapper.locations(0).function(), "_cgo_") &&
              absl::EndsWith(wrapper.locations(0).function(), "_Cfunc_c_entry"))
      << wrapper.locations(0).function();

  // The faulting pc is the one the runtime reported.
  const std::string printed =
      gentrace::testing::ReadFileOrEmpty(dir + "/c/prog.crash.txt");
  const size_t at = printed.find("[signal SIGSEGV");
  ASSERT_NE(at, std::string::npos);
  const size_t pc_at = printed.find(" pc=0x", at);
  uint64_t fault_pc = 0;
  ASSERT_TRUE(absl::SimpleHexAtoi(
      printed.substr(pc_at + 6, printed.find(']', pc_at) - pc_at - 6),
      &fault_pc));
  EXPECT_EQ(main_goroutine->frames(0).pc(), fault_pc);

  // Then exactly the runtime's Go frames: with the C frames taken out, the
  // goroutine prints as the runtime printed it.
  Goroutine go_only = *main_goroutine;
  go_only.mutable_frames()->DeleteSubrange(0, 4);
  EXPECT_NE(go_only.frames(0).source(), FRAME_SOURCE_NATIVE);
  std::string text;
  render::AppendGoroutineText(go_only, {.go_minor = 19}, &text);
  const std::map<int64_t, std::vector<std::string>> blocks =
      traceback::GoroutineBlocks(printed);
  ASSERT_TRUE(blocks.contains(1));
  EXPECT_EQ(text, blocks.at(1).front());
}

// Called back from C, the goroutine's frames go from runtime.cgocallback
// through the C calls that made the callback (cgo's exported C stub, then
// c_middle, c_entry and cgo's wrapper) to runtime.cgocall's side.
TEST(CgoStitchTest, CallbackIntoGoFromC) {
  std::optional<Goroutine> stitched;
  ASSERT_NO_FATAL_FAILURE(ReadMainGoroutine("go", &stitched));
  if (!stitched) GTEST_SKIP() << kNoCgoCore;
  const Goroutine* main_goroutine = &*stitched;
  const std::string dir = *gentrace::testing::FixturesRoot() + kCgo;
  int callback = -1;
  for (int i = 0; i < main_goroutine->frames_size(); ++i) {
    if (main_goroutine->frames(i).func_id() == FUNC_ID_CGOCALLBACK) {
      callback = i;
    }
  }
  ASSERT_GE(callback, 0);
  ASSERT_GT(main_goroutine->frames_size(), callback + 5);
  const auto function = [&](int i) {
    return main_goroutine->frames(i).locations(0).function();
  };
  const auto line = [&](int i) {
    return main_goroutine->frames(i).locations(0).line();
  };
  for (int i = callback + 1; i <= callback + 4; ++i) {
    EXPECT_EQ(main_goroutine->frames(i).source(), FRAME_SOURCE_NATIVE) << i;
  }
  EXPECT_EQ(function(callback + 1), "goCallback");  // cgo's C stub
  EXPECT_TRUE(
      absl::EndsWith(main_goroutine->frames(callback + 1).locations(0).file(),
                     "_cgo_export.c"));
  EXPECT_EQ(function(callback + 2), "c_middle");
  EXPECT_EQ(line(callback + 2), 20);
  EXPECT_EQ(function(callback + 3), "c_entry");
  EXPECT_EQ(line(callback + 3), 25);
  EXPECT_TRUE(absl::EndsWith(function(callback + 4), "_Cfunc_c_entry"));
  EXPECT_EQ(function(callback + 5), "runtime.systemstack_switch");

  // Without the C frames, the runtime's own block.
  Goroutine go_only = *main_goroutine;
  go_only.mutable_frames()->DeleteSubrange(callback + 1, 4);
  std::string text;
  render::AppendGoroutineText(go_only, {.go_minor = 19}, &text);
  const std::map<int64_t, std::vector<std::string>> blocks =
      traceback::GoroutineBlocks(
          gentrace::testing::ReadFileOrEmpty(dir + "/go/prog.crash.txt"));
  ASSERT_TRUE(blocks.contains(1));
  const std::vector<std::string>& printed = blocks.at(1);
  EXPECT_TRUE(std::find(printed.begin(), printed.end(), text) != printed.end())
      << text << "\nruntime:\n"
      << printed.front();
}

}  // namespace
}  // namespace gentrace
