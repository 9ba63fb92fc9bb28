#include "tests/testing/fixtures.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace gentrace::testing {

std::optional<std::string> FixturesRoot() {
  const char* root = std::getenv("GENTRACE_FIXTURES");
  if (root == nullptr || *root == '\0') return std::nullopt;
  return std::string(root);
}

const char* MissingFixturesMessage() {
  return "GENTRACE_FIXTURES is not set or holds no fixtures: run the tests "
         "through tests/run_tests.sh, which builds the Go test programs and "
         "fetches the esbuild binaries first";
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string RuntimeReport(const std::string& crash_text_path) {
  std::vector<absl::string_view> kept;
  const std::string text = ReadFileOrEmpty(crash_text_path);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, "timeout: ")) kept.push_back(line);
  }
  return absl::StrJoin(kept, "\n");
}

std::string FirstDifference(const std::string& ours,
                            const std::string& theirs) {
  const std::vector<absl::string_view> a = absl::StrSplit(ours, '\n');
  const std::vector<absl::string_view> b = absl::StrSplit(theirs, '\n');
  for (size_t i = 0; i < a.size() || i < b.size(); ++i) {
    const absl::string_view x = i < a.size() ? a[i] : "(end)";
    const absl::string_view y = i < b.size() ? b[i] : "(end)";
    if (x != y) {
      return absl::StrCat("line ", i + 1, ":\n  ours:   ", x,
                          "\n  theirs: ", y);
    }
  }
  return "";
}

uint64_t PcWalkStride() {
#if defined(__SANITIZE_ADDRESS__)
  return 64;
#else
  return 1;
#endif
}

std::optional<std::string> CrashHandlerInGoSkipReason() {
#if !defined(__x86_64__)
  return "the crash handler captures on amd64 hosts";
#elif defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  return "a library built with a sanitizer cannot be loaded into a Go "
         "program that is not";
#else
  return std::nullopt;
#endif
}

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

namespace {

std::string TestName(absl::string_view text) {
  std::string name;
  for (char c : text) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

}  // namespace

std::vector<FixtureBinary> AllFixtureBinaries() {
  std::vector<FixtureBinary> binaries;
  std::optional<std::string> root = FixturesRoot();
  if (!root) return binaries;
  // go/manifest.tsv and reports/manifest.tsv: toolchain, goarch, variant,
  // relative path.
  for (const char* dir : {"/go", "/reports"}) {
    const std::string go_dir = *root + dir;
    for (absl::string_view line :
         absl::StrSplit(ReadFileOrEmpty(go_dir + "/manifest.tsv"), '\n')) {
      std::vector<std::string> f = absl::StrSplit(line, '\t');
      if (f.size() < 4 || absl::StartsWith(f[0], "#")) continue;
      FixtureBinary b;
      b.toolchain = f[0];
      b.goarch = f[1];
      b.variant = f[2];
      b.path = go_dir + "/" + f[3];
      b.name = TestName(absl::StrCat(f[0], "_", f[1], "_", f[2]));
      binaries.push_back(std::move(b));
    }
  }
  // esbuild/manifest.tsv: pkg, version, goversion, goarch, magic, path.
  const std::string esbuild_dir = *root + "/esbuild";
  for (absl::string_view line :
       absl::StrSplit(ReadFileOrEmpty(esbuild_dir + "/manifest.tsv"), '\n')) {
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    if (f.size() < 6 || absl::StartsWith(f[0], "#") || f[0] == "pkg") continue;
    FixtureBinary b;
    b.toolchain = f[2];
    b.goarch = f[3];
    b.variant = "esbuild";
    b.path = esbuild_dir + "/" + f[5];
    b.name = TestName(absl::StrCat("esbuild_", f[1], "_", f[3], "_", f[2]));
    binaries.push_back(std::move(b));
  }
  return binaries;
}

std::vector<FixtureBinary> ForeignFixtureBinaries() {
  std::vector<FixtureBinary> binaries;
  std::optional<std::string> root = FixturesRoot();
  if (!root) return binaries;
  // foreign/manifest.tsv: toolchain, GOOS/GOARCH, variant, relative path.
  const std::string dir = *root + "/foreign";
  for (absl::string_view line :
       absl::StrSplit(ReadFileOrEmpty(dir + "/manifest.tsv"), '\n')) {
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    if (f.size() < 4 || absl::StartsWith(f[0], "#")) continue;
    FixtureBinary b;
    b.toolchain = f[0];
    b.goarch = f[1].substr(f[1].find('/') + 1);
    b.variant = f[2];
    b.path = dir + "/" + f[3];
    b.name = TestName(absl::StrCat(f[0], "_", f[1], "_", f[2]));
    if (FileExists(b.path + ".addr2line.tsv")) binaries.push_back(std::move(b));
  }
  return binaries;
}

std::vector<FixtureBinary> WindowsCrashFixtures() {
  std::vector<FixtureBinary> crashes;
  const std::optional<std::string> root = FixturesRoot();
  if (!root) return crashes;
  std::error_code error;
  for (const auto& release :
       std::filesystem::directory_iterator(*root + "/windows", error)) {
    for (const char* variant : {"default", "stripped", "relocated"}) {
      FixtureBinary b;
      b.toolchain = release.path().filename().string();
      b.goarch = "amd64";
      b.variant = variant;
      b.path = (release.path() / variant / "prog").string();
      b.name = TestName(absl::StrCat(b.toolchain, "_", variant));
      if (FileExists(b.path + ".crash.txt")) crashes.push_back(std::move(b));
    }
  }
  std::sort(crashes.begin(), crashes.end(),
            [](const FixtureBinary& a, const FixtureBinary& b) {
              return a.name < b.name;
            });
  return crashes;
}

std::vector<FixtureBinary> FixturesWith(const std::string& suffix) {
  std::vector<FixtureBinary> out;
  for (FixtureBinary& b : AllFixtureBinaries()) {
    if (FileExists(b.path + suffix)) out.push_back(std::move(b));
  }
  return out;
}

std::vector<FixtureBinary> FixtureCoresIn(
    std::initializer_list<const char*> parts) {
  std::vector<FixtureBinary> cores;
  for (const FixtureBinary& binary : FixturesWith(".core")) {
    for (const char* part : parts) {
      if (absl::StrContains(binary.path, part)) {
        cores.push_back(binary);
        break;
      }
    }
  }
  return cores;
}

std::string SymbolizeFixture(const std::string& variant,
                             const std::string& goarch) {
  std::string path;
  for (const FixtureBinary& b : FixturesWith(".addr2line.tsv")) {
    if (b.variant == variant && b.goarch == goarch) path = b.path;
  }
  return path;
}

std::vector<Addr2lineRow> ReadAddr2line(const std::string& path) {
  std::vector<Addr2lineRow> rows;
  for (absl::string_view line : absl::StrSplit(ReadFileOrEmpty(path), '\n')) {
    std::vector<absl::string_view> f = absl::StrSplit(line, '\t');
    if (f.size() < 4) continue;
    Addr2lineRow row;
    absl::string_view pc = f[0];
    absl::ConsumePrefix(&pc, "0x");
    if (!absl::SimpleHexAtoi(pc, &row.pc)) continue;
    row.function = std::string(f[1]);
    row.file = std::string(f[2]);
    if (!absl::SimpleAtoi(f[3], &row.line)) row.line = 0;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace gentrace::testing
