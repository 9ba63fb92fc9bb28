// The runtime structure offsets in unwind/runtime_layout.cc are the ones
// each toolchain's DWARF gives, for every fixture GOARCH (the fixture script
// reads them with gdb-multiarch: tests/fixtures/runtime_offsets.py); and
// gentrace's own DWARF reading, which confirms the table at run time, reads
// the same offsets.
#include "unwind/runtime_layout.h"

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "symtab/dwarf_types.h"
#include "tests/testing/fixtures.h"
#include "unwind/arch.h"

namespace gentrace::unwind {
namespace {

using ::gentrace::testing::FixtureBinary;

// `name=offset` lines, as runtime_offsets.py (gdb, from DWARF: the file
// ".runtime_layout.txt" beside the binary) and runtime_layout_from_source
// (".runtime_layout_from_source.txt") print them.
std::map<std::string, int> ReadOffsets(const std::string& path) {
  std::map<std::string, int> offsets;
  for (absl::string_view line : absl::StrSplit(
           gentrace::testing::ReadFileOrEmpty(path), '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> name_value =
        absl::StrSplit(line, absl::MaxSplits('=', 1));
    int offset = 0;
    EXPECT_TRUE(absl::SimpleAtoi(name_value.second, &offset)) << line;
    offsets[name_value.first] = offset;
  }
  return offsets;
}

// Every field of `layout` is the offset gdb read.
void ExpectGdbOffsets(const RuntimeLayout& layout,
                      const std::string& binary_path) {
  const std::map<std::string, int> gdb =
      ReadOffsets(binary_path + ".runtime_layout.txt");
  ASSERT_EQ(gdb.size(), RuntimeLayoutFields().size());
  for (const RuntimeLayoutField& field : RuntimeLayoutFields()) {
    auto it = gdb.find(std::string(field.name));
    ASSERT_NE(it, gdb.end()) << "gdb printed no " << field.name;
    EXPECT_EQ(layout.*field.member, it->second) << field.name;
  }
}

class RuntimeLayoutTest : public ::testing::TestWithParam<FixtureBinary> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
        symtab::Binary::Open(GetParam().path);
    ASSERT_TRUE(binary.ok()) << binary.status();
    binary_ = *std::move(binary);
    ASSERT_TRUE(binary_->go_version().has_value());
    arch_ = ArchByGoarch(binary_->goarch());
    ASSERT_NE(arch_, nullptr);
  }

  std::unique_ptr<symtab::Binary> binary_;
  const ArchInfo* arch_ = nullptr;
};

TEST_P(RuntimeLayoutTest, TableMatchesGdb) {
  absl::StatusOr<RuntimeLayout> layout =
      RuntimeLayoutFor(*binary_->go_version(), *arch_);
  ASSERT_TRUE(layout.ok()) << layout.status();
  ExpectGdbOffsets(*layout, GetParam().path);
}

// Type-checking the toolchain's runtime source, the method that gave the
// table the releases no toolchain here builds, gives what DWARF gives.
TEST_P(RuntimeLayoutTest, SourceTypeCheckMatchesGdb) {
  const std::map<std::string, int> from_source =
      ReadOffsets(GetParam().path + ".runtime_layout_from_source.txt");
  EXPECT_EQ(from_source, ReadOffsets(GetParam().path + ".runtime_layout.txt"));
  EXPECT_EQ(from_source.size(), RuntimeLayoutFields().size());
}

// gentrace's own DWARF reading (libdw) finds what gdb finds.
TEST_P(RuntimeLayoutTest, DwarfReadingMatchesGdb) {
  absl::StatusOr<symtab::DwarfTypes> dwarf =
      symtab::DwarfTypes::Open(GetParam().path);
  ASSERT_TRUE(dwarf.ok()) << dwarf.status();
  absl::StatusOr<RuntimeLayout> layout = RuntimeLayoutFromDwarf(*dwarf);
  ASSERT_TRUE(layout.ok()) << layout.status();
  ExpectGdbOffsets(*layout, GetParam().path);
}

TEST_P(RuntimeLayoutTest, ChosenLayoutIsTheTableConfirmedByDwarf) {
  absl::StatusOr<ChosenRuntimeLayout> chosen =
      ChooseRuntimeLayout(*binary_, *arch_);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_TRUE(
      absl::StrContains(chosen->source, "confirmed by the binary's DWARF"))
      << chosen->source;
  ExpectGdbOffsets(chosen->layout, GetParam().path);
}

// The stripped build of the same program has no DWARF: the table alone.
TEST_P(RuntimeLayoutTest, StrippedBinaryUsesTheTable) {
  std::string stripped = GetParam().path;
  const size_t at = stripped.rfind("/default/");
  ASSERT_NE(at, std::string::npos);
  stripped.replace(at, 9, "/stripped/");
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(stripped);
  ASSERT_TRUE(binary.ok()) << binary.status();
  EXPECT_EQ(symtab::DwarfTypes::Open(stripped).status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<ChosenRuntimeLayout> chosen =
      ChooseRuntimeLayout(**binary, *arch_);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_TRUE(absl::StrContains(chosen->source, "no DWARF")) << chosen->source;
  ExpectGdbOffsets(chosen->layout, GetParam().path);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, RuntimeLayoutTest,
    ::testing::ValuesIn(gentrace::testing::FixturesWith(".runtime_layout.txt")),
    gentrace::testing::FixtureTestName());

}  // namespace
}  // namespace gentrace::unwind
