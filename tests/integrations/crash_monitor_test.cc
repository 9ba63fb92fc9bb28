// Go's crash monitor (integrations/go/crashmonitor) in real programs:
// tests/go/crashmonitor built by Go 1.23-1.27, as is and as a stripped PIE
// (tests/fixtures/build_crash_monitor.sh), crashes by panic, nil
// dereference, concurrent map writes, deadlock and SIGQUIT with the monitor
// watching. The monitor gets the runtime's report (the program's stderr,
// but for a fatal error's first line, which the runtime writes before it
// turns to the crash output); the trace it has `gentrace crashtext` write
// holds every goroutine block of that report, frame for frame (functions,
// file:line, the inlined calls the runtime prints), each physical frame's
// pc the runtime's own (its `pc=`, GOTRACEBACK=system); the trace the
// service answers to the monitor's POST is the same; the same crash run
// again gets the same signature, the five crashes five signatures.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "proto/gentrace.pb.h"
#include "symtab/printed_name.h"
#include "tests/testing/child_process.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/runtime_report.h"
#include "tests/testing/service_process.h"
#include "tests/testing/shell_command.h"

namespace gentrace {
namespace {

namespace fs = std::filesystem;
using gentrace::testing::PrintedBlock;
using gentrace::testing::PrintedFrame;
using gentrace::testing::ReadFileOrEmpty;
using gentrace::testing::ReadRuntimeReport;
using gentrace::testing::RunShellCommand;

constexpr const char* kModes[] = {"panic", "nil", "maps", "deadlock", "quit"};

// The trace's frames as the runtime prints them: each physical frame's
// inlined calls first, its pc on the physical one.
std::vector<PrintedFrame> Printed(const Goroutine& goroutine) {
  std::vector<PrintedFrame> printed;
  for (const Frame& frame : goroutine.frames()) {
    for (const Location& location : frame.locations()) {
      printed.push_back(
          {absl::StrCat(symtab::PrintedFunctionName(location.function()), " ",
                        location.file(), ":", location.line()),
           location.inlined() ? 0 : frame.pc()});
    }
  }
  return printed;
}

void ExpectSameFrames(const std::vector<PrintedFrame>& runtime,
                      const std::vector<PrintedFrame>& trace) {
  ASSERT_EQ(runtime.size(), trace.size());
  for (size_t i = 0; i < runtime.size(); ++i) {
    EXPECT_EQ(runtime[i].frame, trace[i].frame) << "frame " << i;
    if (runtime[i].pc != 0) {
      EXPECT_EQ(absl::StrCat("0x", absl::Hex(runtime[i].pc)),
                absl::StrCat("0x", absl::Hex(trace[i].pc)))
          << runtime[i].frame;
    }
  }
}

Trace ParseTrace(const std::string& json) {
  Trace trace;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &trace).ok())
      << json.substr(0, 300);
  return trace;
}

class CrashMonitorTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::optional<std::string> root = gentrace::testing::FixturesRoot();
    if (!root) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
    program_ = absl::StrCat(*root, "/crashmonitor/", GetParam(), "/prog");
    if (!fs::exists(program_)) GTEST_SKIP() << "no " << program_;
    dir_ = fs::path(::testing::TempDir()) / "crash_monitor" / GetParam();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }

  // Runs the program crashing in `mode` with the monitor sending its crash
  // to files named `run`.* (and to the service when `service` is given),
  // and waits for the monitor too: it holds the program's stderr, which
  // the pipe to `cat` ends with.
  void Crash(const std::string& mode, const std::string& run,
             const std::string& env, const std::string& service) {
    const std::string base = (dir_ / run).string();
    std::string destinations =
        absl::StrCat("CRASH_TEXT=", base,
                     ".txt GENTRACE=", gentrace::testing::GentraceCommand(),
                     " CRASH_TRACE=", base, ".json");
    if (!service.empty()) {
      absl::StrAppend(&destinations, " GENTRACE_URL=", service,
                      " SERVICE_TRACE=", base, ".service.json");
    }
    std::ofstream(base + ".sh")
        << "(env " << env << " " << destinations << " timeout 60 " << program_
        << " " << mode << " >/dev/null; echo $? >" << base << ".status) 2>&1 "
        << "| cat >" << base << ".stderr\n";
    RunShellCommand(dir_.string(), absl::StrCat("sh ", base, ".sh"));
  }

  std::string Read(const std::string& name) const {
    return ReadFileOrEmpty((dir_ / name).string());
  }

  std::string program_;
  fs::path dir_;
};

TEST_P(CrashMonitorTest, TracesWhatTheRuntimeReported) {
  gentrace::testing::ChildProcess server;
  std::ofstream(dir_ / "token") << "upload\n";
  const std::string service = gentrace::testing::StartService(
      server,
      {"--store=" + (dir_ / "store").string(),
       "--upload-token-file=" + (dir_ / "token").string()},
      (dir_ / "serve.stderr").string());
  ASSERT_FALSE(service.empty()) << Read("serve.stderr");
  const std::string added = RunShellCommand(
      dir_.string(),
      absl::StrCat("curl -sS -X PUT -H 'Authorization: Bearer upload' "
                   "--data-binary @",
                   program_, " ", service, "/v1/binaries"));
  ASSERT_NE(gentrace::testing::JsonField(added, "goBuildId"), "") << added;

  std::set<std::string> signatures;
  for (const std::string mode : kModes) {
    SCOPED_TRACE(mode);
    Crash(mode, mode, "GOTRACEBACK=system", service);
    // The same crash again, at GOTRACEBACK's default level (which prints
    // no runtime frames but the crashing goroutine's own).
    Crash(mode, mode + ".again", "", "");
    EXPECT_EQ(Read(mode + ".status"), "2\n");

    // The monitor got the runtime's report: all of stderr but the
    // `fatal error:` line (or lines, one a thread) the runtime writes first.
    const std::string text = Read(mode + ".txt");
    const std::string stderr_text = Read(mode + ".stderr");
    ASSERT_FALSE(text.empty()) << stderr_text;
    absl::string_view before_report = stderr_text;
    while (absl::ConsumePrefix(&before_report, "fatal error: ")) {
      before_report.remove_prefix(before_report.find('\n') + 1);
    }
    EXPECT_EQ(before_report, text);

    const Trace trace = ParseTrace(Read(mode + ".json"));
    EXPECT_EQ(trace.notes_size(), 0) << trace.notes(0);
    const std::vector<PrintedBlock> report = ReadRuntimeReport(text);
    ASSERT_FALSE(report.empty()) << text;
    ASSERT_EQ(trace.goroutines_size(), report.size());
    for (size_t i = 0; i < report.size(); ++i) {
      SCOPED_TRACE(absl::StrCat("goroutine ", report[i].id));
      EXPECT_EQ(trace.goroutines(i).id(), report[i].id);
      ExpectSameFrames(report[i].frames, Printed(trace.goroutines(i)));
    }
    if (absl::StrContains(GetParam(), "pie")) {
      EXPECT_NE(trace.load_bias(), 0u) << "a PIE, loaded at random";
    }

    // The service's trace is the monitor's own, but for where the binary is.
    Trace served = ParseTrace(Read(mode + ".service.json"));
    Trace local = trace;
    for (Trace* t : {&served, &local}) {
      for (Module& module : *t->mutable_modules()) module.clear_path();
    }
    std::string difference;
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&difference);
    EXPECT_TRUE(differencer.Compare(served, local)) << difference;

    const Trace again = ParseTrace(Read(mode + ".again.json"));
    EXPECT_EQ(trace.signature().size(), 16u);
    EXPECT_EQ(again.signature(), trace.signature())
        << "the same crash, another run";
    signatures.insert(trace.signature());
  }
  EXPECT_EQ(signatures.size(), std::size(kModes)) << "five crashes";
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Builds, CrashMonitorTest,
    ::testing::Values("go1.23/default", "go1.23/pie-stripped", "go1.24/default",
                      "go1.24/pie-stripped", "go1.25/default",
                      "go1.25/pie-stripped", "go1.26/default",
                      "go1.26/pie-stripped", "go1.27/default",
                      "go1.27/pie-stripped"),
    [](const ::testing::TestParamInfo<std::string>& info) {
      std::string name = info.param;
      for (char& c : name) {
        if (c == '.' || c == '/' || c == '-') c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace gentrace
