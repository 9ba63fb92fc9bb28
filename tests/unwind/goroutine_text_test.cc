// `gentrace core`'s goroutine view against the runtime's own: each fixture
// program crashed under GOTRACEBACK=crash, which printed every goroutine;
// gentrace reads the goroutines from the core (runtime.allgs), unwinds and
// symbolizes them, and prints each one. Every goroutine block must be
// byte-identical to the runtime's: header, status, frames, arguments,
// file:line, +0x offsets, fp/sp/pc and "created by" lines.
#include <map>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "render/runtime_text.h"
#include "symtab/binary.h"
#include "symtab/dwarf_types.h"
#include "target/core_file.h"
#include "tests/testing/crashed_program.h"
#include "tests/testing/fixtures.h"
#include "traceback/goroutines.h"
#include "traceback/traceback_text.h"

namespace gentrace {
namespace {

using ::gentrace::testing::FixtureBinary;

// Prints every goroutine of `crashed`'s core, symbolized from the binary at
// `binary_path` (the program itself, or a stripped build of it: another
// build ID, the same layout), and compares each with the runtime's block
// for the same goroutine.
void ExpectRuntimeText(const std::string& binary_path,
                       const FixtureBinary& crashed) {
  absl::StatusOr<gentrace::testing::CrashedProgram> program =
      gentrace::testing::OpenCrashedProgram(crashed.path,
                                            crashed.path + ".core");
  ASSERT_TRUE(program.ok()) << program.status();
  const std::unique_ptr<target::CoreFile>& core = program->core;
  absl::StatusOr<std::unique_ptr<symtab::Binary>> symbols =
      symtab::Binary::Open(binary_path);
  ASSERT_TRUE(symbols.ok()) << symbols.status();
  const std::unique_ptr<symtab::Binary>& binary = *symbols;
  Trace trace;
  absl::Status status = traceback::ReadGoroutines(*binary, *core, &trace);
  ASSERT_TRUE(status.ok()) << status;
  const auto* goroutines = &trace.goroutines();
  ASSERT_EQ(trace.notes_size(), 2);
  ::testing::Test::RecordProperty("allgs", trace.notes(0));
  ::testing::Test::RecordProperty("layout", trace.notes(1));
  // A binary with DWARF (the fixture programs, the first esbuild releases)
  // confirms gentrace's table.
  if (symtab::DwarfTypes::Open(binary_path).ok()) {
    EXPECT_TRUE(
        absl::StrContains(trace.notes(1), "confirmed by the binary's DWARF"))
        << trace.notes(1);
  }

  const std::map<int64_t, std::vector<std::string>> printed =
      traceback::GoroutineBlocks(
          gentrace::testing::ReadFileOrEmpty(crashed.path + ".crash.txt"));
  ASSERT_FALSE(printed.empty());
  const render::RuntimeTextOptions options{.go_minor =
                                               binary->go_version()->minor};
  int identical = 0;
  for (const Goroutine& goroutine : *goroutines) {
    auto it = printed.find(goroutine.id());
    if (it == printed.end()) {
      ADD_FAILURE() << "goroutine " << goroutine.id() << " was not printed";
      continue;
    }
    std::string ours;
    render::AppendGoroutineText(goroutine, options, &ours);
    // Printed twice (in the list, then by its thread), it must be one of
    // the two.
    if (absl::c_linear_search(it->second, ours)) {
      ++identical;
    } else {
      EXPECT_EQ(ours, it->second.back());
    }
  }
  EXPECT_EQ(goroutines->size(), printed.size());
  ::testing::Test::RecordProperty("goroutines",
                                  static_cast<int>(printed.size()));
  ::testing::Test::RecordProperty("identical", identical);
}

class GoroutineTextTest : public ::testing::TestWithParam<FixtureBinary> {};

TEST_P(GoroutineTextTest, EveryGoroutinePrintsAsTheRuntimePrintedIt) {
  ExpectRuntimeText(GetParam().path, GetParam());
}

// The same core read through the stripped build of the same program (same
// code and data layout, no symbols): runtime.allgs and the wait reasons'
// names are found without symbols.
TEST_P(GoroutineTextTest, StrippedBinaryPrintsTheSame) {
  std::string stripped = GetParam().path;
  const size_t at = stripped.rfind("/default/");
  if (at == std::string::npos) GTEST_SKIP() << "no stripped build";
  stripped.replace(at, 9, "/stripped/");
  if (!gentrace::testing::FileExists(stripped)) {
    GTEST_SKIP() << "no " << stripped;
  }
  ExpectRuntimeText(stripped, GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, GoroutineTextTest,
    ::testing::ValuesIn(gentrace::testing::FixturesWith(".core")),
    gentrace::testing::FixtureTestName());

}  // namespace
}  // namespace gentrace
