// Go and C frames in one trace: tests/go/cgo built with cgo by Go 1.19 and
// the current release for amd64, 386, arm64, arm, ppc64le, s390x, mips64le
// and mipsle (tests/fixtures/build_cgo_programs.sh; all but amd64 and 386
// under qemu), crashed in C called from Go and in Go called back from C.
//
// Each core's whole report prints as the runtime printed it, and with
// --native it is the runtime's report with C frames added and nothing else
// changed. The crash in C starts its goroutine with the C calls in order at
// the pc the runtime reported; a callback has the C calls that made it
// after runtime.cgocallback. A live program blocked in C (in libc's read,
// a shared library) shows its C frames in `gentrace pid --native`. The
// crash handler, loaded into the program, captures its crash in C, and
// `gentrace render` of the capture shows the goroutine whose cgo call it was.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "goruntime/runtime_layout.h"
#include "gtest/gtest.h"
#include "proto/gentrace.pb.h"
#include "symtab/binary.h"
#include "target/capture.h"
#include "tests/testing/child_process.h"
#include "tests/testing/crashed_program.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/shell_command.h"
#include "traceback/goroutines.h"
#include "traceback/native_frames.h"

namespace gentrace {
namespace {

// One build of the cgo program: toolchain and GOARCH, and whether its C
// frames are read (elfutils 0.188 unwinds no MIPS).
struct CgoBuild {
  const char* toolchain;
  const char* goarch;
  bool c_frames;
};

std::string BuildName(const ::testing::TestParamInfo<CgoBuild>& info) {
  std::string name =
      absl::StrCat("go", info.param.toolchain, "_", info.param.goarch);
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

// Every build (build_cgo_programs.sh's TOOLCHAINS and ARCHES).
constexpr CgoBuild kBuilds[] = {
    {"1.19", "amd64", true},     {"1.19", "386", true},
    {"1.19", "arm64", true},     {"1.19", "arm", true},
    {"1.19", "ppc64le", true},   {"1.19", "s390x", true},
    {"1.19", "mips64le", false}, {"1.19", "mipsle", false},
    {"1.27", "amd64", true},     {"1.27", "386", true},
    {"1.27", "arm64", true},     {"1.27", "arm", true},
    {"1.27", "ppc64le", true},   {"1.27", "s390x", true},
    {"1.27", "mips64le", false}, {"1.27", "mipsle", false},
};

std::vector<CgoBuild> NativeBuilds() {
  std::vector<CgoBuild> out;
  for (const CgoBuild& build : kBuilds) {
    if (build.c_frames) out.push_back(build);
  }
  return out;
}

// The build's fixture directory; fails the test when the fixtures are
// there but not this one.
std::optional<std::string> BuildDir(const CgoBuild& build) {
  std::optional<std::string> root = gentrace::testing::FixturesRoot();
  if (!root) return std::nullopt;
  const std::string dir =
      absl::StrCat(*root, "/cgo/go", build.toolchain, "/", build.goarch);
  if (!gentrace::testing::FileExists(dir + "/prog")) {
    ADD_FAILURE() << "no " << dir << "/prog (build_cgo_programs.sh)";
    return std::nullopt;
  }
  return dir;
}

// The text with each native frame's two lines taken out (a native frame's
// second line has a pc and no fp=).
std::string WithoutNativeFrames(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const bool native = i + 1 < lines.size() && !lines[i].empty() &&
                        lines[i][0] != '\t' &&
                        absl::StartsWith(lines[i + 1], "\t") &&
                        absl::StrContains(lines[i + 1], " pc=0x") &&
                        !absl::StrContains(lines[i + 1], " fp=0x");
    if (native) {
      ++i;
      continue;
    }
    absl::StrAppend(&out, lines[i], i + 1 < lines.size() ? "\n" : "");
  }
  return out;
}

// Goroutine 1 of `mode`'s core, read with C frames stitched in.
void ReadMainGoroutine(const std::string& dir, const std::string& mode,
                       Goroutine* out) {
  absl::StatusOr<gentrace::testing::CrashedProgram> crashed =
      gentrace::testing::OpenCrashedProgram(dir + "/prog",
                                            dir + "/" + mode + "/prog.core");
  ASSERT_TRUE(crashed.ok()) << crashed.status();
  absl::StatusOr<std::unique_ptr<traceback::TargetNativeFrames>> native =
      traceback::TargetNativeFrames::Create(*crashed->core, *crashed->binary);
  ASSERT_TRUE(native.ok()) << native.status();
  Trace trace;
  ASSERT_TRUE(traceback::ReadGoroutines(*crashed->binary, *crashed->core,
                                        &trace,
                                        {.native_frames = native->get()})
                  .ok());
  for (const Goroutine& g : trace.goroutines()) {
    if (g.id() == 1) *out = g;
  }
  ASSERT_EQ(out->id(), 1) << "no goroutine 1";
}

const std::string& Function(const Goroutine& g, int i) {
  return g.frames(i).locations(0).function();
}

// A C function of tests/go/cgo/main.go and the line a frame of it is at.
struct CFrame {
  const char* function;
  int line;
};

// From frame `first` of `g` on: the C frames `want`, each native and at its
// line of main.go, then cgo's C wrapper of c_entry.
void ExpectCFrames(const Goroutine& g, int first,
                   std::initializer_list<CFrame> want) {
  ASSERT_GT(g.frames_size(), first + static_cast<int>(want.size()));
  int i = first;
  for (const CFrame& c : want) {
    const Frame& f = g.frames(i++);
    EXPECT_EQ(f.source(), FRAME_SOURCE_NATIVE) << c.function;
    ASSERT_EQ(f.locations_size(), 1);
    EXPECT_EQ(f.locations(0).function(), c.function);
    EXPECT_TRUE(absl::EndsWith(f.locations(0).file(), "main.go"))
        << f.locations(0).file();
    EXPECT_EQ(f.locations(0).line(), c.line) << c.function;
  }
  const Frame& wrapper = g.frames(i);
  EXPECT_EQ(wrapper.source(), FRAME_SOURCE_NATIVE);
  EXPECT_TRUE(absl::StartsWith(Function(g, i), "_cgo_") &&
              absl::EndsWith(Function(g, i), "_Cfunc_c_entry"))
      << Function(g, i);
}

class CgoReportTest : public ::testing::TestWithParam<CgoBuild> {};

// Both reports, byte for byte, as the runtime printed them; with --native,
// the same report with C frames added, or where none can be read, a clear
// refusal.
TEST_P(CgoReportTest, WholeReportsAreTheRuntimesWithCFramesAdded) {
  std::optional<std::string> dir = BuildDir(GetParam());
  if (!dir) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  for (const char* mode : {"c", "go"}) {
    SCOPED_TRACE(mode);
    const std::string crash = absl::StrCat(*dir, "/", mode);
    const std::string theirs =
        gentrace::testing::RuntimeReport(crash + "/prog.crash.txt");
    const std::string command = absl::StrCat(
        gentrace::testing::GentraceCommand(), " core --binary=", *dir,
        "/prog --core=", crash, "/prog.core");
    const std::string ours =
        gentrace::testing::RunShellCommand(::testing::TempDir(), command);
    EXPECT_TRUE(ours == theirs)
        << gentrace::testing::FirstDifference(ours, theirs);
    if (!GetParam().c_frames) {
      const std::string refused = gentrace::testing::RunShellCommand(
          ::testing::TempDir(),
          "sh -c '" + command + " --native 2>&1; echo exit=$?'");
      EXPECT_TRUE(absl::StrContains(
          refused, absl::StrCat("native frames: no native unwinding for ",
                                GetParam().goarch, ": ")))
          << refused.substr(0, 300);
      EXPECT_TRUE(absl::EndsWith(refused, "exit=1\n")) << refused;
      continue;
    }
    const std::string stitched = gentrace::testing::RunShellCommand(
        ::testing::TempDir(), command + " --native");
    EXPECT_NE(stitched, ours) << "no C frames added";
    const std::string go_only = WithoutNativeFrames(stitched);
    EXPECT_TRUE(go_only == theirs)
        << gentrace::testing::FirstDifference(go_only, theirs);
  }
}

class CgoStitchTest : public ::testing::TestWithParam<CgoBuild> {};

// The crash in C: goroutine 1 starts with the C calls (the crash, its two
// callers at their lines of tests/go/cgo/main.go, cgo's wrapper), the first
// at the pc the runtime reported, then runtime.cgocall.
TEST_P(CgoStitchTest, CrashInCCalledFromGo) {
  std::optional<std::string> dir = BuildDir(GetParam());
  if (!dir) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  Goroutine g;
  ASSERT_NO_FATAL_FAILURE(ReadMainGoroutine(*dir, "c", &g));
  ASSERT_GE(g.frames_size(), 5);
  ASSERT_NO_FATAL_FAILURE(ExpectCFrames(
      g, 0, {{"c_crash", 18}, {"c_middle", 25}, {"c_entry", 34}}));
  EXPECT_EQ(Function(g, 4), "runtime.cgocall");

  // The faulting pc as the runtime reported it: "[signal ... pc=0x...]"
  // after a throw (up to Go 1.20), "PC=0x..." heading a signal report.
  const std::string printed =
      gentrace::testing::ReadFileOrEmpty(*dir + "/c/prog.crash.txt");
  size_t at = printed.find("[signal SIGSEGV");
  at = at == std::string::npos ? printed.find("\nPC=0x")
                               : printed.find(" pc=0x", at);
  ASSERT_NE(at, std::string::npos) << printed.substr(0, 300);
  at += 4;  // past " pc=" or "\nPC="
  uint64_t fault_pc = 0;
  ASSERT_TRUE(absl::SimpleHexAtoi(
      printed.substr(at, printed.find_first_of("] ", at) - at), &fault_pc));
  EXPECT_EQ(g.frames(0).pc(), fault_pc);
}

INSTANTIATE_TEST_SUITE_P(Builds, CgoReportTest, ::testing::ValuesIn(kBuilds),
                         BuildName);
INSTANTIATE_TEST_SUITE_P(Builds, CgoStitchTest,
                         ::testing::ValuesIn(NativeBuilds()), BuildName);

class CgoCallbackTest : public ::testing::TestWithParam<CgoBuild> {};

// Called back from C, the goroutine's frames go from runtime.cgocallback
// through the C calls that made the callback (cgo's exported C stub, then
// c_middle, c_entry and cgo's wrapper) to runtime.cgocall's side.
TEST_P(CgoCallbackTest, CallbackIntoGoFromC) {
  std::optional<std::string> dir = BuildDir(GetParam());
  if (!dir) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  Goroutine g;
  ASSERT_NO_FATAL_FAILURE(ReadMainGoroutine(*dir, "go", &g));
  int callback = -1;
  for (int i = 0; i < g.frames_size(); ++i) {
    if (g.frames(i).func_id() == FUNC_ID_CGOCALLBACK) callback = i;
  }
  ASSERT_GE(callback, 0);
  ASSERT_GT(g.frames_size(), callback + 5);
  EXPECT_EQ(g.frames(callback + 1).source(), FRAME_SOURCE_NATIVE);
  EXPECT_EQ(Function(g, callback + 1), "goCallback");  // cgo's C stub
  EXPECT_TRUE(absl::EndsWith(g.frames(callback + 1).locations(0).file(),
                             "_cgo_export.c"));
  ASSERT_NO_FATAL_FAILURE(
      ExpectCFrames(g, callback + 2, {{"c_middle", 27}, {"c_entry", 34}}));
  EXPECT_EQ(Function(g, callback + 5), "runtime.systemstack_switch");
}

INSTANTIATE_TEST_SUITE_P(Builds, CgoCallbackTest,
                         ::testing::ValuesIn(NativeBuilds()), BuildName);

class CgoLiveTest : public ::testing::TestWithParam<CgoBuild> {};

// A live process whose main goroutine is in C, waiting in libc's read:
// `gentrace pid --native` shows libc's frame, then c_block, c_middle and
// c_entry at their lines, cgo's wrapper, and runtime.cgocall.
TEST_P(CgoLiveTest, PidShowsTheCFramesOfABlockedCall) {
#if !defined(__x86_64__)
  GTEST_SKIP() << "the live builds are amd64 programs";
#endif
  std::optional<std::string> dir = BuildDir(GetParam());
  if (!dir) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  gentrace::testing::ChildProcess child;
  ASSERT_TRUE(child.Start(*dir + "/prog", {"block"}, {},
                          ::testing::TempDir() + "/cgo_block.stderr.txt"));
  ASSERT_EQ(child.ReadLine(), "ready");
  // Printed from C just before read: it may not have reached it yet.
  Goroutine g;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string json = gentrace::testing::RunShellCommand(
        ::testing::TempDir(),
        absl::StrCat(gentrace::testing::GentraceCommand(), " pid ", child.pid(),
                     " --native --format=json"));
    Trace trace;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &trace).ok())
        << json.substr(0, 500);
    for (const Goroutine& each : trace.goroutines()) {
      if (each.id() == 1) g = each;
    }
    ASSERT_EQ(g.id(), 1);
    ASSERT_GE(g.frames_size(), 1);
    if (absl::StrContains(g.frames(0).locations(0).file(), "libc.so")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GE(g.frames_size(), 7);
  EXPECT_TRUE(absl::StrContains(g.frames(0).locations(0).file(), "libc.so"))
      << g.frames(0).locations(0).file();
  EXPECT_TRUE(absl::StrContains(Function(g, 0), "read")) << Function(g, 0);
  ASSERT_NO_FATAL_FAILURE(ExpectCFrames(
      g, 1, {{"c_block", 21}, {"c_middle", 29}, {"c_entry", 34}}));
  EXPECT_EQ(Function(g, 5), "runtime.cgocall");
  EXPECT_EQ(g.status(), "syscall");
  child.WriteLine();  // ends the read, and the program
  child.Stop(0);
}

INSTANTIATE_TEST_SUITE_P(Builds, CgoLiveTest,
                         ::testing::Values(CgoBuild{"1.19", "amd64", true},
                                           CgoBuild{"1.27", "amd64", true}),
                         BuildName);

class CgoCaptureTest : public ::testing::TestWithParam<CgoBuild> {};

// The program loads gentrace's crash handler (libgentrace_crash.so) and
// installs it from Go; its C code crashes, the handler writes a capture,
// and the runtime's handler then reports the crash. `gentrace render` of
// the capture prints goroutine 1 as that report does, with the C frames
// before its Go frames. A capture whose goroutine is not in its memory
// gives the thread's native frames and says why.
TEST_P(CgoCaptureTest, RenderShowsTheGoroutineOfACaptureInC) {
  if (std::optional<std::string> why =
          gentrace::testing::CrashHandlerInGoSkipReason()) {
    GTEST_SKIP() << *why;
  }
  std::optional<std::string> dir = BuildDir(GetParam());
  if (!dir) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  const std::string tmp = ::testing::TempDir();
  const std::string capture = tmp + "/cgo_c.capture";
  const std::string printed_path = tmp + "/cgo_c.stderr.txt";
  {
    gentrace::testing::ChildProcess child;
    ASSERT_TRUE(child.Start(
        *dir + "/prog", {"c"},
        {"GENTRACE_CRASH_LIBRARY=" +
             std::filesystem::absolute("capture/libgentrace_crash.so").string(),
         "GENTRACE_CRASH_CAPTURE=" + capture, "GOTRACEBACK=system"},
        printed_path));
    child.Stop(0);
  }
  // The runtime's goroutine 1, up to the blank line after it.
  const std::string printed = gentrace::testing::ReadFileOrEmpty(printed_path);
  const size_t start = printed.find("\ngoroutine 1 ");
  ASSERT_NE(start, std::string::npos) << printed.substr(0, 500);
  const size_t end = printed.find("\n\n", start + 1);
  ASSERT_NE(end, std::string::npos);
  const std::string theirs = printed.substr(start + 1, end - start);

  const std::string render = absl::StrCat(gentrace::testing::GentraceCommand(),
                                          " render --capture=", capture);
  const std::string ours = gentrace::testing::RunShellCommand(tmp, render);
  EXPECT_EQ(WithoutNativeFrames(ours), "signal 11 (SEGV) at 0x0\n\n" + theirs)
      << ours;
  Trace trace;
  const std::string json =
      gentrace::testing::RunShellCommand(tmp, render + " --format=json");
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &trace).ok())
      << json.substr(0, 500);
  ASSERT_EQ(trace.goroutines_size(), 1);
  const Goroutine& g = trace.goroutines(0);
  EXPECT_EQ(g.id(), 1);
  ASSERT_NO_FATAL_FAILURE(ExpectCFrames(
      g, 0, {{"c_crash", 18}, {"c_middle", 25}, {"c_entry", 34}}));
  EXPECT_EQ(Function(g, 4), "runtime.cgocall");

  // A layout held to the captured goroutine, as one guessed for a release
  // newer than the table is: the right one fits, a wrong one is refused.
  const std::string bytes = gentrace::testing::ReadFileOrEmpty(capture);
  absl::StatusOr<target::CaptureTarget> target = target::LoadCapture(bytes);
  ASSERT_TRUE(target.ok()) << target.status();
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(*dir + "/prog");
  ASSERT_TRUE(binary.ok()) << binary.status();
  absl::StatusOr<goruntime::RuntimeLayout> layout =
      goruntime::RuntimeLayoutFor(*(*binary)->go_version(), *(*binary)->arch());
  ASSERT_TRUE(layout.ok()) << layout.status();
  std::vector<std::string> notes;
  absl::StatusOr<Goroutine> held = traceback::TraceCgoCaller(
      **binary, *target, g.address(), {}, &notes, {.forced = *layout});
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->id(), 1);
  EXPECT_TRUE(absl::StrContains(absl::StrJoin(notes, "\n"),
                                "it fits the goroutine read"));
  goruntime::RuntimeLayout wrong = *layout;
  wrong.g_stack_lo += 8;
  wrong.g_stack_hi += 8;
  absl::StatusOr<Goroutine> refused = traceback::TraceCgoCaller(
      **binary, *target, g.address(), {}, &notes, {.forced = wrong});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition)
      << refused.status();

  Capture hostile;
  ASSERT_TRUE(hostile.ParseFromString(bytes));
  hostile.set_goroutine(0x10);
  const std::string hostile_path = tmp + "/cgo_c_hostile.capture";
  {
    std::ofstream out(hostile_path, std::ios::binary);
    out << hostile.SerializeAsString();
    ASSERT_TRUE(out.good());
  }
  const std::string fallback = gentrace::testing::RunShellCommand(
      tmp, absl::StrCat(gentrace::testing::GentraceCommand(),
                        " render --capture=", hostile_path));
  EXPECT_TRUE(absl::StrContains(fallback, "thread ")) << fallback;
  EXPECT_TRUE(absl::StrContains(fallback, "c_crash")) << fallback;
  EXPECT_FALSE(absl::StrContains(fallback, "goroutine 1")) << fallback;
  EXPECT_TRUE(absl::StrContains(
      gentrace::testing::ReadFileOrEmpty(tmp + "/stderr"),
      "gentrace: the goroutine in the cgo call: g at 0x10 is not in memory"));
}

INSTANTIATE_TEST_SUITE_P(Builds, CgoCaptureTest,
                         ::testing::Values(CgoBuild{"1.19", "amd64", true},
                                           CgoBuild{"1.27", "amd64", true}),
                         BuildName);

}  // namespace
}  // namespace gentrace
