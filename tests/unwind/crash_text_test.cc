// The runtime's own crash text read against the binary that printed it
// (gentrace crashtext) gives what the core of the same crash gives: for
// every fixture with both, each goroutine block's frames — pcs rebased by
// the load bias the text's pc= values show (PIEs), functions, files and
// lines, inlined calls — equal the frames `gentrace core` reads for that
// goroutine, and nothing is noted as not fitting. A crash text of another
// build of the same program has the same signature.
#include "traceback/crash_text.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "target/capture.h"
#include "tests/testing/crashed_program.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/runtime_report.h"
#include "traceback/goroutines.h"
#include "traceback/walk.h"

namespace gentrace::traceback {
namespace {

using ::gentrace::testing::FixtureBinary;

// A frame as both readings must agree on.
std::string Describe(const gentrace::Frame& frame) {
  std::string out = absl::StrCat("0x", absl::Hex(frame.pc()));
  for (const gentrace::Location& l : frame.locations()) {
    absl::StrAppend(&out, " ", l.function(), " ", l.file(), ":", l.line(),
                    l.inlined() ? " inlined" : "");
  }
  return out;
}

std::string Describe(const Frame& frame) {
  std::string out = absl::StrCat("0x", absl::Hex(frame.pc));
  for (const Location& l : frame.locations) {
    absl::StrAppend(&out, " ", l.function, " ", l.file, ":", l.line,
                    l.inlined ? " inlined" : "");
  }
  return out;
}

class CrashTextTest : public ::testing::TestWithParam<FixtureBinary> {};

TEST_P(CrashTextTest, FramesAreTheCoresFrames) {
  const std::string text =
      gentrace::testing::ReadFileOrEmpty(GetParam().path + ".crash.txt");
  if (text.empty()) GTEST_SKIP() << "no crash text";
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(GetParam().path);
  ASSERT_TRUE(binary.ok()) << binary.status();
  const CrashText read = CrashTextReader(**binary).Read(text);
  EXPECT_TRUE(read.notes.empty()) << read.notes.front();
  ASSERT_FALSE(read.goroutines.empty());
  EXPECT_EQ(read.signature.size(), 16u);

  absl::StatusOr<gentrace::testing::CrashedProgram> crashed =
      gentrace::testing::OpenCrashedProgram(GetParam().path,
                                            GetParam().path + ".core");
  ASSERT_TRUE(crashed.ok()) << crashed.status();
  gentrace::Trace trace;
  ASSERT_TRUE(ReadGoroutines(*crashed->binary, *crashed->core, &trace).ok());
  std::map<int64_t, const gentrace::Goroutine*> from_core;
  for (const gentrace::Goroutine& g : trace.goroutines()) {
    from_core.emplace(g.id(), &g);
  }
  int compared = 0;
  std::map<int64_t, bool> seen;
  for (size_t index = 0; index < read.goroutines.size(); ++index) {
    const Goroutine& g = read.goroutines[index];
    // A goroutine printed twice (the crash lists it, its thread shows it
    // again), a runtime stack, one printed without frames: the first only.
    if (g.id == 0 || g.frames.empty() || seen[g.id]) continue;
    seen[g.id] = true;
    auto it = from_core.find(g.id);
    ASSERT_NE(it, from_core.end()) << "goroutine " << g.id;
    const gentrace::Goroutine& core = *it->second;
    SCOPED_TRACE(absl::StrCat("goroutine ", g.id));
    // A deep stack's text shows its innermost frames and, from 1.21, its
    // outermost ones.
    auto elided = read.elided_after.find(index);
    const size_t before =
        elided == read.elided_after.end() ? g.frames.size() : elided->second;
    const size_t after = g.frames.size() - before;
    ASSERT_LE(g.frames.size(), static_cast<size_t>(core.frames_size()));
    if (elided == read.elided_after.end()) {
      ASSERT_EQ(g.frames.size(), static_cast<size_t>(core.frames_size()));
    }
    for (size_t i = 0; i < before; ++i) {
      EXPECT_EQ(Describe(g.frames[i]), Describe(core.frames(i))) << i;
    }
    for (size_t i = 0; i < after; ++i) {
      EXPECT_EQ(Describe(g.frames[before + i]),
                Describe(core.frames(core.frames_size() - after + i)))
          << "outermost " << i;
    }
    ++compared;
  }
  EXPECT_GT(compared, 0);
  RecordProperty("goroutines", compared);
}

// One crash of one program, built for other architectures, other
// releases and as a PIE (other addresses, other runtime lines): one
// signature; another crash of it: another. (The signature is the stack's:
// one raising SIGQUIT and one raising SIGSEGV from the same calls share
// it.)
TEST(CrashTextSignatureTest, TheSameCrashHasTheSameSignature) {
  std::optional<std::string> root = gentrace::testing::FixturesRoot();
  if (!root) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  const auto signature = [&](const std::string& build) {
    const std::string path = absl::StrCat(*root, "/", build, "/prog");
    absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
        symtab::Binary::Open(path);
    EXPECT_TRUE(binary.ok()) << binary.status();
    if (!binary.ok()) return std::string();
    return CrashTextReader(**binary)
        .Read(gentrace::testing::ReadFileOrEmpty(path + ".crash.txt"))
        .signature;
  };
  const std::string first = signature("go/go1.27/amd64/goroutines");
  ASSERT_FALSE(first.empty());
  for (const char* build :
       {"go/go1.27/amd64/goroutines-pie", "go/go1.27/arm64/goroutines",
        "go/go1.23/386/goroutines", "go/go1.19/amd64/goroutines"}) {
    EXPECT_EQ(signature(build), first) << build;
  }
  EXPECT_NE(signature("go/go1.27/amd64/default"), first);
  // A signal report starts at the M's g0: the signature comes from the
  // goroutine it interrupted.
  const std::string quit = signature("reports/go1.27/amd64/sigquit");
  EXPECT_EQ(signature("reports/go1.27/arm64/sigquit"), quit);
  EXPECT_NE(quit, first);
}

// The runtime prints a panic's value as its bytes: ones that are not UTF-8
// reach the trace as U+FFFD (protobuf's strings are UTF-8), and the rest
// of the text reads as before.
TEST(CrashTextUtf8Test, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  std::optional<std::string> root = gentrace::testing::FixturesRoot();
  if (!root) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  const std::string path = *root + "/go/go1.27/amd64/goroutines/prog";
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(path);
  ASSERT_TRUE(binary.ok()) << binary.status();
  const std::string text =
      gentrace::testing::ReadFileOrEmpty(path + ".crash.txt");
  const CrashTextReader reader(**binary);
  const CrashText as_is = reader.Read(text);
  ASSERT_FALSE(as_is.goroutines.empty());
  const CrashText read =
      reader.Read("panic: \xff\xfe!\n" + text.substr(text.find('\n') + 1));
  EXPECT_EQ(read.reason, "panic: \xef\xbf\xbd\xef\xbf\xbd!");
  EXPECT_EQ(read.goroutines.size(), as_is.goroutines.size());
  EXPECT_EQ(read.signature, as_is.signature);
}

// The Windows port's crash text (tests/fixtures/build_windows_crashes.sh:
// tests/go/symbolize for windows/amd64 run under Wine, every toolchain, as
// is, stripped, and moved away from its linked base) read against its PE
// binary as linked: nothing noted, and each goroutine's frames (functions,
// files and lines, inlined calls, and each physical frame's pc, rebased)
// are the ones the runtime printed. The signature is the one the same
// crash has on Linux.
class WindowsCrashTextTest : public ::testing::TestWithParam<FixtureBinary> {
 protected:
  // Where the relocated variant ran (tests/fixtures/wine/pe_rebase.py)
  // against where the build was linked (its ImageBase: Go's linker moved
  // it from 0x400000 to 0x140000000 in 1.25).
  static uint64_t ExpectedLoadBias(const symtab::Binary& binary) {
    return GetParam().variant == "relocated"
               ? 0x7ff612340000 - binary.elf().image_base().value_or(0)
               : 0;
  }
};

TEST_P(WindowsCrashTextTest, FramesAreThePrintedFrames) {
  const std::string text =
      gentrace::testing::ReadFileOrEmpty(GetParam().path + ".crash.txt");
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(GetParam().path);
  ASSERT_TRUE(binary.ok()) << binary.status();
  EXPECT_EQ((*binary)->format(), "PE");
  const CrashText read = CrashTextReader(**binary).Read(text);
  EXPECT_TRUE(read.notes.empty()) << read.notes.front();
  EXPECT_EQ(read.load_bias, ExpectedLoadBias(**binary));

  const std::vector<gentrace::testing::PrintedBlock> printed =
      gentrace::testing::ReadRuntimeReport(text);
  ASSERT_EQ(read.goroutines.size(), printed.size());
  size_t frames = 0;
  for (size_t i = 0; i < printed.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("goroutine ", printed[i].id));
    EXPECT_EQ(read.goroutines[i].id, printed[i].id);
    std::vector<std::string> ours, theirs;
    for (const Frame& frame : read.goroutines[i].frames) {
      for (const Location& l : frame.locations) {
        ours.push_back(absl::StrCat(l.function, " ", l.file, ":", l.line, " 0x",
                                    absl::Hex(l.inlined ? 0 : frame.pc)));
      }
    }
    for (const gentrace::testing::PrintedFrame& frame : printed[i].frames) {
      theirs.push_back(absl::StrCat(frame.frame, " 0x", absl::Hex(frame.pc)));
    }
    EXPECT_EQ(ours, theirs);
    frames += theirs.size();
  }
  EXPECT_GT(frames, 20u);

  // The same program's crash on Linux, built by the same toolchain.
  const std::string linux_build =
      absl::StrCat(*gentrace::testing::FixturesRoot(), "/go/",
                   GetParam().toolchain, "/amd64/default/prog");
  absl::StatusOr<std::unique_ptr<symtab::Binary>> linux_binary =
      symtab::Binary::Open(linux_build);
  if (!linux_binary.ok()) GTEST_SKIP() << "no " << linux_build;
  EXPECT_EQ(CrashTextReader(**linux_binary)
                .Read(gentrace::testing::ReadFileOrEmpty(linux_build +
                                                         ".traceback.txt"))
                .signature,
            read.signature);
}

// The faulting thread of another run, as WineDbg saw it stopped at the
// fault (its registers, 4 KiB of stack and the entry point by its module's
// base, a capture): unwound against the PE binary, attached where the
// program ran, the goroutine's frames from the fault out are the ones the
// runtime printed.
TEST_P(WindowsCrashTextTest, CaptureUnwindsToThePrintedFrames) {
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(GetParam().path);
  ASSERT_TRUE(binary.ok()) << binary.status();
  absl::StatusOr<target::CaptureTarget> capture = target::LoadCapture(
      gentrace::testing::ReadFileOrEmpty(GetParam().path + ".capture.json"));
  ASSERT_TRUE(capture.ok()) << capture.status();
  absl::StatusOr<target::LoadedExecutable> loaded =
      capture->LoadExecutable(**binary);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(capture->load_bias(), ExpectedLoadBias(**binary));
  const Thread thread = UnwindThread(**loaded, capture->arch(),
                                     capture->memory(), capture->registers());
  EXPECT_EQ(thread.stop.reason, unwind::StopReason::kTopOfStack)
      << thread.stop.detail;
  std::vector<std::string> unwound;
  for (const Frame& frame : thread.frames) {
    for (const Location& l : frame.locations) {
      unwound.push_back(absl::StrCat(l.function, " ", l.file, ":", l.line,
                                     " 0x",
                                     absl::Hex(l.inlined ? 0 : frame.pc)));
    }
  }

  const std::vector<gentrace::testing::PrintedBlock> printed =
      gentrace::testing::ReadRuntimeReport(
          gentrace::testing::ReadFileOrEmpty(GetParam().path + ".crash.txt"));
  ASSERT_FALSE(printed.empty());
  std::vector<std::string> from_the_fault;
  for (const gentrace::testing::PrintedFrame& frame : printed[0].frames) {
    if (absl::StartsWith(frame.frame, "main.deref ") ||
        !from_the_fault.empty()) {
      from_the_fault.push_back(
          absl::StrCat(frame.frame, " 0x", absl::Hex(frame.pc)));
    }
  }
  EXPECT_EQ(from_the_fault.size(), 12u)
      << "deref, 3 inlined calls, 4 x recurse, crash, main, runtime.main, "
         "runtime.goexit";
  EXPECT_EQ(unwound, from_the_fault);
}

TEST(WindowsCrashTextFixturesTest, ArePresent) {
  EXPECT_GE(gentrace::testing::WindowsCrashFixtures().size(), 2u)
      << gentrace::testing::MissingFixturesMessage();
}

INSTANTIATE_TEST_SUITE_P(
    Builds, WindowsCrashTextTest,
    ::testing::ValuesIn(gentrace::testing::WindowsCrashFixtures()),
    gentrace::testing::FixtureTestName());
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(WindowsCrashTextTest);

INSTANTIATE_TEST_SUITE_P(
    Fixtures, CrashTextTest,
    ::testing::ValuesIn(gentrace::testing::FixturesWith(".core")),
    gentrace::testing::FixtureTestName());

}  // namespace
}  // namespace gentrace::traceback
