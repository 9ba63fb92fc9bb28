// `gentrace core` against the runtime's whole report. Each fixture program
// crashed (a nil dereference turned panic) or was sent SIGQUIT under
// GOTRACEBACK=crash, and its stderr was kept. From the binary and the core
// alone, `gentrace core` must print what the runtime wrote once its report
// began, byte for byte: a fatal panic's "panic:" lines and "[signal ...]"
// line, then every goroutine, the one the panic is on first; a SIGQUIT's
// relay through every M, each with the signal, the goroutine it interrupted
// (an M's g0, "goroutine 0"), the first one also listing every goroutine,
// the registers, and "-----" between them; a throw's "fatal error:" line
// and, for one on the scheduler stack, its "runtime stack:". Only the
// fixture script's own line (timeout's "dumped core") is not the runtime's.
//
// The same report comes from a full-memory minidump of the program
// (tests/testing/full_minidump: the core's threads and memory in a
// Memory64List), through the minidump reader.
//
// One thing a core does not record: the order in which a relayed SIGQUIT
// reached the threads after the first (the kernel hands it to any thread
// that has not blocked it). gentrace prints them in M order; where the
// runtime's order was another, the report is held to be the same when every
// thread's part is, and the test records "relay_order".
#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/full_minidump.h"
#include "tests/testing/shell_command.h"

namespace gentrace {
namespace {

using ::gentrace::testing::FixtureBinary;

// The threads' parts of a signal's report after the first, sorted.
std::vector<absl::string_view> RelayedParts(const std::string& report) {
  std::vector<absl::string_view> parts = absl::StrSplit(report, "\n-----\n\n");
  parts.erase(parts.begin());
  std::sort(parts.begin(), parts.end());
  return parts;
}

// The same report, or one whose relayed threads came in another order.
bool SameReport(const std::string& ours, const std::string& theirs) {
  if (ours == theirs) return true;
  const size_t first_end = theirs.find("\n-----\n\n");
  if (first_end == std::string::npos ||
      ours.compare(0, first_end, theirs, 0, first_end) != 0 ||
      RelayedParts(ours) != RelayedParts(theirs)) {
    return false;
  }
  ::testing::Test::RecordProperty("relay_order", "differs");
  return true;
}

class CrashReportTest : public gentrace::testing::FixtureCoreTest {};

TEST_P(CrashReportTest, TheWholeReportIsTheRuntimes) {
  const std::string theirs =
      gentrace::testing::RuntimeReport(GetParam().path + ".crash.txt");
  if (theirs.empty()) GTEST_SKIP() << "the runtime's report was not kept";
  const std::string ours = Core("");
  EXPECT_TRUE(SameReport(ours, theirs))
      << gentrace::testing::FirstDifference(ours, theirs);
  ::testing::Test::RecordProperty(
      "report", absl::StartsWith(theirs, "panic: ")         ? "panic"
                : absl::StartsWith(theirs, "fatal error: ") ? "throw"
                                                            : "signal");
  ::testing::Test::RecordProperty("bytes", static_cast<int>(theirs.size()));
}

// The same from a build without symbols or DWARF, where one of the same
// build exists (prog.stripped beside a program whose build ID it keeps).
TEST_P(CrashReportTest, StrippedBinaryPrintsTheSameReport) {
  const std::string stripped = GetParam().path + ".stripped";
  if (!gentrace::testing::FileExists(stripped)) {
    GTEST_SKIP() << "no stripped build";
  }
  const std::string theirs =
      gentrace::testing::RuntimeReport(GetParam().path + ".crash.txt");
  const std::string ours_path = (dir_ / "stripped.txt").string();
  // A build whose ID differs is refused; that is no failure here.
  const std::string check = Run(absl::StrCat(
      "sh -c '", gentrace::testing::GentraceCommand(), " core --binary=",
      stripped, " --core=", GetParam().path, ".core >", ours_path, " 2>",
      (dir_ / "stripped.err").string(), " && echo accepted || true'"));
  if (!absl::StrContains(check, "accepted")) {
    GTEST_SKIP() << "prog.stripped is another build (its build ID differs)";
  }
  const std::string ours = gentrace::testing::ReadFileOrEmpty(ours_path);
  EXPECT_TRUE(SameReport(ours, theirs))
      << gentrace::testing::FirstDifference(ours, theirs);
}

// The same from a full-memory minidump of the program, through the
// minidump reader: every goroutine, as `gentrace core` reads a core.
TEST_P(CrashReportTest, FullMemoryMinidumpPrintsTheSameReport) {
  const std::string theirs =
      gentrace::testing::RuntimeReport(GetParam().path + ".crash.txt");
  if (theirs.empty()) GTEST_SKIP() << "the runtime's report was not kept";
  absl::StatusOr<std::string> dump =
      gentrace::testing::FullMemoryMinidumpOfCore(GetParam().path + ".core");
  if (absl::IsUnimplemented(dump.status())) {
    GTEST_SKIP() << dump.status();  // no minidump context for the arch
  }
  ASSERT_TRUE(dump.ok()) << dump.status();
  const std::string dump_path = (dir_ / "full.dmp").string();
  std::ofstream(dump_path, std::ios::binary) << *dump;
  const std::string ours = Run(
      absl::StrCat(gentrace::testing::GentraceCommand(),
                   " core --binary=", GetParam().path, " --core=", dump_path));
  EXPECT_TRUE(SameReport(ours, theirs))
      << gentrace::testing::FirstDifference(ours, theirs);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, CrashReportTest,
    ::testing::ValuesIn(gentrace::testing::FixturesWith(".core")),
    gentrace::testing::FixtureTestName());

}  // namespace
}  // namespace gentrace
