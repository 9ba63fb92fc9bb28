// gentrace serve, started by each test on a free loopback port over an
// empty store and stopped at its end, against real clients: curl, and
// elfutils' debuginfod-find. Its answers are the CLI's: /v1/symbolize of
// every PC addr2line was asked about in a fixture binary (stripped and
// not, several releases and GOARCHes) is `gentrace symbolize
// --format=json` of the same PCs, byte for byte; the debuginfod endpoint
// gives back the uploaded file. Hostile requests get their status and
// leave the store whole, and SIGTERM ends the server cleanly. /v1/cores of
// fixture cores (several releases and GOARCHes, PIE, stripped, a signal
// report, defers, a cgo crash with C frames) is `gentrace core`'s output.
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "tests/testing/child_process.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/shell_command.h"

namespace gentrace {
namespace {

using gentrace::testing::GentraceCommand;
using gentrace::testing::ReadFileOrEmpty;
using gentrace::testing::RunShellCommand;

// Binaries of several releases and GOARCHes, stripped and not.
constexpr const char* kBinaries[] = {
    "go1.19/amd64/stripped",   "go1.21/arm64/stripped", "go1.23/386/default",
    "go1.24/riscv64/stripped", "go1.27/amd64/stripped", "go1.27/amd64/default",
    "go1.27/ppc64/stripped",
};

struct Answer {
  int status = 0;
  std::string body;
};

// The value of a JSON string field in `json` ("" when absent).
std::string JsonField(const std::string& json, const std::string& name) {
  const std::string key = absl::StrCat("\"", name, "\":\"");
  const size_t at = json.find(key);
  if (at == std::string::npos) return "";
  const size_t start = at + key.size();
  return json.substr(start, json.find('"', start) - start);
}

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
        "serve", "--listen=127.0.0.1:0", "--store=" + Store(),
        "--upload-token-file=" + (dir_ / "token").string()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    ASSERT_TRUE(server_.Start(GentraceCommand(), argv, {},
                              (dir_ / "serve.stderr").string()));
    const std::string line = server_.ReadLine();
    const size_t colon = line.rfind(':'), comma = line.find(',', colon);
    ASSERT_TRUE(
        colon != std::string::npos && comma != std::string::npos &&
        absl::SimpleAtoi(line.substr(colon + 1, comma - colon - 1), &port_))
        << line << ReadFileOrEmpty((dir_ / "serve.stderr").string());
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

TEST_F(ServiceTest, StoresBinariesUnderEitherBuildId) {
  Start();
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
    const std::string go_id = JsonField(info, "goBuildId");
    ASSERT_FALSE(go_id.empty());
    EXPECT_EQ(JsonField(added.body, "goBuildId"), go_id);
    EXPECT_EQ(JsonField(added.body, "gnuBuildId"),
              JsonField(info, "gnuBuildId"));
    EXPECT_EQ(JsonField(added.body, "goVersion"), JsonField(info, "goVersion"));
    EXPECT_EQ(JsonField(added.body, "goarch"), JsonField(info, "arch"));
    const Answer by_go = Curl(Url("/v1/binaries/" + go_id));
    EXPECT_EQ(by_go.status, 200);
    EXPECT_EQ(by_go.body, added.body);
    if (const std::string gnu = JsonField(info, "gnuBuildId"); !gnu.empty()) {
      EXPECT_EQ(Curl(Url("/v1/binaries/" + gnu)).body, added.body);
    }
  }
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
          absl::StrCat("{\"buildId\":\"", JsonField(added.body, "goBuildId"),
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

// The module's path in a trace's JSON: the service's copy of the binary
// is elsewhere than the CLI's.
std::string WithoutModulePath(std::string json) {
  const size_t at = json.find("\"path\":\"");
  if (at == std::string::npos) return json;
  const size_t end = json.find('"', at + 8);
  return json.erase(at, end + 1 - at);
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
    const std::string gnu = JsonField(added.body, "gnuBuildId");
    const std::string url = Url(absl::StrCat(
        "/v1/cores?build_id=",
        gnu.empty() ? JsonField(added.body, "goBuildId") : gnu,
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
    EXPECT_TRUE(WithoutModulePath(json.body) == WithoutModulePath(theirs_json))
        << gentrace::testing::FirstDifference(WithoutModulePath(json.body),
                                              WithoutModulePath(theirs_json));
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
  EXPECT_EQ(Curl(absl::StrCat("--data-binary @", garbage, " '",
                              Url("/v1/cores?build_id=" +
                                  JsonField(upload.body, "goBuildId")),
                              "'"))
                .status,
            400);
  EXPECT_EQ(RunShellCommand(dir_.string(),
                            absl::StrCat(GentraceCommand(),
                                         " store verify --store=", Store())),
            "ok\n")
      << "no core is left in the store";
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
    const std::string id = JsonField(info, "gnuBuildId");
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

TEST_F(ServiceTest, HostileRequestsGetTheirStatusAndTheServerServesOn) {
  Start({"--max-request-bytes=65536", "--max-upload-bytes=4000000"});
  const std::string binary = Binary("go1.27/amd64/stripped");
  const Answer added = Upload(binary, "s3cret-upload");
  ASSERT_EQ(added.status, 201);
  const std::string id = JsonField(added.body, "gnuBuildId");
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
      {"a body to no operation",
       Curl(absl::StrCat("--data-binary @", huge, " ", Url("/v1/nothing"))),
       404},
      {"a build ID path with ../",
       Curl(absl::StrCat("--path-as-is ", Url("/v1/binaries/../../etc"))), 400},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.answer.status, c.status) << c.what << ": " << c.answer.body;
    if (c.status >= 400) {
      EXPECT_NE(JsonField(c.answer.body, "error"), "") << c.what;
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
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace gentrace
