// The _defer layout table against the runtime itself: the source of every
// release tag from go1.13 to go1.26.5, go1.26.10 and go1.27.3, on every GOARCH,
// type-checked by tools/runtime_layout_from_source (-fields=defer; the sweep's
// output is checked in as defer_layouts_by_release.tsv.xz), and the DWARF of
// every fixture binary that has any (the Go test programs of four toolchains on
// 13 GOARCHes, esbuild built by go1.13 and go1.14).
#include "goruntime/defer_layout.h"

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "arch/arch.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "symtab/dwarf_types.h"
#include "symtab/go_version.h"
#include "tests/testing/fixtures.h"

namespace gentrace::goruntime {
namespace {

TEST(DeferLayoutTest, MatchesEveryReleasesSource) {
  std::ifstream tsv("tests/defer/defer_layouts_by_release.tsv");
  ASSERT_TRUE(tsv) << "the unpacked sweep is missing";
  std::string line;
  ASSERT_TRUE(std::getline(tsv, line));
  // "# fields=defer: tag goarch g_defer g_panic ..."
  const std::vector<std::string> header =
      absl::StrSplit(line.substr(line.find(':') + 1), ' ', absl::SkipEmpty());
  ASSERT_GE(header.size(), 3u);
  int rows = 0;
  while (std::getline(tsv, line)) {
    const std::vector<std::string> cells =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    ASSERT_EQ(cells.size(), header.size()) << line;
    const std::optional<symtab::GoVersion> version =
        symtab::GoVersion::Parse(cells[0]);
    ASSERT_TRUE(version.has_value()) << cells[0];
    const arch::ArchInfo* arch = arch::ArchByGoarch(cells[1]);
    ASSERT_NE(arch, nullptr) << cells[1];
    absl::StatusOr<DeferLayout> layout =
        DeferLayoutFor(*version, arch->ptr_size);
    ASSERT_TRUE(layout.ok()) << layout.status();
    for (const DeferLayoutField& field : DeferLayoutFields()) {
      const auto column = std::find(header.begin(), header.end(), field.name);
      ASSERT_NE(column, header.end()) << field.name;
      int want = 0;
      ASSERT_TRUE(absl::SimpleAtoi(cells[column - header.begin()], &want));
      EXPECT_EQ((*layout).*field.member, want)
          << cells[0] << " " << cells[1] << " " << field.name;
    }
    ++rows;
  }
  EXPECT_GE(rows, 2400);
  RecordProperty("release_arch_pairs", rows);
}

TEST(DeferLayoutTest, RefusesReleasesBeforeGo113) {
  EXPECT_EQ(DeferLayoutFor(symtab::GoVersion{.minor = 12}, 8).status().code(),
            absl::StatusCode::kUnimplemented);
}

class DeferLayoutDwarfTest
    : public ::testing::TestWithParam<testing::FixtureBinary> {};

TEST_P(DeferLayoutDwarfTest, MatchesTheBinarysDwarf) {
  absl::StatusOr<symtab::DwarfTypes> dwarf =
      symtab::DwarfTypes::Open(GetParam().path, "runtime");
  if (dwarf.status().code() == absl::StatusCode::kNotFound) {
    GTEST_SKIP() << "no DWARF";
  }
  ASSERT_TRUE(dwarf.ok()) << dwarf.status();
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(GetParam().path);
  ASSERT_TRUE(binary.ok()) << binary.status();
  ASSERT_TRUE((*binary)->go_version().has_value());
  const arch::ArchInfo* arch = arch::ArchByGoarch((*binary)->goarch());
  ASSERT_NE(arch, nullptr);
  absl::StatusOr<DeferLayout> layout =
      DeferLayoutFor(*(*binary)->go_version(), arch->ptr_size);
  ASSERT_TRUE(layout.ok()) << layout.status();
  int fields = 0;
  for (const DeferLayoutField& field : DeferLayoutFields()) {
    if (field.path.empty()) continue;  // DWARF sizes are not read
    const std::optional<int64_t> offset =
        dwarf->MemberOffset(field.type_name, field.path);
    EXPECT_EQ((*layout).*field.member, offset.value_or(-1)) << field.name;
    fields += offset.has_value();
  }
  EXPECT_GE(fields, 8);
}

std::vector<testing::FixtureBinary> UnstrippedBinaries() {
  std::vector<testing::FixtureBinary> out;
  for (const testing::FixtureBinary& b : testing::AllFixtureBinaries()) {
    if (b.variant == "default" || b.variant == "esbuild") out.push_back(b);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, DeferLayoutDwarfTest,
                         ::testing::ValuesIn(UnstrippedBinaries()),
                         testing::FixtureTestName());
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DeferLayoutDwarfTest);

}  // namespace
}  // namespace gentrace::goruntime
