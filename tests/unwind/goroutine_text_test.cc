// `gentrace core`'s goroutine view against the runtime's own: each fixture
// program crashed under GOTRACEBACK=crash, which printed every goroutine;
// gentrace reads the goroutines from the core (runtime.allgs), unwinds and
// symbolizes them, and prints each one. Every goroutine block must be
// byte-identical to the runtime's: header, status, frames, arguments,
// file:line, +0x offsets, fp/sp/pc and "created by" lines.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "proto/goroutines.h"
#include "proto/runtime_text.h"
#include "symtab/binary.h"
#include "tests/testing/fixtures.h"
#include "unwind/core_file.h"

namespace gentrace {
namespace {

using ::gentrace::testing::FixtureBinary;

// The "goroutine N [...]:" blocks of a traceback, by goroutine id, each up
// to the blank line that ends it or through its "created by" position
// (whatever the crashing process printed next is not part of it).
std::map<int64_t, std::string> GoroutineBlocks(const std::string& text) {
  std::map<int64_t, std::string> blocks;
  std::string* block = nullptr;
  bool last_line_next = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::string_view id = line;
    int64_t goid = 0;
    if (absl::ConsumePrefix(&id, "goroutine ") &&
        absl::SimpleAtoi(id.substr(0, id.find(' ')), &goid)) {
      block = &blocks[goid];
    } else if (line.empty()) {
      block = nullptr;
    }
    if (block == nullptr) continue;
    absl::StrAppend(block, line, "\n");
    if (last_line_next) block = nullptr;
    last_line_next = absl::StartsWith(line, "created by ");
  }
  return blocks;
}

class GoroutineTextTest : public ::testing::TestWithParam<FixtureBinary> {};

TEST_P(GoroutineTextTest, EveryGoroutinePrintsAsTheRuntimePrintedIt) {
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(GetParam().path);
  ASSERT_TRUE(binary.ok()) << binary.status();
  absl::StatusOr<std::unique_ptr<unwind::CoreFile>> core =
      unwind::CoreFile::Open(GetParam().path + ".core");
  ASSERT_TRUE(core.ok()) << core.status();
  (*core)->AttachExecutable(&(*binary)->elf());
  absl::StatusOr<std::vector<Goroutine>> goroutines =
      ReadGoroutines(**binary, (*core)->arch(), **core, (*core)->load_bias(),
                     (*core)->threads());
  ASSERT_TRUE(goroutines.ok()) << goroutines.status();

  const std::map<int64_t, std::string> printed = GoroutineBlocks(
      gentrace::testing::ReadFileOrEmpty(GetParam().path + ".crash.txt"));
  ASSERT_FALSE(printed.empty());
  const RuntimeTextOptions options{.go_minor = (*binary)->go_version()->minor};
  int identical = 0;
  for (const Goroutine& goroutine : *goroutines) {
    auto it = printed.find(goroutine.id());
    if (it == printed.end()) {
      ADD_FAILURE() << "goroutine " << goroutine.id() << " was not printed";
      continue;
    }
    std::string ours;
    AppendGoroutineText(goroutine, options, &ours);
    EXPECT_EQ(ours, it->second);
    if (ours == it->second) ++identical;
  }
  EXPECT_EQ(goroutines->size(), printed.size());
  RecordProperty("goroutines", static_cast<int>(printed.size()));
  RecordProperty("identical", identical);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, GoroutineTextTest,
    ::testing::ValuesIn(gentrace::testing::FixturesWith(".core")),
    gentrace::testing::FixtureTestName());

}  // namespace
}  // namespace gentrace
