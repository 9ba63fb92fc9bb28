// gentrace serve, started by each test on a free loopback port over an
// empty store and stopped at its end, against real clients: curl, and
// elfutils' debuginfod-find. Its answers are the CLI's: /v1/symbolize of
// every PC addr2line was asked about in a fixture binary (stripped and
// not, several releases and GOARCHes) is `gentrace symbolize
// --format=json` of the same PCs, byte for byte; the debuginfod endpoint
// gives back the uploaded file. Hostile requests get their status and
// leave the store whole, and SIGTERM ends the server cleanly. /v1/cores of
// fixture cores (several releases and GOARCHes, PIE, stripped, a signal
// report, defers, a cgo crash with C frames) is `gentrace core`'s output,
// as text, JSON and protobuf's binary encoding. /v1/captures of captures
// cut from fixture cores, in JSON or in binary, is `gentrace unwind`'s.
// /metrics counts what was answered. /v1/tracebacks reads the runtime's
// crash text as `gentrace crashtext` does.
// What the store lacks comes from Debian's debuginfod server, or from
// another replica.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "proto/convert.h"
#include "proto/gentrace.pb.h"
#include "proto/gentrace_service.grpc.pb.h"
#include "proto/profile.pb.h"
#include "render/pprof_file.h"
#include "symtab/byte_reader.h"
#include "symtab/symbol_index.h"
#include "target/core_file.h"
#include "tests/testing/bare_profile.h"
#include "tests/testing/child_process.h"
#include "tests/testing/crashed_program.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/service_process.h"
#include "tests/testing/shell_command.h"

namespace gentrace {
namespace {

using gentrace::testing::GentraceCommand;
using gentrace::testing::ReadFileOrEmpty;
using gentrace::testing::RunShellCommand;

// Binaries of several releases and GOARCHes, stripped and not; Mach-O and
// PE ones (found by their Go build IDs, and a Mach-O of Go 1.24+ by the
// LC_UUID its linker writes too; Go's linker writes PE no CodeView ID).
constexpr const char* kBinaries[] = {
    "go1.19/amd64/stripped",
    "go1.21/arm64/stripped",
    "go1.23/386/default",
    "go1.24/riscv64/stripped",
    "go1.27/amd64/stripped",
    "go1.27/amd64/default",
    "go1.27/ppc64/stripped",
    "../foreign/go1.23/darwin-arm64/default",
    "../foreign/go1.27/darwin-amd64/stripped",
    "../foreign/go1.23/windows-386/default",
};

struct Answer {
  int status = 0;
  std::string body;
};

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = gentrace::testing::FixturesRoot();
    if (!root_) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "token") << "s3cret-upload\n";
  }

  void Start(const std::vector<std::string>& flags = {}) {
    std::vector<std::string> argv = {
        "--store=" + Store(),
        "--upload-token-file=" + (dir_ / "token").string()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    const std::string url = gentrace::testing::StartService(
        server_, argv, (dir_ / "serve.stderr").string());
    ASSERT_TRUE(absl::SimpleAtoi(url.substr(url.rfind(':') + 1), &port_))
        << url << ReadFileOrEmpty((dir_ / "serve.stderr").string());
  }

  // Replica B, with a store of its own and this server (A) upstream, named
  // in its environment as debuginfod clients take it: its URL ("" if it
  // did not start).
  std::string StartReplica(gentrace::testing::ChildProcess& replica) {
    return gentrace::testing::StartService(
        replica, {"--store=" + (dir_ / "b").string()},
        (dir_ / "b.stderr").string(), {"DEBUGINFOD_URLS=" + Url("")});
  }

  std::string Store() const { return (dir_ / "store").string(); }
  std::string Url(const std::string& path) const {
    return absl::StrCat("http://127.0.0.1:", port_, path);
  }
  std::string Binary(const std::string& name) const {
    return absl::StrCat(*root_, "/go/", name, "/prog");
  }

  // curl with `args`: the status and the body it got.
  Answer Curl(const std::string& args) {
    const std::string body = (dir_ / "body").string();
    const std::string code = RunShellCommand(
        dir_.string(),
        absl::StrCat("curl -sS -o ", body, " -w '%{http_code}' ", args));
    Answer answer;
    EXPECT_TRUE(absl::SimpleAtoi(code, &answer.status)) << code;
    answer.body = ReadFileOrEmpty(body);
    return answer;
  }
  Answer Upload(const std::string& file, const std::string& token) {
    return Curl(absl::StrCat("-X PUT -H 'Authorization: Bearer ", token,
                             "' --data-binary @", file, " ",
                             Url("/v1/binaries")));
  }
  // `file` as the body of a POST to `path` (with its query).
  Answer PostFile(const std::string& file, const std::string& path) {
    return Curl(absl::StrCat("--data-binary @", file, " '", Url(path), "'"));
  }
  Answer PostJson(const std::string& path, const std::string& json) {
    const std::string request = (dir_ / "request.json").string();
    std::ofstream(request) << json;
    return Curl(absl::StrCat("-H 'Content-Type: application/json' ",
                             "--data-binary @", request, " ", Url(path)));
  }

  std::optional<std::string> root_;
  std::filesystem::path dir_;
  gentrace::testing::ChildProcess server_;
  int port_ = 0;
};

TEST_F(ServiceTest, StoresBinariesUnderEveryBuildId) {
  Start();
  int with_file_id = 0;
  for (const char* name : kBinaries) {
    SCOPED_TRACE(name);
    const std::string path = Binary(name);
    EXPECT_EQ(Upload(path, "wrong").status, 401);
    const Answer added = Upload(path, "s3cret-upload");
    ASSERT_EQ(added.status, 201) << added.body;
    EXPECT_EQ(Upload(path, "s3cret-upload").status, 200);
    const std::string info = RunShellCommand(
        dir_.string(), absl::StrCat(GentraceCommand(), " info --binary=", path,
                                    " --format=json"));
    const std::string go_id = gentrace::testing::JsonField(info, "goBuildId");
    ASSERT_FALSE(go_id.empty());
    EXPECT_EQ(gentrace::testing::JsonField(added.body, "goBuildId"), go_id);
    EXPECT_EQ(gentrace::testing::JsonField(added.body, "gnuBuildId"),
              gentrace::testing::JsonField(info, "gnuBuildId"));
    EXPECT_EQ(gentrace::testing::JsonField(added.body, "goVersion"),
              gentrace::testing::JsonField(info, "goVersion"));
    EXPECT_EQ(gentrace::testing::JsonField(added.body, "goarch"),
              gentrace::testing::JsonField(info, "arch"));
    const Answer by_go = Curl(Url("/v1/binaries/" + go_id));
    EXPECT_EQ(by_go.status, 200);
    EXPECT_EQ(by_go.body, added.body);
    if (const std::string gnu =
            gentrace::testing::JsonField(info, "gnuBuildId");
        !gnu.empty()) {
      EXPECT_EQ(Curl(Url("/v1/binaries/" + gnu)).body, added.body);
    }
    const std::string file_id = gentrace::testing::JsonField(info, "fileId");
    EXPECT_EQ(gentrace::testing::JsonField(added.body, "fileId"), file_id);
    if (!file_id.empty()) {
      ++with_file_id;
      EXPECT_EQ(Curl(Url("/v1/binaries/" + file_id)).body, added.body);
      const Answer fetched = Curl(Url("/buildid/" + file_id + "/executable"));
      EXPECT_EQ(fetched.status, 200);
      EXPECT_TRUE(fetched.body == ReadFileOrEmpty(path))
          << "debuginfod by the file ID gives the uploaded file";
    }
  }
  EXPECT_GE(with_file_id, 1) << "a Mach-O of Go 1.24+ has an LC_UUID";
  EXPECT_EQ(Curl(Url("/v1/binaries/0123abcd")).status, 404);
  EXPECT_EQ(RunShellCommand(dir_.string(),
                            absl::StrCat(GentraceCommand(),
                                         " store verify --store=", Store())),
            "ok\n");
  const std::string listed = RunShellCommand(
      dir_.string(),
      absl::StrCat(GentraceCommand(), " store ls --store=", Store()));
  EXPECT_EQ(std::vector<std::string>(absl::StrSplit(listed, '\n')).size(),
            std::size(kBinaries) + 1)
      << listed;
  EXPECT_EQ(server_.Stop(SIGTERM), 0) << "a clean exit on SIGTERM";
}

TEST_F(ServiceTest, SymbolizesAsTheCliDoes) {
  Start();
  for (const char* name : kBinaries) {
    SCOPED_TRACE(name);
    const std::string path = Binary(name);
    const Answer added = Upload(path, "s3cret-upload");
    ASSERT_EQ(added.status, 201) << added.body;
    std::vector<std::string> pcs;
    for (const gentrace::testing::Addr2lineRow& row :
         gentrace::testing::ReadAddr2line(path + ".addr2line.tsv")) {
      pcs.push_back(absl::StrCat("0x", absl::Hex(row.pc)));
    }
    ASSERT_GT(pcs.size(), 1000u);
    const std::string pcs_file = (dir_ / "pcs.txt").string();
    std::ofstream(pcs_file) << absl::StrJoin(pcs, "\n") << "\n";
    for (const bool callers : {false, true}) {
      const std::string cli = RunShellCommand(
          dir_.string(),
          absl::StrCat(GentraceCommand(), " symbolize --format=json --binary=",
                       path, callers ? " --callers" : "", " <", pcs_file));
      std::vector<absl::string_view> lines =
          absl::StrSplit(cli, '\n', absl::SkipEmpty());
      ASSERT_EQ(lines.size(), pcs.size());
      const Answer answer = PostJson(
          "/v1/symbolize",
          absl::StrCat("{\"buildId\":\"",
                       gentrace::testing::JsonField(added.body, "goBuildId"),
                       "\",\"callers\":", callers ? "true" : "false",
                       ",\"pcs\":[\"", absl::StrJoin(pcs, "\",\""), "\"]}"));
      ASSERT_EQ(answer.status, 200) << answer.body.substr(0, 300);
      EXPECT_TRUE(answer.body == absl::StrCat("{\"results\":[",
                                              absl::StrJoin(lines, ","), "]}"))
          << gentrace::testing::FirstDifference(
                 answer.body, absl::StrCat("{\"results\":[",
                                           absl::StrJoin(lines, ","), "]}"));
    }
  }
}

// Fails unless `served` and `theirs` are one Trace, both in protobuf's
// binary encoding or both in its JSON, but for their modules' paths (the
// service's copy of a binary is elsewhere than the CLI's).
void ExpectSameTrace(const std::string& served, const std::string& theirs,
                     bool json = false) {
  Trace a, b;
  if (json) {
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(served, &a).ok())
        << served.substr(0, 200);
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(theirs, &b).ok())
        << theirs.substr(0, 200);
  } else {
    ASSERT_TRUE(a.ParseFromString(served)) << served.substr(0, 200);
    ASSERT_TRUE(b.ParseFromString(theirs));
  }
  ASSERT_EQ(a.modules_size(), b.modules_size());
  for (int i = 0; i < a.modules_size(); ++i) {
    a.mutable_modules(i)->clear_path();
    b.mutable_modules(i)->clear_path();
  }
  std::string difference;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&difference);
  EXPECT_TRUE(differencer.Compare(a, b)) << difference.substr(0, 2000);
}

TEST_F(ServiceTest, TracesCoresAsTheCliDoes) {
  Start();
  struct Core {
    std::string binary, core, flags;
  };
  const std::string go = *root_ + "/go/", reports = *root_ + "/reports/";
  const Core cores[] = {
      {go + "go1.19/amd64/goroutines/prog", "", ""},
      {go + "go1.27/amd64/goroutines-pie/prog", "", ""},
      {go + "go1.23/arm64/goroutines/prog", "", ""},
      {reports + "go1.27/amd64/sigquit/prog.stripped",
       reports + "go1.27/amd64/sigquit/prog.core", ""},
      {go + "go1.27/386/goroutines/prog", "", ""},
      {go + "go1.27/amd64/goroutines/prog", "", "defers"},
      {*root_ + "/cgo/go1.27/amd64/prog",
       *root_ + "/cgo/go1.27/amd64/c/prog.core", "native"},
  };
  for (const Core& c : cores) {
    const std::string core = c.core.empty() ? c.binary + ".core" : c.core;
    SCOPED_TRACE(core);
    const Answer added = Upload(c.binary, "s3cret-upload");
    ASSERT_TRUE(added.status == 201 || added.status == 200) << added.body;
    const std::string cli =
        absl::StrCat(GentraceCommand(), " core --binary=", c.binary,
                     " --core=", core, c.flags.empty() ? "" : " --", c.flags);
    // The reports' fixtures are built with one Go build ID (so one GNU
    // build ID too, -B gobuildid): one of them only here.
    const std::string gnu =
        gentrace::testing::JsonField(added.body, "gnuBuildId");
    const std::string url = Url(absl::StrCat(
        "/v1/cores?build_id=",
        gnu.empty() ? gentrace::testing::JsonField(added.body, "goBuildId")
                    : gnu,
        c.flags.empty() ? "" : "&", c.flags, c.flags.empty() ? "" : "=1"));
    const Answer text =
        Curl(absl::StrCat("--data-binary @", core, " '", url, "'"));
    EXPECT_EQ(text.status, 200) << text.body.substr(0, 300);
    const std::string theirs = RunShellCommand(dir_.string(), cli);
    EXPECT_TRUE(text.body == theirs)
        << gentrace::testing::FirstDifference(text.body, theirs);
    const Answer json = Curl(absl::StrCat(
        "-H 'Accept: application/json' --data-binary @", core, " '", url, "'"));
    EXPECT_EQ(json.status, 200);
    const std::string theirs_json =
        RunShellCommand(dir_.string(), cli + " --format=json");
    ExpectSameTrace(json.body, theirs_json, /*json=*/true);
    const Answer proto =
        Curl(absl::StrCat("-H 'Accept: application/x-protobuf' --data-binary @",
                          core, " '", url, "'"));
    EXPECT_EQ(proto.status, 200);
    ExpectSameTrace(proto.body,
                    RunShellCommand(dir_.string(), cli + " --format=proto"));
  }
  // The grouped HTML page and the goroutine profile of one of them, as the
  // CLI writes them (the binary's path aside: the store's here).
  {
    const std::string binary = go + "go1.27/amd64/goroutines/prog";
    const std::string id = gentrace::testing::JsonField(
        Upload(binary, "s3cret-upload").body, "gnuBuildId");
    for (const char* format : {"html", "pprof"}) {
      SCOPED_TRACE(format);
      const std::string ours = (dir_ / "served").string();
      const std::string code = RunShellCommand(
          dir_.string(),
          absl::StrCat("curl -sS -o ", ours, " -w '%{http_code}' ",
                       "--data-binary @", binary, ".core '",
                       Url(absl::StrCat("/v1/cores?build_id=", id,
                                        "&format=", format, "&group=pcs")),
                       "'"));
      EXPECT_EQ(code, std::string(format) == "pprof" ? "400" : "200");
      if (std::string(format) == "pprof") {
        RunShellCommand(
            dir_.string(),
            absl::StrCat(
                "curl -sS -o ", ours, " --data-binary @", binary, ".core '",
                Url(absl::StrCat("/v1/cores?build_id=", id, "&format=pprof")),
                "'"));
      }
      const std::string theirs = RunShellCommand(
          dir_.string(),
          absl::StrCat(GentraceCommand(), " core --binary=", binary,
                       " --core=", binary, ".core --format=", format,
                       std::string(format) == "html" ? " --group=pcs" : ""));
      const std::string served = ReadFileOrEmpty(ours);
      if (std::string(format) == "html") {
        // The page names the binary by its path: the store's, here.
        const auto path_in = [](const std::string& page) {
          const size_t start = page.find("<title>gentrace: ");
          const size_t end = page.find("</title>");
          return start == std::string::npos || end == std::string::npos
                     ? std::string()
                     : page.substr(start + 17, end - start - 17);
        };
        ASSERT_FALSE(path_in(served).empty()) << served.substr(0, 200);
        const std::string same =
            absl::StrReplaceAll(served, {{path_in(served), path_in(theirs)}});
        EXPECT_TRUE(same == theirs)
            << gentrace::testing::FirstDifference(same, theirs);
      } else {
        absl::StatusOr<pprof::Profile> a = render::DecodePprofFile(served);
        absl::StatusOr<pprof::Profile> b = render::DecodePprofFile(theirs);
        ASSERT_TRUE(a.ok() && b.ok());
        EXPECT_EQ(a->sample_size(), b->sample_size());
        EXPECT_GT(a->sample_size(), 10);
        ASSERT_EQ(a->location_size(), b->location_size());
        for (int i = 0; i < a->location_size(); ++i) {
          EXPECT_EQ(a->location(i).address(), b->location(i).address());
        }
      }
    }
  }
  const std::string some_core = go + "go1.19/amd64/goroutines/prog.core";
  EXPECT_EQ(Curl(absl::StrCat("--data-binary @", some_core, " '",
                              Url("/v1/cores?build_id=abcdef12"), "'"))
                .status,
            404);
  const std::string garbage = (dir_ / "not_a_core").string();
  std::ofstream(garbage) << std::string(4096, '\x7f');
  const Answer upload =
      Upload(go + "go1.19/amd64/goroutines/prog", "s3cret-upload");
  EXPECT_EQ(Curl(absl::StrCat(
                     "--data-binary @", garbage, " '",
                     Url("/v1/cores?build_id=" + gentrace::testing::JsonField(
                                                     upload.body, "goBuildId")),
                     "'"))
                .status,
            400);
  EXPECT_EQ(RunShellCommand(dir_.string(),
                            absl::StrCat(GentraceCommand(),
                                         " store verify --store=", Store())),
            "ok\n")
      << "no core is left in the store";
}

// /v1/captures of captures cut from each thread of fixture cores (the
// Capture JSON a debugger would record, with the program's entry point) is
// `gentrace unwind`'s output.
TEST_F(ServiceTest, UnwindsCapturesAsTheCliDoes) {
  Start();
  for (const char* name :
       {"go1.27/amd64/goroutines", "go1.27/amd64/goroutines-pie",
        "go1.23/arm64/goroutines", "go1.19/386/goroutines"}) {
    SCOPED_TRACE(name);
    const std::string binary = Binary(name);
    const Answer added = Upload(binary, "s3cret-upload");
    ASSERT_EQ(added.status, 201) << added.body;
    absl::StatusOr<gentrace::testing::CrashedProgram> crashed =
        gentrace::testing::OpenCrashedProgram(binary, binary + ".core");
    ASSERT_TRUE(crashed.ok()) << crashed.status();
    int threads = 0;
    for (const target::Thread& thread : crashed->core->threads()) {
      std::optional<gentrace::testing::StackWindow> stack =
          gentrace::testing::ReadStackWindow(*crashed->core, thread, 64 << 10);
      ASSERT_TRUE(stack.has_value());
      const std::string capture = (dir_ / "capture.json").string();
      std::ofstream(capture) << gentrace::testing::CaptureJson(
          crashed->core->arch(), thread.registers, *stack,
          crashed->core->entry());
      const std::string url = Url(
          absl::StrCat("/v1/captures?build_id=",
                       gentrace::testing::JsonField(added.body, "goBuildId")));
      const std::string cli =
          absl::StrCat(GentraceCommand(), " unwind --binary=", binary,
                       " --capture=", capture);
      const Answer text =
          Curl(absl::StrCat("--data-binary @", capture, " '", url, "'"));
      EXPECT_EQ(text.status, 200) << text.body;
      EXPECT_EQ(text.body, RunShellCommand(dir_.string(), cli));
      // Placed by the capture's entry point: a PIE's frames are named too.
      EXPECT_TRUE(absl::StrContains(text.body, "runtime.")) << text.body;
      const Answer json =
          Curl(absl::StrCat("-H 'Accept: application/json' --data-binary @",
                            capture, " '", url, "'"));
      EXPECT_EQ(json.body,
                RunShellCommand(dir_.string(), cli + " --format=json"));
      // The same capture in protobuf's binary encoding; the answer in it.
      const std::string encoded = (dir_ / "capture.pb").string();
      std::ofstream(encoded, std::ios::binary)
          << gentrace::testing::CaptureMessage(crashed->core->arch(),
                                               thread.registers, *stack,
                                               crashed->core->entry())
                 .SerializeAsString();
      EXPECT_EQ(Curl(absl::StrCat("-H 'Accept: application/json' ",
                                  "--data-binary @", encoded, " '", url, "'"))
                    .body,
                json.body);
      const Answer proto =
          Curl(absl::StrCat("-H 'Accept: application/x-protobuf' ",
                            "--data-binary @", encoded, " '", url, "'"));
      EXPECT_EQ(proto.status, 200);
      Thread served, theirs;
      EXPECT_TRUE(served.ParseFromString(proto.body));
      EXPECT_TRUE(
          google::protobuf::util::JsonStringToMessage(json.body, &theirs).ok());
      EXPECT_TRUE(
          google::protobuf::util::MessageDifferencer::Equals(served, theirs));
      ++threads;
    }
    EXPECT_GT(threads, 0);
  }
  const std::string bad = (dir_ / "bad.json").string();
  std::ofstream(bad) << "{\"arch\": \"vax\"}";
  EXPECT_EQ(Curl(absl::StrCat("--data-binary @", bad, " '",
                              Url("/v1/captures?build_id=abcd"), "'"))
                .status,
            404);
}

// GET /metrics counts what was answered, in Prometheus' text format.
// A capture the crash handler wrote in a cgo program's C code (the program
// loads libgentrace_crash.so, its C code crashes) is answered as `gentrace
// render` prints it: the goroutine whose cgo call it was, C frames first,
// from the stored binary alone (the process's module paths are not read).
TEST_F(ServiceTest, RendersCrashHandlerCapturesAsTheCliDoes) {
  if (std::optional<std::string> why =
          gentrace::testing::CrashHandlerInGoSkipReason()) {
    GTEST_SKIP() << *why;
  }
  const std::string program = *root_ + "/cgo/go1.27/amd64/prog";
  const std::string capture = (dir_ / "cgo.capture").string();
  {
    gentrace::testing::ChildProcess child;
    ASSERT_TRUE(child.Start(
        program, {"c"},
        {"GENTRACE_CRASH_LIBRARY=" +
             std::filesystem::absolute("capture/libgentrace_crash.so").string(),
         "GENTRACE_CRASH_CAPTURE=" + capture, "GOTRACEBACK=system"},
        (dir_ / "cgo.stderr").string()));
    child.Stop(0);
  }
  ASSERT_FALSE(ReadFileOrEmpty(capture).empty());
  Start();
  const Answer added = Upload(program, "s3cret-upload");
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string url =
      Url("/v1/captures?build_id=" +
          gentrace::testing::JsonField(added.body, "goBuildId"));
  const Answer text =
      Curl(absl::StrCat("--data-binary @", capture, " '", url, "'"));
  EXPECT_EQ(text.status, 200) << text.body;
  const std::string cli =
      absl::StrCat(GentraceCommand(), " render --capture=", capture);
  const std::string theirs = RunShellCommand(dir_.string(), cli);
  EXPECT_TRUE(absl::StrContains(text.body, "\ngoroutine 1 ")) << text.body;
  EXPECT_TRUE(text.body == theirs)
      << gentrace::testing::FirstDifference(text.body, theirs);
  const Answer json =
      Curl(absl::StrCat("-H 'Accept: application/json' --data-binary @",
                        capture, " '", url, "'"));
  EXPECT_EQ(json.status, 200);
  EXPECT_TRUE(absl::StrContains(json.body, "\"function\":\"c_crash\""))
      << json.body.substr(0, 300);
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

TEST_F(ServiceTest, CountsWhatItAnswers) {
  Start();
  std::string id;
  for (const char* name : {"go1.27/amd64/stripped", "go1.19/amd64/stripped"}) {
    const Answer added = Upload(Binary(name), "s3cret-upload");
    ASSERT_EQ(added.status, 201);
    id = gentrace::testing::JsonField(added.body, "goBuildId");
  }
  const std::string request =
      absl::StrCat("{\"buildId\":\"", id, "\",\"pcs\":[\"0x401000\"]}");
  EXPECT_EQ(PostJson("/v1/symbolize", request).status, 200);
  EXPECT_EQ(PostJson("/v1/symbolize", request).status, 200);
  EXPECT_EQ(PostJson("/v1/symbolize", "{").status, 400);
  const Answer metrics = Curl(Url("/metrics"));
  ASSERT_EQ(metrics.status, 200);
  std::vector<std::string> lines = absl::StrSplit(metrics.body, '\n');
  for (const std::string& line : lines) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> parts = absl::StrSplit(line, ' ');
    double value = 0;
    EXPECT_TRUE(parts.size() == 2 && absl::SimpleAtod(parts[1], &value))
        << line;
  }
  const auto has = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  const std::string kExpected[] = {
      "gentrace_requests_total{operation=\"upload\",status=\"201\"} 2",
      "gentrace_requests_total{operation=\"symbolize\",status=\"200\"} 2",
      "gentrace_requests_total{operation=\"symbolize\",status=\"400\"} 1",
      "gentrace_request_seconds_count{operation=\"symbolize\"} 3",
      absl::StrCat("gentrace_request_seconds_bucket{operation=\"symbolize\",",
                   "le=\"+Inf\"} 3"),
      "gentrace_store_binaries 2",
      "gentrace_open_binaries 1",
      "gentrace_open_binary_misses_total 1",
      "gentrace_open_binary_hits_total 1",
  };
  for (const std::string& line : kExpected) {
    EXPECT_TRUE(has(line)) << line << " not in\n" << metrics.body;
  }
}

// /v1/tracebacks of the runtime's own crash texts is `gentrace crashtext`'s
// Trace (but the binary's path).
TEST_F(ServiceTest, ReadsCrashTextsAsTheCliDoes) {
  Start();
  for (const char* name :
       {"go1.27/amd64/goroutines-pie", "go1.21/arm64/goroutines",
        "go1.19/386/goroutines"}) {
    SCOPED_TRACE(name);
    const std::string binary = Binary(name);
    const Answer added = Upload(binary, "s3cret-upload");
    ASSERT_EQ(added.status, 201) << added.body;
    const Answer read =
        PostFile(binary + ".crash.txt",
                 "/v1/tracebacks?build_id=" +
                     gentrace::testing::JsonField(added.body, "goBuildId"));
    EXPECT_EQ(read.status, 200) << read.body.substr(0, 300);
    const std::string cli = RunShellCommand(
        dir_.string(), absl::StrCat(GentraceCommand(), " crashtext --binary=",
                                    binary, " ", binary, ".crash.txt"));
    ExpectSameTrace(read.body, cli, /*json=*/true);
    EXPECT_NE(gentrace::testing::JsonField(read.body, "signature"), "");
  }
}

TEST_F(ServiceTest, ReadsMinidumpsAsTheCliDoes) {
  const std::string build = absl::StrCat(*root_, "/breakpad/go1.27/stripped/");
  if (!std::filesystem::exists(build + "prog.dmp")) GTEST_SKIP() << build;
  Start();
  ASSERT_EQ(Upload(build + "prog", "s3cret-upload").status, 201);
  // The executable found by the build ID the minidump names.
  const Answer read = Curl(absl::StrCat("--data-binary @", build, "prog.dmp ",
                                        Url("/v1/minidumps")));
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.body,
            RunShellCommand(
                dir_.string(),
                absl::StrCat(GentraceCommand(), " minidump --binary=", build,
                             "prog --minidump=", build, "prog.dmp")));
  EXPECT_TRUE(absl::StartsWith(read.body, "thread ")) << read.body;
  // Neither a build ID nor a minidump to find one in.
  EXPECT_EQ(Curl(absl::StrCat("--data-binary @", build, "prog.crash.txt ",
                              Url("/v1/minidumps")))
                .status,
            400);
}

TEST_F(ServiceTest, DebuginfodClientsFetchTheBinaries) {
  Start();
  const std::string stripped = Binary("go1.27/amd64/stripped");
  const std::string unstripped = Binary("go1.27/amd64/default");
  for (const std::string& path : {stripped, unstripped}) {
    ASSERT_EQ(Upload(path, "s3cret-upload").status, 201);
  }
  const auto find = [&](const std::string& what, const std::string& path) {
    const std::string info = RunShellCommand(
        dir_.string(), absl::StrCat(GentraceCommand(), " info --binary=", path,
                                    " --format=json"));
    const std::string id = gentrace::testing::JsonField(info, "gnuBuildId");
    EXPECT_FALSE(id.empty()) << path;
    return RunShellCommand(
        dir_.string(),
        absl::StrCat(
            "sh -c 'DEBUGINFOD_URLS=", Url(""),
            " DEBUGINFOD_CACHE_PATH=", (dir_ / "debuginfod-cache").string(),
            " debuginfod-find ", what, " ", id, " || echo failed'"));
  };
  for (const std::string& path : {stripped, unstripped}) {
    const std::string fetched = find("executable", path);
    EXPECT_TRUE(ReadFileOrEmpty(std::string(
                    absl::StripSuffix(fetched, "\n"))) == ReadFileOrEmpty(path))
        << fetched << " is not " << path;
  }
  const std::string debuginfo = find("debuginfo", unstripped);
  EXPECT_TRUE(ReadFileOrEmpty(std::string(absl::StripSuffix(
                  debuginfo, "\n"))) == ReadFileOrEmpty(unstripped))
      << debuginfo << " is not " << unstripped;
  EXPECT_EQ(find("debuginfo", stripped), "failed\n") << "stripped: no DWARF";
}

// go tool pprof symbolizes a profile through the service's symbolz
// endpoint: a CPU profile the runtime wrote of a stripped program
// (tests/go/cpuprofile) with its functions and lines taken out, fetched by
// pprof from a front server that routes symbolz to the service (pprof asks
// the host and path it fetched the profile from), gets back each
// location's function: the runtime's own innermost one. With Go 1.23's
// pprof and 1.27's.
TEST_F(ServiceTest, GoToolPprofSymbolizesThroughSymbolz) {
  const std::string base = absl::StrCat(*root_, "/cpuprofile/go1.27/stripped");
  absl::StatusOr<pprof::Profile> original =
      render::DecodePprofFile(ReadFileOrEmpty(base + "/cpu.pb.gz"));
  if (!original.ok()) GTEST_SKIP() << "no CPU profile fixture: " << base;
  Start();
  const Answer added = Upload(base + "/prog", "s3cret-upload");
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string id = gentrace::testing::JsonField(added.body, "goBuildId");

  absl::StatusOr<std::string> served =
      render::EncodePprofFile(gentrace::testing::BareProfile(*original));
  ASSERT_TRUE(served.ok());

  // The front: the profile, and symbolz passed on to the service as is.
  httplib::Server front;
  const std::string prefix = absl::StrCat("/v1/binaries/", id, "/pprof/");
  front.Get(prefix + "profile",
            [&](const httplib::Request&, httplib::Response& response) {
              response.set_content(*served, "application/octet-stream");
            });
  const auto pass_on = [&](const httplib::Request& request,
                           httplib::Response& response) {
    httplib::Client service("127.0.0.1", port_);
    httplib::Result answer = request.method == "POST"
                                 ? service.Post(request.target, request.body,
                                                "application/octet-stream")
                                 : service.Get(request.target);
    if (!answer) {
      response.status = 502;
      return;
    }
    response.status = answer->status;
    response.set_content(answer->body, "text/plain");
  };
  front.Get(prefix + "symbol", pass_on);
  front.Post(prefix + "symbol", pass_on);
  const int front_port = front.bind_to_any_port("127.0.0.1");
  ASSERT_GT(front_port, 0);
  std::thread serving([&] { front.listen_after_bind(); });
  for (int i = 0; i < 5000 && !front.is_running(); ++i) usleep(1000);

  std::vector<std::string> tools = {
      absl::StrCat(*root_, "/pprof/go1.27/pprof"),
      "/usr/lib/go-1.23/pkg/tool/linux_amd64/pprof"};
  int ran = 0;
  for (const std::string& tool : tools) {
    if (!std::filesystem::exists(tool)) continue;
    SCOPED_TRACE(tool);
    ++ran;
    const std::string out = (dir_ / "symbolized.pb.gz").string();
    std::filesystem::remove(out);
    RunShellCommand(
        dir_.string(),
        absl::StrCat("HOME=", dir_.string(), " PPROF_TMPDIR=", dir_.string(),
                     " ", tool, " -symbolize=remote -proto -output=", out,
                     " http://127.0.0.1:", front_port, prefix, "profile"));
    absl::StatusOr<pprof::Profile> symbolized =
        render::DecodePprofFile(ReadFileOrEmpty(out));
    ASSERT_TRUE(symbolized.ok()) << symbolized.status();
    // Locations by address: pprof keeps them, in its own order.
    absl::flat_hash_map<uint64_t, std::string> names;
    for (const pprof::Location& location : symbolized->location()) {
      for (const pprof::Function& function : symbolized->function()) {
        if (location.line_size() > 0 &&
            function.id() == location.line(0).function_id()) {
          names[location.address()] = symbolized->string_table(function.name());
        }
      }
    }
    int compared = 0;
    for (const pprof::Location& want : original->location()) {
      if (want.mapping_id() != 1 || want.line_size() == 0) continue;
      std::string want_name;
      for (const pprof::Function& function : original->function()) {
        if (function.id() == want.line(0).function_id()) {
          want_name = original->string_table(function.name());
        }
      }
      ++compared;
      EXPECT_FALSE(want_name.empty());
      EXPECT_EQ(names[want.address()], want_name)
          << absl::StrCat("0x", absl::Hex(want.address()));
    }
    EXPECT_GT(compared, 3);
  }
  front.stop();
  serving.join();
  EXPECT_GT(ran, 0) << "no pprof: tests/fixtures/build_pprof.sh";
}

// 127.0.0.1:`port`.
sockaddr_in LoopbackAddress(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

// A loopback port no one listens on now.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = LoopbackAddress(0);
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

// Misses come from upstream: Debian's debuginfod server (elfutils) over a
// directory with a Go binary, then another replica, which in turn asks
// its store only when a replica asks it.
TEST_F(ServiceTest, FetchesWhatItLacksFromDebuginfodServersAndReplicas) {
  const std::string binary = Binary("go1.27/amd64/stripped");
  std::filesystem::create_directories(dir_ / "upstream");
  std::filesystem::copy_file(binary, dir_ / "upstream" / "prog");
  // One that only the debuginfod server holds till the end.
  const std::string upstream_only = Binary("go1.25/amd64/stripped");
  std::filesystem::copy_file(upstream_only, dir_ / "upstream" / "prog2");
  const int debuginfod_port = FreePort();
  gentrace::testing::ChildProcess debuginfod;
  ASSERT_TRUE(debuginfod.Start("/usr/bin/debuginfod",
                               {"-F", "-p", absl::StrCat(debuginfod_port), "-d",
                                (dir_ / "debuginfod.sqlite").string(), "-t",
                                "1", "-g", "0", (dir_ / "upstream").string()},
                               {}, (dir_ / "debuginfod.stderr").string()));
  const std::string info = RunShellCommand(
      dir_.string(), absl::StrCat(GentraceCommand(), " info --binary=", binary,
                                  " --format=json"));
  const std::string gnu = gentrace::testing::JsonField(info, "gnuBuildId");
  const std::string upstream_url =
      absl::StrCat("http://127.0.0.1:", debuginfod_port);
  // It listens, then scans the directory, once it has started (curl's
  // status is 000 while nothing listens).
  int scanned = 0;
  for (int attempt = 0; attempt < 300 && scanned != 200; ++attempt) {
    const std::string code = RunShellCommand(
        dir_.string(),
        absl::StrCat("sh -c 'curl -s -o /dev/null -w %{http_code} ",
                     upstream_url, "/buildid/", gnu, "/executable; true'"));
    if (!absl::SimpleAtoi(code, &scanned) || scanned != 200) usleep(100 * 1000);
  }
  ASSERT_EQ(scanned, 200) << ReadFileOrEmpty(
      (dir_ / "debuginfod.stderr").string());

  Start({"--debuginfod-urls=" + upstream_url});
  const Answer fetched = Curl(Url("/v1/binaries/" + gnu));
  EXPECT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(gentrace::testing::JsonField(fetched.body, "goBuildId"),
            gentrace::testing::JsonField(info, "goBuildId"));
  EXPECT_EQ(Curl(Url("/v1/binaries/" + std::string(40, 'e'))).status, 404);

  // Replica B, whose upstream is this one (A): A's upload is B's too.
  const std::string other = Binary("go1.24/riscv64/stripped");
  const Answer added = Upload(other, "s3cret-upload");
  ASSERT_EQ(added.status, 201);
  const std::string other_gnu =
      gentrace::testing::JsonField(added.body, "gnuBuildId");
  ASSERT_FALSE(other_gnu.empty());
  gentrace::testing::ChildProcess replica;
  const std::string b_url = StartReplica(replica);
  ASSERT_FALSE(b_url.empty());
  const Answer from_b = Curl(b_url + "/v1/binaries/" + other_gnu);
  EXPECT_EQ(from_b.status, 200) << from_b.body;
  EXPECT_EQ(from_b.body, added.body);
  // B's miss that A lacks too: A does not go upstream for a replica (no
  // loops, however replicas list each other), though it would for B's
  // clients.
  const std::string upstream_only_gnu = gentrace::testing::JsonField(
      RunShellCommand(dir_.string(),
                      absl::StrCat(GentraceCommand(), " info --binary=",
                                   upstream_only, " --format=json")),
      "gnuBuildId");
  EXPECT_EQ(Curl(b_url + "/v1/binaries/" + upstream_only_gnu).status, 404);
  EXPECT_EQ(Curl(Url("/v1/binaries/" + upstream_only_gnu)).status, 200);
  EXPECT_EQ(replica.Stop(SIGTERM), 0);
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
  debuginfod.Stop(SIGTERM);
}

// A C++ gRPC client against --grpc-listen: every operation answers as the
// same server does over HTTP (itself the CLI's answer): uploads and cores
// streamed in chunks; BinaryInfo, SymbolizeResponse, the core's Trace (its
// encoding byte for byte) and text, the crash text's Trace. Tokens, unknown
// build IDs and messages over the limit get their codes, and /metrics counts
// the calls.
TEST_F(ServiceTest, GrpcAnswersAsHttpDoes) {
#if defined(__SANITIZE_THREAD__)
  // Debian's gRPC is not built with ThreadSanitizer, which then reads its
  // own synchronization (in this client and in the server) as races.
  GTEST_SKIP() << "gRPC is not instrumented for ThreadSanitizer";
#endif
  Start({"--grpc-listen=127.0.0.1:0", "--max-request-bytes=65536"});
  const std::string line = server_.ReadLine();
  int grpc_port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(line.substr(line.rfind(':') + 1), &grpc_port))
      << line;
  std::unique_ptr<Gentrace::Stub> stub = Gentrace::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port),
                          grpc::InsecureChannelCredentials()));
  const auto with_token = [](grpc::ClientContext& context) {
    context.AddMetadata("authorization", "Bearer s3cret-upload");
  };
  // A file streamed in chunks: what the call answers.
  const auto stream = [](auto& writer, const std::string& bytes, auto first) {
    constexpr size_t kChunk = 64 << 10;
    for (size_t at = 0; at == 0 || at < bytes.size(); at += kChunk) {
      auto chunk = at == 0 ? first : decltype(first)();
      chunk.set_data(bytes.substr(at, kChunk));
      if (!writer->Write(chunk)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  };
  const auto json = [](const google::protobuf::Message& message) {
    return ToJsonLine(message).value_or("not JSON");
  };

  const std::string binary = Binary("go1.27/amd64/goroutines-pie");
  const std::string bytes = ReadFileOrEmpty(binary);
  {
    grpc::ClientContext context;
    AddBinaryResponse response;
    auto writer = stub->AddBinary(&context, &response);
    EXPECT_EQ(stream(writer, bytes, Chunk()).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  AddBinaryResponse added;
  for (const bool first : {true, false}) {
    grpc::ClientContext context;
    with_token(context);
    auto writer = stub->AddBinary(&context, &added);
    const grpc::Status status = stream(writer, bytes, Chunk());
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(added.added(), first);
  }
  const std::string id = added.info().go_build_id();
  EXPECT_EQ(json(added.info()), Curl(Url("/v1/binaries/" + id)).body);
  {
    grpc::ClientContext context;
    GetBinaryRequest request;
    BinaryInfo info;
    request.set_build_id(std::string(40, 'e'));
    EXPECT_EQ(stub->GetBinary(&context, request, &info).error_code(),
              grpc::StatusCode::NOT_FOUND);
    grpc::ClientContext bad;
    request.set_build_id("../../etc/passwd");
    EXPECT_EQ(stub->GetBinary(&bad, request, &info).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }

  // PCs of every function's entry and a few past it.
  SymbolizeRequest symbolize;
  symbolize.set_build_id(id);
  const std::string funcs = RunShellCommand(
      dir_.string(),
      absl::StrCat(GentraceCommand(), " funcs --binary=", binary));
  for (absl::string_view row : absl::StrSplit(funcs, '\n')) {
    uint64_t entry = 0;
    const std::vector<absl::string_view> words = absl::StrSplit(row, '\t');
    if (symbolize.pcs_size() < 2000 && words.size() > 1 &&
        absl::SimpleHexAtoi(words[0], &entry)) {
      symbolize.add_pcs(absl::StrCat("0x", absl::Hex(entry + 5)));
    }
  }
  ASSERT_GT(symbolize.pcs_size(), 100) << funcs.substr(0, 200);
  SymbolizeResponse symbolized;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->Symbolize(&context, symbolize, &symbolized).ok());
  }
  EXPECT_EQ(json(symbolized), PostJson("/v1/symbolize", json(symbolize)).body);
  {
    SymbolizeRequest large = symbolize;
    for (int i = 0; i < 5000; ++i) large.add_pcs("0x401000");
    grpc::ClientContext context;
    EXPECT_EQ(stub->Symbolize(&context, large, &symbolized).error_code(),
              grpc::StatusCode::RESOURCE_EXHAUSTED);
  }

  const std::string core = binary + ".core";
  for (const bool text : {false, true}) {
    grpc::ClientContext context;
    TraceResponse traced;
    auto writer = stub->TraceCore(&context, &traced);
    CoreChunk first;
    first.set_build_id(id);
    first.set_text(text);
    const grpc::Status status = stream(writer, ReadFileOrEmpty(core), first);
    ASSERT_TRUE(status.ok()) << status.error_message();
    const Answer http = Curl(absl::StrCat(
        text ? "" : "-H 'Accept: application/x-protobuf' ", "--data-binary @",
        core, " '", Url("/v1/cores?build_id=" + id), "'"));
    const std::string ours =
        text ? traced.text() : traced.trace().SerializeAsString();
    EXPECT_GT(ours.size(), 1000u);
    EXPECT_TRUE(ours == http.body) << (text ? "text" : "the Trace");
  }

  // The core's first thread as a capture (its stack's top, within the
  // request limit), answered as /v1/captures does.
  absl::StatusOr<gentrace::testing::CrashedProgram> crashed =
      gentrace::testing::OpenCrashedProgram(binary, core);
  ASSERT_TRUE(crashed.ok()) << crashed.status();
  ASSERT_FALSE(crashed->core->threads().empty());
  const target::Thread& thread = crashed->core->threads().front();
  std::optional<gentrace::testing::StackWindow> stack =
      gentrace::testing::ReadStackWindow(*crashed->core, thread, 32 << 10);
  ASSERT_TRUE(stack.has_value());
  CaptureRequest unwind;
  unwind.set_build_id(id);
  *unwind.mutable_capture() = gentrace::testing::CaptureMessage(
      crashed->core->arch(), thread.registers, *stack, crashed->core->entry());
  const std::string encoded = (dir_ / "capture.pb").string();
  std::ofstream(encoded, std::ios::binary)
      << unwind.capture().SerializeAsString();
  for (const bool text : {false, true}) {
    grpc::ClientContext context;
    CaptureResponse unwound;
    unwind.set_text(text);
    const grpc::Status status = stub->UnwindCapture(&context, unwind, &unwound);
    ASSERT_TRUE(status.ok()) << status.error_message();
    const Answer http = Curl(absl::StrCat(
        text ? "" : "-H 'Accept: application/x-protobuf' ", "--data-binary @",
        encoded, " '", Url("/v1/captures?build_id=" + id), "'"));
    EXPECT_EQ(http.status, 200);
    const std::string ours =
        text ? unwound.text() : unwound.thread().SerializeAsString();
    EXPECT_TRUE(absl::StrContains(text ? ours : unwound.thread().DebugString(),
                                  "runtime."))
        << ours;
    EXPECT_TRUE(ours == http.body) << (text ? "text" : "the Thread");
  }

  CrashTextRequest crash;
  crash.set_build_id(id);
  crash.set_text(ReadFileOrEmpty(binary + ".crash.txt"));
  Trace read;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->ReadCrashText(&context, crash, &read).ok());
  }
  EXPECT_EQ(json(read),
            Curl(absl::StrCat("--data-binary @", binary, ".crash.txt '",
                              Url("/v1/tracebacks?build_id=" + id), "'"))
                .body);
  EXPECT_NE(read.signature(), "");

  const std::string metrics = Curl(Url("/metrics")).body;
  for (const char* counted : {"{operation=\"upload\",status=\"401\"} 1",
                              "{operation=\"upload\",status=\"201\"} 1",
                              "{operation=\"symbolize\",status=\"200\"} 2",
                              "{operation=\"core\",status=\"200\"} 4",
                              "{operation=\"capture\",status=\"200\"} 4"}) {
    EXPECT_TRUE(absl::StrContains(metrics, counted)) << counted;
  }
  stub.reset();
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

// With --tls-cert and --tls-key, HTTPS and gRPC over TLS: curl and a gRPC
// client that trust the certificate are answered; plain HTTP is not.
TEST_F(ServiceTest, ServesOverTlsWhenGivenACertificate) {
  const std::string cert = (dir_ / "cert.pem").string();
  const std::string key = (dir_ / "key.pem").string();
  RunShellCommand(dir_.string(),
                  absl::StrCat("openssl req -x509 -newkey rsa:2048 -nodes "
                               "-days 1 -subj /CN=127.0.0.1 -addext "
                               "subjectAltName=IP:127.0.0.1 -keyout ",
                               key, " -out ", cert, " 2>/dev/null"));
  std::vector<std::string> flags = {"--tls-cert=" + cert, "--tls-key=" + key};
#if !defined(__SANITIZE_THREAD__)  // gRPC is not instrumented (above)
  flags.push_back("--grpc-listen=127.0.0.1:0");
#endif
  Start(flags);
  const std::string https = absl::StrCat("https://127.0.0.1:", port_);
  const Answer health =
      Curl(absl::StrCat("--cacert ", cert, " ", https, "/healthz"));
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  const Answer added = Curl(absl::StrCat(
      "--cacert ", cert,
      " -X PUT -H 'Authorization: Bearer s3cret-upload' "
      "--data-binary @",
      Binary("go1.27/amd64/stripped"), " ", https, "/v1/binaries"));
  EXPECT_EQ(added.status, 201) << added.body;
  EXPECT_NE(RunShellCommand(dir_.string(),
                            absl::StrCat("sh -c 'curl -s -o /dev/null -w "
                                         "%{http_code} ",
                                         Url("/healthz"), "; true'")),
            "200");
#if !defined(__SANITIZE_THREAD__)
  const std::string line = server_.ReadLine();
  int grpc_port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(line.substr(line.rfind(':') + 1), &grpc_port))
      << line;
  grpc::SslCredentialsOptions trust;
  trust.pem_root_certs = ReadFileOrEmpty(cert);
  std::unique_ptr<Gentrace::Stub> stub = Gentrace::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", grpc_port), grpc::SslCredentials(trust)));
  grpc::ClientContext context;
  GetBinaryRequest request;
  request.set_build_id(gentrace::testing::JsonField(added.body, "gnuBuildId"));
  BinaryInfo info;
  const grpc::Status got = stub->GetBinary(&context, request, &info);
  EXPECT_TRUE(got.ok()) << got.error_message();
  EXPECT_EQ(info.go_build_id(),
            gentrace::testing::JsonField(added.body, "goBuildId"));
  stub.reset();
#endif
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

// The bytes an entry takes in a store (its executable and index).
uint64_t StoreBytes(const std::filesystem::path& store) {
  uint64_t bytes = 0;
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(store / "binaries")) {
    if (e.is_regular_file() && e.path().filename() != "info.json") {
      bytes += e.file_size();
    }
  }
  return bytes;
}

// --store-max-bytes: adding a binary past the quota evicts the least
// recently used one (a request marks its binary used), whole: both its
// build IDs stop resolving and `gentrace store verify` finds nothing wrong.
TEST_F(ServiceTest, EvictsTheLeastRecentlyUsedPastItsQuota) {
  const std::string a = Binary("go1.27/amd64/stripped");
  const std::string b = Binary("go1.24/riscv64/stripped");
  const std::string c = Binary("go1.21/arm64/stripped");
  // Each one's footprint, from a store of its own.
  std::vector<uint64_t> bytes;
  for (const std::string& path : {a, b, c}) {
    const std::filesystem::path scratch =
        dir_ / absl::StrCat("scratch", bytes.size());
    RunShellCommand(dir_.string(),
                    absl::StrCat(GentraceCommand(), " store add --store=",
                                 scratch.string(), " ", path));
    bytes.push_back(StoreBytes(scratch));
    ASSERT_GT(bytes.back(), 0u);
  }
  // Room for any two of them, not for three.
  const uint64_t quota = bytes[0] + std::max(bytes[1], bytes[2]);
  Start({absl::StrCat("--store-max-bytes=", quota)});
  const Answer added_a = Upload(a, "s3cret-upload");
  const Answer added_b = Upload(b, "s3cret-upload");
  ASSERT_EQ(added_a.status, 201);
  ASSERT_EQ(added_b.status, 201);
  usleep(20 * 1000);
  const std::string id_a =
      gentrace::testing::JsonField(added_a.body, "gnuBuildId");
  const Answer used = PostJson(
      "/v1/symbolize",
      absl::StrCat("{\"build_id\":\"", id_a, "\",\"pcs\":[\"0x401000\"]}"));
  EXPECT_EQ(used.status, 200) << used.body;
  usleep(20 * 1000);
  ASSERT_EQ(Upload(c, "s3cret-upload").status, 201);

  const std::string go_b =
      gentrace::testing::JsonField(added_b.body, "goBuildId");
  EXPECT_EQ(Curl(Url("/v1/binaries/" + id_a)).status, 200);
  EXPECT_EQ(Curl(Url("/v1/binaries/" +
                     gentrace::testing::JsonField(added_b.body, "gnuBuildId")))
                .status,
            404);
  EXPECT_EQ(Curl(Url("/v1/binaries/" + go_b)).status, 404);
  EXPECT_LE(StoreBytes(Store()), quota);
  EXPECT_TRUE(absl::StrContains(Curl(Url("/metrics")).body,
                                "\ngentrace_store_evictions_total 1\n"));
  EXPECT_EQ(RunShellCommand(dir_.string(),
                            absl::StrCat(GentraceCommand(),
                                         " store verify --store=", Store())),
            "ok\n");
  // Uploaded again, it is back.
  EXPECT_EQ(Upload(b, "s3cret-upload").status, 201);
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
  // By hand, with room for one binary: the most recently added stays.
  const std::string collected = RunShellCommand(
      dir_.string(),
      absl::StrCat(
          GentraceCommand(), " store gc --store=", Store(),
          " --max-bytes=", *std::max_element(bytes.begin(), bytes.end())));
  EXPECT_TRUE(absl::StartsWith(collected, "removed 0 leftovers\nevicted "))
      << collected;
  EXPECT_EQ(std::count(collected.begin(), collected.end(), '\n'), 2)
      << collected;
  const std::string listed = RunShellCommand(
      dir_.string(),
      absl::StrCat(GentraceCommand(), " store ls --store=", Store()));
  EXPECT_TRUE(absl::StartsWith(listed, go_b + "\t")) << listed;
  EXPECT_EQ(std::count(listed.begin(), listed.end(), '\n'), 1) << listed;
  EXPECT_EQ(RunShellCommand(dir_.string(),
                            absl::StrCat(GentraceCommand(),
                                         " store verify --store=", Store())),
            "ok\n");
}

// The value of a metric without labels in /metrics' text (-1 if absent).
int64_t MetricValue(const std::string& metrics, const std::string& name) {
  const std::string key = "\n" + name + " ";
  const size_t at = metrics.find(key);
  int64_t value = -1;
  if (at != std::string::npos) {
    const size_t start = at + key.size();
    if (!absl::SimpleAtoi(
            metrics.substr(start, metrics.find('\n', start) - start), &value)) {
      value = -1;
    }
  }
  return value;
}

// --max-open-bytes bounds the binaries held open between requests: past it
// the least recently used one is let go, and opened again when asked for,
// with the same answers.
TEST_F(ServiceTest, HoldsBinariesOpenWithinMaxOpenBytes) {
  Start({"--max-open-bytes=1"});  // one binary, whatever its size
  std::vector<std::string> ids;
  for (const char* name :
       {"go1.27/amd64/stripped", "go1.24/riscv64/stripped"}) {
    const Answer added = Upload(Binary(name), "s3cret-upload");
    ASSERT_EQ(added.status, 201) << added.body;
    ids.push_back(gentrace::testing::JsonField(added.body, "goBuildId"));
  }
  const auto symbolize = [&](const std::string& id) {
    const Answer answer =
        PostJson("/v1/symbolize", absl::StrCat("{\"build_id\":\"", id,
                                               "\",\"pcs\":[\"0x401000\",",
                                               "\"0x10000\",\"0x41a000\"]}"));
    EXPECT_EQ(answer.status, 200) << answer.body;
    return answer.body;
  };
  struct Held {
    int64_t binaries, bytes, hits, misses;
  };
  const auto held = [&] {
    const std::string metrics = Curl(Url("/metrics")).body;
    return Held{MetricValue(metrics, "gentrace_open_binaries"),
                MetricValue(metrics, "gentrace_open_binary_bytes"),
                MetricValue(metrics, "gentrace_open_binary_hits_total"),
                MetricValue(metrics, "gentrace_open_binary_misses_total")};
  };
  const std::string first = symbolize(ids[0]);
  EXPECT_TRUE(absl::StrContains(first, "\"function\"")) << first;
  const Held a = held();
  EXPECT_EQ(a.binaries, 1);
  EXPECT_GT(a.bytes, 0);
  EXPECT_EQ(symbolize(ids[0]), first);
  EXPECT_EQ(held().hits, a.hits + 1);
  symbolize(ids[1]);
  const Held b = held();
  EXPECT_EQ(b.binaries, 1) << "the first is let go";
  EXPECT_NE(b.bytes, a.bytes) << "the second is held instead";
  EXPECT_EQ(b.misses, a.misses + 1);
  EXPECT_EQ(symbolize(ids[0]), first) << "opened again, the same answer";
  EXPECT_EQ(held().misses, b.misses + 1);
  EXPECT_EQ(held().bytes, a.bytes);
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

// Requests for a binary not held open yet, all at once: one opens it, the
// others wait for it, and all are answered alike.
TEST_F(ServiceTest, ABurstForAColdBinaryOpensItOnce) {
  Start();
  const Answer added =
      Upload(Binary("go1.27/amd64/goroutines"), "s3cret-upload");
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string request = (dir_ / "request.json").string();
  std::ofstream(request) << absl::StrCat(
      "{\"build_id\":\"", gentrace::testing::JsonField(added.body, "goBuildId"),
      "\",\"pcs\":[\"0x401000\",\"0x402000\"]}");
  constexpr int kBurst = 8;
  RunShellCommand(
      dir_.string(),
      absl::StrCat("sh -c 'for i in $(seq ", kBurst, "); do curl -s -o ",
                   (dir_ / "answer").string(), ".$i --data-binary @", request,
                   " ", Url("/v1/symbolize"), " & done; wait'"));
  const std::string first = ReadFileOrEmpty((dir_ / "answer.1").string());
  EXPECT_TRUE(absl::StartsWith(first, "{\"results\":[")) << first;
  for (int i = 2; i <= kBurst; ++i) {
    EXPECT_EQ(ReadFileOrEmpty((dir_ / absl::StrCat("answer.", i)).string()),
              first);
  }
  const std::string metrics = Curl(Url("/metrics")).body;
  EXPECT_EQ(MetricValue(metrics, "gentrace_binary_opens_total"), 1) << metrics;
  EXPECT_EQ(MetricValue(metrics, "gentrace_open_binary_hits_total") +
                MetricValue(metrics, "gentrace_open_binary_misses_total"),
            kBurst);
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

// SIGTERM while a core is still being uploaded: that request is answered
// in full, as `gentrace core` prints it, and the server then exits cleanly.
TEST_F(ServiceTest, SigtermLetsRequestsInFlightFinish) {
  Start();
  const std::string binary = Binary("go1.27/amd64/goroutines");
  const std::string core = binary + ".core";
  const Answer added = Upload(binary, "s3cret-upload");
  ASSERT_EQ(added.status, 201) << added.body;
  // The core takes about two seconds to upload.
  const uint64_t rate = std::filesystem::file_size(core) / 2;
  const std::string answer = (dir_ / "in-flight.txt").string();
  std::string status;
  std::thread client([&] {
    status = RunShellCommand(
        dir_.string(),
        absl::StrCat("curl -sS --limit-rate ", rate, " -o ", answer,
                     " -w '%{http_code}' --data-binary @", core, " '",
                     Url("/v1/cores?build_id=" +
                         gentrace::testing::JsonField(added.body, "goBuildId")),
                     "'"));
  });
  usleep(500 * 1000);
  const pid_t server = server_.pid();
  kill(server, SIGTERM);
  client.join();
  EXPECT_EQ(status, "200");
  const std::string theirs = RunShellCommand(
      dir_.string(), absl::StrCat(GentraceCommand(), " core --binary=", binary,
                                  " --core=", core));
  EXPECT_GT(theirs.size(), 1000u);
  EXPECT_TRUE(ReadFileOrEmpty(answer) == theirs)
      << gentrace::testing::FirstDifference(ReadFileOrEmpty(answer), theirs);
  // It exits by itself: the signal below is one more, blocked and pending.
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

// --work-timeout: a core whose goroutines are not all listed in time is
// answered 503, saying why, its staged copy removed; the server answers
// on, and a core within its time is answered as before.
TEST_F(ServiceTest, GivesUpOnACoreAtItsWorkTimeout) {
  Start({"--work-timeout=0.000001"});
  const std::string binary = Binary("go1.27/amd64/goroutines");
  const Answer added = Upload(binary, "s3cret-upload");
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string path = "/v1/cores?build_id=" + gentrace::testing::JsonField(
                                                       added.body, "goBuildId");
  const Answer core = PostFile(binary + ".core", path);
  EXPECT_EQ(core.status, 503) << core.body.substr(0, 300);
  EXPECT_EQ(core.body,
            "{\"error\":\"the trace took longer than 1us (--work-timeout): "
            "past the deadline with 0 goroutines listed\"}");
  EXPECT_EQ(Curl(Url("/healthz")).status, 200);
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "store" / "tmp"));
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
  Start({"--work-timeout=60"});
  const Answer in_time = PostFile(binary + ".core", path);
  EXPECT_EQ(in_time.status, 200);
  EXPECT_TRUE(
      in_time.body ==
      RunShellCommand(dir_.string(),
                      absl::StrCat(GentraceCommand(), " core --binary=", binary,
                                   " --core=", binary, ".core")));
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

// With no flags at all: loopback port 8390, a store under the user's
// cache directory, uploads from loopback without a token.
TEST_F(ServiceTest, ServesWithNoFlagsAtAll) {
  const std::filesystem::path home = dir_ / "home";
  std::vector<std::string> env = gentrace::testing::SanitizerEnvironment();
  env.push_back("HOME=" + home.string());
  ASSERT_TRUE(server_.Start(GentraceCommand(), {"serve"}, env,
                            (dir_ / "serve.stderr").string()));
  const std::string line = server_.ReadLine();
  if (line.empty()) {
    const std::string why = ReadFileOrEmpty((dir_ / "serve.stderr").string());
    if (absl::StrContains(why, "8390")) {
      GTEST_SKIP() << "port 8390 is taken here: " << why;
    }
    FAIL() << why;
  }
  const std::string store = (home / ".cache/gentrace/store").string();
  EXPECT_EQ(line, absl::StrCat("gentrace serve: listening on "
                               "http://127.0.0.1:8390, store ",
                               store));
  port_ = 8390;
  const std::string binary = Binary("go1.27/amd64/stripped");
  const Answer added = Curl(
      absl::StrCat("-X PUT --data-binary @", binary, " ", Url("/v1/binaries")));
  EXPECT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(Curl(Url("/v1/binaries/" +
                     gentrace::testing::JsonField(added.body, "goBuildId")))
                .body,
            added.body);
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
  EXPECT_EQ(RunShellCommand(dir_.string(),
                            absl::StrCat(GentraceCommand(),
                                         " store verify --store=", store)),
            "ok\n");
}

// A connection to `port` on loopback that has sent a request's headers
// but not its body: the server's thread for it waits on the body. -1 if
// it could not connect.
int HoldConnection(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in address = LoopbackAddress(port);
  constexpr absl::string_view kHeaders =
      "POST /v1/symbolize HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Length: 1000\r\n\r\n{";
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address),
              sizeof(address)) != 0 ||
      write(fd, kHeaders.data(), kHeaders.size()) !=
          static_cast<ssize_t>(kHeaders.size())) {
    close(fd);
    return -1;
  }
  return fd;
}

// --threads=N serves N connections at once: with one thread, a client
// holding its connection keeps the next one waiting until it lets go;
// with two, the next is served meanwhile.
TEST_F(ServiceTest, ServesAsManyConnectionsAtOnceAsItHasThreads) {
  for (const int threads : {1, 2}) {
    SCOPED_TRACE(absl::StrCat("--threads=", threads));
    gentrace::testing::ChildProcess server;
    const std::string url =
        gentrace::testing::StartService(server,
                                        {absl::StrCat("--store=", Store()),
                                         absl::StrCat("--threads=", threads)},
                                        (dir_ / "serve.stderr").string());
    ASSERT_FALSE(url.empty())
        << ReadFileOrEmpty((dir_ / "serve.stderr").string());
    ASSERT_TRUE(absl::SimpleAtoi(url.substr(url.rfind(':') + 1), &port_));
    // The status of /healthz within `seconds` ("000": none).
    const auto healthz = [&](int seconds) {
      return RunShellCommand(
          dir_.string(),
          absl::StrCat("sh -c 'curl -s -o /dev/null -w %{http_code} ",
                       "--max-time ", seconds, " ", Url("/healthz"),
                       " || true'"));
    };
    const int held = HoldConnection(port_);
    ASSERT_GE(held, 0);
    EXPECT_EQ(healthz(threads == 1 ? 2 : 30), threads == 1 ? "000" : "200");
    close(held);
    EXPECT_EQ(healthz(30), "200");
    EXPECT_EQ(server.Stop(SIGTERM), 0)
        << ReadFileOrEmpty((dir_ / "serve.stderr").string());
  }
}

// A flag it cannot read stops the server before it listens, naming the
// flag; a decimal number of seconds is read as one.
TEST_F(ServiceTest, RefusesFlagsItCannotRead) {
  const std::pair<std::string, std::string> kRefused[] = {
      {"--work-timeout=0", "--work-timeout: not a number of seconds"},
      {"--request-timeout=soon", "--request-timeout: not a number of seconds"},
      {"--request-timeout=2e6", "--request-timeout: not a number of seconds"},
      {"--threads=0", "--threads: not a positive number"},
      {"--max-core-bytes=-1", "--max-core-bytes: not a positive number"},
      {"--listen=8390", "--listen: not HOST:PORT"},
      {"--listen=0.0.0.0:0", "--listen beyond loopback needs"},
      {"--tls-cert=cert.pem", "--tls-cert and --tls-key go together"},
  };
  for (const auto& [flag, message] : kRefused) {
    const std::string said = RunShellCommand(
        dir_.string(),
        absl::StrCat("sh -c '", GentraceCommand(), " serve --store=", Store(),
                     " ", flag, " 2>&1; echo $?'"));
    EXPECT_TRUE(absl::StrContains(said, message)) << flag << ": " << said;
    EXPECT_FALSE(absl::StartsWith(said, "gentrace serve: listening"))
        << flag << ": " << said;
    EXPECT_NE(said.substr(said.rfind('\n', said.size() - 2) + 1), "0\n")
        << flag << ": " << said;
  }
  Start({"--request-timeout=0.5", "--work-timeout=2.5"});
  EXPECT_EQ(Curl(Url("/healthz")).status, 200);
}

// A request of more PCs than the service looks up at once (2^20) is
// refused whole, before any is looked up: /v1/symbolize and symbolz.
TEST_F(ServiceTest, RefusesMoreThanAMillionPcsARequest) {
  Start();
  const Answer added = Upload(Binary("go1.27/amd64/stripped"), "s3cret-upload");
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string id = gentrace::testing::JsonField(added.body, "goBuildId");
  constexpr size_t kTooMany = (size_t{1} << 20) + 1;
  std::string pcs;
  for (size_t i = 0; i < kTooMany; ++i) {
    absl::StrAppend(&pcs, i ? "," : "", "\"0x1\"");
  }
  const Answer json =
      PostJson("/v1/symbolize",
               absl::StrCat("{\"build_id\":\"", id, "\",\"pcs\":[", pcs, "]}"));
  EXPECT_EQ(json.status, 413);
  EXPECT_EQ(json.body,
            "{\"error\":\"1048577 PCs: at most 1048576 in a request\"}")
      << json.body.substr(0, 200);
  std::string addresses;
  for (size_t i = 0; i < kTooMany; ++i) {
    absl::StrAppend(&addresses, i ? "+" : "", "0x1");
  }
  const std::string body = (dir_ / "addresses").string();
  std::ofstream(body) << addresses;
  const Answer symbolz =
      Curl(absl::StrCat("--data-binary @", body, " ",
                        Url("/v1/binaries/" + id + "/pprof/symbol")));
  EXPECT_EQ(symbolz.status, 413) << symbolz.body.substr(0, 200);
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

// kill -9 of a replica in the middle of an upload: the other replica
// answers on; the killed one's store holds only whole entries (the upload
// is a leftover in tmp/), and restarted it removes the leftover, `gentrace
// store verify` finds nothing wrong, and the upload can be made again.
TEST_F(ServiceTest, AReplicaKilledMidUploadLeavesItsStoreWhole) {
  const std::string held = Binary("go1.27/amd64/stripped");
  const std::string uploaded = Binary("go1.27/amd64/default");
  Start();
  const Answer added = Upload(held, "s3cret-upload");
  ASSERT_EQ(added.status, 201);
  const std::string held_id =
      gentrace::testing::JsonField(added.body, "gnuBuildId");
  gentrace::testing::ChildProcess replica;
  const std::string b_url = StartReplica(replica);
  ASSERT_FALSE(b_url.empty());
  ASSERT_EQ(Curl(b_url + "/v1/binaries/" + held_id).status, 200);

  // The upload, slowed down, in the background; A killed once part of it
  // is on A's disk.
  RunShellCommand(
      dir_.string(),
      absl::StrCat("curl -sS --limit-rate 256K -X PUT -H 'Authorization: "
                   "Bearer s3cret-upload' --data-binary @",
                   uploaded, " ", Url("/v1/binaries"),
                   " >/dev/null 2>&1 </dev/null &"));
  const std::filesystem::path tmp = dir_ / "store" / "tmp";
  bool partial = false;
  for (int i = 0; i < 200 && !partial; ++i) {
    usleep(50 * 1000);
    for (const auto& e : std::filesystem::directory_iterator(tmp)) {
      partial |= e.is_regular_file() && e.file_size() > 0;
    }
  }
  ASSERT_TRUE(partial) << "the upload never reached the store";
  const int killed = server_.Stop(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(killed) && WTERMSIG(killed) == SIGKILL) << killed;

  // B answers on.
  const std::string request = (dir_ / "b_request.json").string();
  std::ofstream(request) << absl::StrCat("{\"build_id\":\"", held_id,
                                         "\",\"pcs\":[\"0x401000\"]}");
  const Answer from_b = Curl(
      absl::StrCat("--data-binary @", request, " ", b_url, "/v1/symbolize"));
  EXPECT_EQ(from_b.status, 200) << from_b.body;

  const std::string verify =
      absl::StrCat(GentraceCommand(), " store verify --store=", Store());
  const std::string before = RunShellCommand(
      dir_.string(), absl::StrCat("sh -c '", verify, " 2>/dev/null; true'"));
  EXPECT_TRUE(absl::StrContains(before, "tmp/upload-")) << before;
  EXPECT_FALSE(absl::StrContains(before, "binaries/")) << before;

  Start();
  EXPECT_EQ(RunShellCommand(dir_.string(), verify), "ok\n");
  EXPECT_EQ(Curl(Url("/v1/binaries/" + held_id)).status, 200);
  EXPECT_EQ(Upload(uploaded, "s3cret-upload").status, 201);
  EXPECT_EQ(replica.Stop(SIGTERM), 0);
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

// An index of a format this gentrace no longer reads, as a store written
// by an older release holds, is built again: by `gentrace store gc`, and
// by the service the first time it opens the entry. Either way the answers
// are the CLI's and `store verify` then finds nothing wrong.
TEST_F(ServiceTest, BuildsAgainIndexesItCannotRead) {
  const std::string path = Binary("go1.27/amd64/stripped");
  const std::string store = absl::StrCat(" --store=", Store());
  RunShellCommand(dir_.string(),
                  absl::StrCat(GentraceCommand(), " store add ", path, store));
  std::vector<std::filesystem::path> indexes;
  for (const auto& e :
       std::filesystem::directory_iterator(dir_ / "store" / "binaries")) {
    indexes.push_back(e.path() / "executable.gtindex");
  }
  ASSERT_EQ(indexes.size(), 1u);
  // The format's version is the u32 at byte 8.
  auto make_old = [&] {
    std::string bytes = ReadFileOrEmpty(indexes[0].string());
    ASSERT_GT(bytes.size(), 12u);
    bytes[8] = static_cast<char>(symtab::SymbolIndex::kVersion - 1);
    std::ofstream(indexes[0], std::ios::binary | std::ios::trunc) << bytes;
  };
  const std::string verify =
      absl::StrCat(GentraceCommand(), " store verify", store);
  auto verified = [&] {
    return RunShellCommand(dir_.string(),
                           absl::StrCat("sh -c '", verify, " 2>&1; true'"));
  };

  make_old();
  EXPECT_TRUE(absl::StrContains(verified(), "symbol index version"))
      << verified();
  const std::string gc = RunShellCommand(
      dir_.string(), absl::StrCat(GentraceCommand(), " store gc", store));
  EXPECT_TRUE(absl::StrContains(gc, "reindexed ")) << gc;
  EXPECT_EQ(verified(), "ok\n");

  make_old();
  Start();
  const std::string cli = RunShellCommand(
      dir_.string(), absl::StrCat(GentraceCommand(),
                                  " symbolize --format=json --binary=", path,
                                  " --index=none 0x401000 0x402000"));
  // `store ls`: the Go build ID first.
  const std::string listed = RunShellCommand(
      dir_.string(), absl::StrCat(GentraceCommand(), " store ls", store));
  const Answer answer = PostJson(
      "/v1/symbolize",
      absl::StrCat("{\"buildId\":\"", listed.substr(0, listed.find('\t')),
                   "\",\"pcs\":[\"0x401000\",\"0x402000\"]}"));
  ASSERT_EQ(answer.status, 200) << answer.body;
  std::vector<absl::string_view> lines =
      absl::StrSplit(cli, '\n', absl::SkipEmpty());
  EXPECT_EQ(answer.body,
            absl::StrCat("{\"results\":[", absl::StrJoin(lines, ","), "]}"));
  EXPECT_EQ(verified(), "ok\n");
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

// An index that cannot be built again (here, the store's tmp/ is not a
// directory) is tried once: the pclntab answers, and a later open of the
// same entry (after the binary was let go) does not try again, even once
// the store could take it; `store gc` then does.
TEST_F(ServiceTest, TriesOnceToBuildAnIndexItCannotRead) {
  const std::string store = absl::StrCat(" --store=", Store());
  std::vector<std::string> build_ids;
  for (const char* build : {"go1.27/amd64/stripped", "go1.26/amd64/stripped"}) {
    RunShellCommand(
        dir_.string(),
        absl::StrCat(GentraceCommand(), " store add ", Binary(build), store));
  }
  const std::string listed = RunShellCommand(
      dir_.string(), absl::StrCat(GentraceCommand(), " store ls", store));
  for (absl::string_view line :
       absl::StrSplit(listed, '\n', absl::SkipEmpty())) {
    build_ids.emplace_back(line.substr(0, line.find('\t')));
  }
  ASSERT_EQ(build_ids.size(), 2u) << listed;
  for (const auto& e :
       std::filesystem::directory_iterator(dir_ / "store" / "binaries")) {
    const std::filesystem::path index = e.path() / "executable.gtindex";
    std::string bytes = ReadFileOrEmpty(index.string());
    ASSERT_GT(bytes.size(), 12u);
    bytes[8] = static_cast<char>(symtab::SymbolIndex::kVersion - 1);
    std::ofstream(index, std::ios::binary | std::ios::trunc) << bytes;
  }
  auto stale_indexes = [&] {
    const std::string verified = RunShellCommand(
        dir_.string(), absl::StrCat("sh -c '", GentraceCommand(),
                                    " store verify", store, " 2>&1; true'"));
    int stale = 0;
    for (absl::string_view line : absl::StrSplit(verified, '\n')) {
      stale += absl::StrContains(line, "symbol index version");
    }
    return stale;
  };
  ASSERT_EQ(stale_indexes(), 2);

  // One binary held open at a time: each request for the other reopens.
  Start({"--max-open-bytes=1"});
  const std::filesystem::path tmp = dir_ / "store" / "tmp";
  std::filesystem::remove_all(tmp);
  std::ofstream(tmp) << "not a directory\n";
  auto symbolize = [&](const std::string& build_id) {
    return PostJson("/v1/symbolize", absl::StrCat("{\"buildId\":\"", build_id,
                                                  "\",\"pcs\":[\"0x401000\"]}"))
        .status;
  };
  EXPECT_EQ(symbolize(build_ids[0]), 200);
  std::filesystem::remove(tmp);
  std::filesystem::create_directory(tmp);
  EXPECT_EQ(symbolize(build_ids[1]), 200);  // rebuilt: tmp/ is back
  EXPECT_EQ(symbolize(build_ids[0]), 200);  // reopened, not rebuilt
  EXPECT_EQ(stale_indexes(), 1);
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
  const std::string gc = RunShellCommand(
      dir_.string(), absl::StrCat(GentraceCommand(), " store gc", store));
  EXPECT_TRUE(absl::StrContains(gc, "reindexed ")) << gc;
  EXPECT_EQ(stale_indexes(), 0);
}

// With --read-token-file every operation but the liveness check needs the
// read token; a core over --max-core-bytes is refused; each request is one
// JSON line of the access log (stderr), in the order answered.
TEST_F(ServiceTest, GuardsReadsAndLogsEachRequest) {
  std::ofstream(dir_ / "read_token") << "s3cret-read\n";
  Start({"--read-token-file=" + (dir_ / "read_token").string(),
         "--max-core-bytes=65536"});
  const std::string binary = Binary("go1.27/amd64/goroutines");
  const Answer added = Upload(binary, "s3cret-upload");
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string id = gentrace::testing::JsonField(added.body, "goBuildId");
  const std::string read = "-H 'Authorization: Bearer s3cret-read' ";
  EXPECT_EQ(Curl(Url("/v1/binaries/" + id)).status, 401);
  EXPECT_EQ(Curl("-H 'Authorization: Bearer s3cret-reae' " +
                 Url("/v1/binaries/" + id))
                .status,
            401);
  EXPECT_EQ(Curl(read + Url("/v1/binaries/" + id)).body, added.body);
  EXPECT_EQ(Curl(Url("/metrics")).status, 401);
  EXPECT_EQ(Curl(read + Url("/metrics")).status, 200);
  EXPECT_EQ(Curl(Url("/healthz")).status, 200);
  const Answer core =
      Curl(absl::StrCat(read, "--data-binary @", binary, ".core '",
                        Url("/v1/cores?build_id=" + id), "'"));
  EXPECT_EQ(core.status, 413) << core.body;
  EXPECT_EQ(server_.Stop(SIGTERM), 0);

  std::vector<std::string> logged;
  for (absl::string_view line : absl::StrSplit(
           ReadFileOrEmpty((dir_ / "serve.stderr").string()), '\n')) {
    if (absl::StartsWith(line, "{")) logged.emplace_back(line);
  }
  const auto line = [](const char* method, const char* path, int status) {
    return absl::StrCat("{\"method\":\"", method, "\",\"path\":\"", path,
                        "\",\"status\":", status, ",\"remote\":\"127.0.0.1\"}");
  };
  const std::string binary_path = "/v1/binaries/" + id;
  EXPECT_EQ(logged, (std::vector<std::string>{
                        line("PUT", "/v1/binaries", 201),
                        line("GET", binary_path.c_str(), 401),
                        line("GET", binary_path.c_str(), 401),
                        line("GET", binary_path.c_str(), 200),
                        line("GET", "/metrics", 401),
                        line("GET", "/metrics", 200),
                        line("GET", "/healthz", 200),
                        line("POST", "/v1/cores", 413),
                    }));
}

TEST_F(ServiceTest, HostileRequestsGetTheirStatusAndTheServerServesOn) {
  Start({"--max-request-bytes=65536", "--max-upload-bytes=4000000",
         "--request-timeout=1"});
  const std::string binary = Binary("go1.27/amd64/stripped");
  const Answer added = Upload(binary, "s3cret-upload");
  ASSERT_EQ(added.status, 201);
  const std::string id = gentrace::testing::JsonField(added.body, "gnuBuildId");
  // A load of good requests meanwhile (200 symbolizations, one after the
  // other, in the background): every one answered.
  const std::string load = (dir_ / "load.txt").string();
  const std::string good = (dir_ / "good.json").string();
  std::ofstream(good) << absl::StrCat("{\"buildId\":\"", id,
                                      "\",\"pcs\":[\"0x401000\"]}");
  constexpr int kLoad = 200;
  RunShellCommand(
      dir_.string(),
      absl::StrCat("sh -c 'for i in $(seq ", kLoad,
                   "); do curl -s -o /dev/null -w \"%{http_code}\\n\" "
                   "--data-binary @",
                   good, " ", Url("/v1/symbolize"), "; done >", load,
                   ".part; mv ", load, ".part ", load,
                   "' >/dev/null 2>&1 </dev/null &"));
  const std::string garbage = (dir_ / "garbage").string();
  std::ofstream(garbage) << std::string(5000, 'x');
  const std::string huge = (dir_ / "huge").string();
  std::ofstream(huge) << std::string(5000000, '\x7f');
  struct Case {
    const char* what;
    Answer answer;
    int status;
  };
  const Case cases[] = {
      {"malformed JSON", PostJson("/v1/symbolize", "{\"buildId\":"), 400},
      {"an unknown field", PostJson("/v1/symbolize", "{\"nope\":1}"), 400},
      {"a PC that is no hex",
       PostJson("/v1/symbolize",
                absl::StrCat("{\"buildId\":\"", id, "\",\"pcs\":[\"0xq\"]}")),
       400},
      {"a build ID with ../",
       PostJson("/v1/symbolize", "{\"buildId\":\"../../etc\",\"pcs\":[]}"),
       400},
      {"an unknown build ID",
       PostJson("/v1/symbolize", "{\"buildId\":\"abcd\",\"pcs\":[]}"), 404},
      {"a request over --max-request-bytes",
       PostJson("/v1/symbolize",
                absl::StrCat("{\"buildId\":\"", id, "\",\"pcs\":[\"",
                             std::string(70000, '1'), "\"]}")),
       413},
      {"an upload that is no binary", Upload(garbage, "s3cret-upload"), 400},
      {"an upload over --max-upload-bytes", Upload(huge, "s3cret-upload"), 413},
      {"an upload without the token", Upload(binary, ""), 401},
      {"another binary under a stored build ID",
       Upload(*root_ + "/reports/go1.27/386/throw/prog", "s3cret-upload"), 201},
      {"... and another binary under its build IDs (-B gobuildid)",
       Upload(*root_ + "/reports/go1.27/arm64/throw/prog", "s3cret-upload"),
       409},
      {"a SymbolizeRequest in protobuf's binary encoding, not JSON",
       Curl(absl::StrCat("-H 'Content-Type: application/x-protobuf' ",
                         "--data-binary @", garbage, " ",
                         Url("/v1/symbolize"))),
       400},
      {"a capture that is neither encoding",
       Curl(absl::StrCat("-H 'Content-Type: application/x-protobuf' ",
                         "--data-binary @", garbage, " '",
                         Url("/v1/captures?build_id=" + id), "'")),
       400},
      {"a body to no operation",
       Curl(absl::StrCat("--data-binary @", huge, " ", Url("/v1/nothing"))),
       404},
      {"a build ID path with ../",
       Curl(absl::StrCat("--path-as-is ", Url("/v1/binaries/../../etc"))), 400},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.answer.status, c.status) << c.what << ": " << c.answer.body;
    if (c.status >= 400) {
      EXPECT_NE(gentrace::testing::JsonField(c.answer.body, "error"), "")
          << c.what;
    }
  }
  // A client that promises more than it sends, then hangs up (bash's
  // /dev/tcp).
  const std::string cut = (dir_ / "cut_upload.sh").string();
  std::ofstream(cut) << "exec 3<>/dev/tcp/127.0.0.1/" << port_ << "\n"
                     << "printf 'PUT /v1/binaries HTTP/1.1\\r\\nHost: x\\r\\n"
                        "Authorization: Bearer s3cret-upload\\r\\n"
                        "Content-Length: 1000000\\r\\n\\r\\nELF' >&3\n"
                     << "exec 3>&-\n";
  RunShellCommand(dir_.string(), "bash " + cut);
  EXPECT_EQ(Curl(Url("/healthz")).status, 200);
  // A client that trickles its body a byte at a time, so that no read
  // times out: answered 408 once --request-timeout (1 s) has passed.
  const std::string trickle = (dir_ / "trickle.py").string();
  std::ofstream(trickle)
      << "import select, socket, time\n"
      << "s = socket.create_connection(('127.0.0.1', " << port_ << "))\n"
      << "s.sendall(b'POST /v1/symbolize HTTP/1.1\\r\\nHost: x\\r\\n'\n"
      << "          b'Content-Length: 60000\\r\\n\\r\\n')\n"
      << "start, got = time.time(), b''\n"
      << "while time.time() - start < 20 and not got:\n"
      << "    if select.select([s], [], [], 0.1)[0]:\n"
      << "        got = s.recv(4096)\n"
      << "    else:\n"
      << "        s.sendall(b' ')\n"
      << "print(got.split(b'\\r\\n')[0].decode(), int(time.time() - start))\n";
  const std::vector<std::string> trickled = absl::StrSplit(
      absl::StripSuffix(RunShellCommand(dir_.string(), "python3 " + trickle),
                        "\n"),
      ' ');
  ASSERT_GE(trickled.size(), 3u);
  EXPECT_EQ(trickled[1], "408");
  int seconds = 0;
  EXPECT_TRUE(absl::SimpleAtoi(trickled.back(), &seconds) && seconds >= 1 &&
              seconds < 10)
      << trickled.back();
  EXPECT_EQ(Curl(Url("/v1/binaries/" + id)).body, added.body);
  // Once the server has seen the hang-up, nothing is left half-made.
  std::string verified;
  for (int attempt = 0; attempt < 50 && verified != "ok\n"; ++attempt) {
    verified = RunShellCommand(
        dir_.string(),
        absl::StrCat("sh -c '", GentraceCommand(),
                     " store verify --store=", Store(), " || true'"));
    if (verified != "ok\n") usleep(100 * 1000);
  }
  EXPECT_EQ(verified, "ok\n");
  for (int wait = 0; wait < 600 && !std::filesystem::exists(load); ++wait) {
    usleep(100 * 1000);
  }
  const std::string answered = ReadFileOrEmpty(load);
  EXPECT_EQ(std::count(answered.begin(), answered.end(), '\n'), kLoad);
  EXPECT_EQ(answered.find_first_not_of("200\n"), std::string::npos) << answered;
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace gentrace
