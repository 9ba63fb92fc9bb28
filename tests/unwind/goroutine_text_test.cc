// `gentrace core`'s goroutine view against the runtime's own: each fixture
// program crashed under GOTRACEBACK=crash, which printed every goroutine;
// gentrace reads the goroutines from the core (runtime.allgs), unwinds and
// symbolizes them, and prints each one. Every goroutine block must be
// byte-identical to the runtime's: header, status, frames, arguments,
// file:line, +0x offsets, fp/sp/pc and "created by" lines.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "goruntime/runtime_layout.h"
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
void ExpectRuntimeText(
    const std::string& binary_path, const FixtureBinary& crashed,
    const traceback::GoroutineReadOptions& read_options = {}) {
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
  absl::Status status =
      traceback::ReadGoroutines(*binary, *core, &trace, read_options);
  ASSERT_TRUE(status.ok()) << status;
  const auto* goroutines = &trace.goroutines();
  ASSERT_EQ(trace.notes_size(), 2);
  ::testing::Test::RecordProperty("allgs", trace.notes(0));
  ::testing::Test::RecordProperty("layout", trace.notes(1));
  // A binary with DWARF (the fixture programs, the first esbuild releases)
  // confirms gentrace's table.
  if (read_options.layout.table_newest_minor ==
          goruntime::kRuntimeLayoutTableNewestMinor &&
      symtab::DwarfTypes::Open(binary_path).ok()) {
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

// A build of the crashed program without symbols or DWARF (the same code
// and data layout): prog.stripped beside it, or the stripped variant of a
// default build; the program itself when it has no DWARF (esbuild).
std::optional<std::string> BinaryWithoutDwarf(const FixtureBinary& crashed) {
  std::string stripped = crashed.path + ".stripped";
  if (gentrace::testing::FileExists(stripped)) return stripped;
  stripped = crashed.path;
  if (const size_t at = stripped.rfind("/default/"); at != std::string::npos) {
    stripped.replace(at, 9, "/stripped/");
    if (gentrace::testing::FileExists(stripped)) return stripped;
  }
  if (!symtab::DwarfTypes::Open(crashed.path).ok()) return crashed.path;
  return std::nullopt;
}

// The same core read through the stripped build of the same program:
// runtime.allgs and the wait reasons' names are found without symbols.
TEST_P(GoroutineTextTest, StrippedBinaryPrintsTheSame) {
  std::optional<std::string> stripped = BinaryWithoutDwarf(GetParam());
  if (!stripped || *stripped == GetParam().path) {
    GTEST_SKIP() << "no stripped build";
  }
  ExpectRuntimeText(*stripped, GetParam());
}

// A release newer than the layout table, met by hiding the table's rows
// from the program's release on: with no DWARF, gentrace guesses the newest
// row left and holds it to the core. Where that row is the release's true
// layout, every goroutine prints as before and the note says how the layout
// was found; where it is not, the core is refused rather than misread.
TEST_P(GoroutineTextTest, ReleaseNewerThanTheTableIsGuessedAndChecked) {
  std::optional<std::string> stripped = BinaryWithoutDwarf(GetParam());
  if (!stripped) GTEST_SKIP() << "no build without DWARF";
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(*stripped);
  ASSERT_TRUE(binary.ok()) << binary.status();
  ASSERT_TRUE((*binary)->go_version().has_value());
  const symtab::GoVersion release = *(*binary)->go_version();
  const arch::ArchInfo& arch = *(*binary)->arch();
  traceback::GoroutineReadOptions options;
  options.layout.table_newest_minor = release.minor - 1;
  absl::StatusOr<goruntime::RuntimeLayout> truth =
      goruntime::RuntimeLayoutFor(release, arch);
  absl::StatusOr<goruntime::RuntimeLayout> guess = goruntime::RuntimeLayoutFor(
      symtab::GoVersion{release.minor - 1, 1 << 20}, arch);
  ASSERT_TRUE(truth.ok() && guess.ok());
  const bool guess_is_right =
      absl::c_all_of(goruntime::RuntimeLayoutFields(), [&](const auto& field) {
        return (*truth).*field.member == (*guess).*field.member;
      });
  ::testing::Test::RecordProperty("guess_is_right", guess_is_right);
  if (guess_is_right) {
    ExpectRuntimeText(*stripped, GetParam(), options);
    return;
  }
  absl::StatusOr<gentrace::testing::CrashedProgram> program =
      gentrace::testing::OpenCrashedProgram(GetParam().path,
                                            GetParam().path + ".core");
  ASSERT_TRUE(program.ok()) << program.status();
  Trace trace;
  absl::Status status =
      traceback::ReadGoroutines(**binary, *program->core, &trace, options);
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  EXPECT_THAT(status.message(), ::testing::HasSubstr("does not fit"));
  EXPECT_EQ(trace.goroutines_size(), 0);
}

// A layout forced on a core is held to it like a guess: the true one fits,
// one with the saved sp and pc swapped (or the goroutine id moved) does not
// and nothing is printed.
TEST_P(GoroutineTextTest, ForcedLayoutIsHeldToTheCore) {
  absl::StatusOr<gentrace::testing::CrashedProgram> program =
      gentrace::testing::OpenCrashedProgram(GetParam().path,
                                            GetParam().path + ".core");
  ASSERT_TRUE(program.ok()) << program.status();
  const symtab::Binary& binary = *program->binary;
  absl::StatusOr<goruntime::RuntimeLayout> truth =
      goruntime::RuntimeLayoutFor(*binary.go_version(), *binary.arch());
  ASSERT_TRUE(truth.ok()) << truth.status();
  traceback::GoroutineReadOptions options;
  options.layout.forced = *truth;
  Trace trace;
  ASSERT_TRUE(
      traceback::ReadGoroutines(binary, *program->core, &trace, options).ok());
  EXPECT_THAT(trace.notes(1), ::testing::HasSubstr("fits this program"));

  goruntime::RuntimeLayout swapped = *truth;
  std::swap(swapped.gobuf_sp, swapped.gobuf_pc);
  goruntime::RuntimeLayout moved_goid = *truth;
  moved_goid.g_goid += 8;
  for (const goruntime::RuntimeLayout& wrong : {swapped, moved_goid}) {
    options.layout.forced = wrong;
    trace.Clear();
    absl::Status status =
        traceback::ReadGoroutines(binary, *program->core, &trace, options);
    EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
    EXPECT_EQ(trace.goroutines_size(), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, GoroutineTextTest,
    ::testing::ValuesIn(gentrace::testing::FixturesWith(".core")),
    gentrace::testing::FixtureTestName());

}  // namespace
}  // namespace gentrace
