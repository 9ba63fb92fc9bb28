#ifndef GENTRACE_TESTS_TESTING_FIXTURES_H_
#define GENTRACE_TESTS_TESTING_FIXTURES_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace gentrace::testing {

// Test binaries built by tests/fixtures/build_go_programs.sh and fetched by
// tests/fixtures/fetch_esbuild.sh, under $GENTRACE_FIXTURES (set by
// tests/run_tests.sh).
struct FixtureBinary {
  std::string name;  // unique, usable as a test name
  std::string path;  // absolute
  std::string
      toolchain;  // "go1.19"; for esbuild the Go version it was built with
  std::string goarch;
  // default, stripped, pie, goroutines...; "report-MODE" for tests/go/reports;
  // "esbuild" for npm binaries
  std::string variant;
};

// The fixtures root, or nullopt if $GENTRACE_FIXTURES is unset.
std::optional<std::string> FixturesRoot();
// Every Go test program build (go/, then reports/), then every esbuild
// binary. Empty if the fixtures are missing.
std::vector<FixtureBinary> AllFixtureBinaries();
// The fixture binaries that have a file `<binary><suffix>` beside them
// (".addr2line.tsv", ".traceback.txt").
std::vector<FixtureBinary> FixturesWith(const std::string& suffix);
// tests/go/symbolize for windows/amd64 crashed under Wine, every toolchain,
// default, stripped and relocated (run moved away from its linked base;
// tests/fixtures/build_windows_crashes.sh): each `path` has its
// prog.crash.txt, prog.capture.json and prog.mdmp beside it.
std::vector<FixtureBinary> WindowsCrashFixtures();
// tests/go/symbolize built for macOS and Windows (Mach-O and PE:
// tests/fixtures/build_foreign_binaries.sh), default and stripped, each with
// its addr2line table; `goarch` is the GOARCH, the name says the GOOS.
std::vector<FixtureBinary> ForeignFixtureBinaries();
// The fixture binaries with a core beside them whose path holds one of
// `parts` ("/parked/", "/amd64/goroutines/").
std::vector<FixtureBinary> FixtureCoresIn(
    std::initializer_list<const char*> parts);
// The path of a build of tests/go/symbolize (one with an addr2line table)
// in `variant` for `goarch`, the last the manifest lists, or "" if none.
std::string SymbolizeFixture(const std::string& variant,
                             const std::string& goarch);

// How many PCs apart a test that walks every PC of a binary takes them: 1,
// or 64 under AddressSanitizer, whose checks make such walks several times
// slower (the whole suite runs under it in CI). The plain run checks every
// PC; the sanitized one, the code paths: most functions still get several
// PCs.
uint64_t PcWalkStride();

// Why a test cannot load the crash handler (libgentrace_crash.so) into a Go
// program in this build, or nullopt when it can: the handler captures on
// amd64 hosts only, and a library built with a sanitizer needs its runtime
// loaded first, which a Go program does not do.
std::optional<std::string> CrashHandlerInGoSkipReason();

// Names parameterized tests after their fixture.
struct FixtureTestName {
  template <typename ParamInfo>
  std::string operator()(const ParamInfo& info) const {
    return info.param.name;
  }
};

// The message a test prints when fixtures are missing.
const char* MissingFixturesMessage();

// One row of <binary>.addr2line.tsv: what `go tool addr2line` said.
struct Addr2lineRow {
  uint64_t pc = 0;
  std::string function;  // "?" when addr2line found none
  std::string file;
  int line = 0;
};
std::vector<Addr2lineRow> ReadAddr2line(const std::string& path);

std::string ReadFileOrEmpty(const std::string& path);

// What the runtime wrote to stderr from the start of its report, kept by the
// fixture scripts at `crash_text_path`: that file without the lines the
// scripts' own tools added (timeout's "the monitored command dumped core").
std::string RuntimeReport(const std::string& crash_text_path);
// The first line where two texts differ, both sides, for a failure message
// (gtest's own diff of two texts of 100,000 lines takes gigabytes).
std::string FirstDifference(const std::string& ours, const std::string& theirs);
bool FileExists(const std::string& path);

inline void PrintTo(const FixtureBinary& binary, std::ostream* os) {
  *os << binary.name;
}

}  // namespace gentrace::testing

#endif  // GENTRACE_TESTS_TESTING_FIXTURES_H_
