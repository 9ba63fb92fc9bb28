// The runtime structure offsets in unwind/runtime_layout.cc are the ones
// each toolchain's DWARF gives, for every fixture GOARCH (the fixture script
// reads them with gdb-multiarch: tests/fixtures/runtime_offsets.py); and
// gentrace's own DWARF reading, which confirms the table at run time, reads
// the same offsets.
#include "goruntime/runtime_layout.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "arch/arch.h"
#include "goruntime/defer_layout.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "symtab/dwarf_types.h"
#include "symtab/go_version.h"
#include "tests/testing/fixtures.h"

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
void ExpectGdbOffsets(const goruntime::RuntimeLayout& layout,
                      const std::string& binary_path) {
  const std::map<std::string, int> gdb =
      ReadOffsets(binary_path + ".runtime_layout.txt");
  ASSERT_EQ(gdb.size(), goruntime::RuntimeLayoutFields().size());
  for (const goruntime::RuntimeLayoutField& field :
       goruntime::RuntimeLayoutFields()) {
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
    arch_ = arch::ArchByGoarch(binary_->goarch());
    ASSERT_NE(arch_, nullptr);
  }

  std::unique_ptr<symtab::Binary> binary_;
  const arch::ArchInfo* arch_ = nullptr;
};

TEST_P(RuntimeLayoutTest, TableMatchesGdb) {
  absl::StatusOr<goruntime::RuntimeLayout> layout =
      goruntime::RuntimeLayoutFor(*binary_->go_version(), *arch_);
  ASSERT_TRUE(layout.ok()) << layout.status();
  ExpectGdbOffsets(*layout, GetParam().path);
}

// Type-checking the toolchain's runtime source, the method that gave the
// table the releases no toolchain here builds, gives what DWARF gives.
TEST_P(RuntimeLayoutTest, SourceTypeCheckMatchesGdb) {
  const std::map<std::string, int> from_source =
      ReadOffsets(GetParam().path + ".runtime_layout_from_source.txt");
  EXPECT_EQ(from_source, ReadOffsets(GetParam().path + ".runtime_layout.txt"));
  EXPECT_EQ(from_source.size(), goruntime::RuntimeLayoutFields().size());
}

// The fields a crash report's panic lines need and the layout tables derive
// rather than sweep: g.sig and its siginfo words (from the neighbouring
// fields and the release), m.incgo (from m.id), _panic.repanicked (between
// recovered and goexit, 1.25+). DWARF says where they are.
TEST_P(RuntimeLayoutTest, DerivedCrashFieldsMatchDwarf) {
  absl::StatusOr<symtab::DwarfTypes> dwarf =
      symtab::DwarfTypes::Open(GetParam().path, "runtime");
  ASSERT_TRUE(dwarf.ok()) << dwarf.status();
  absl::StatusOr<goruntime::RuntimeLayout> layout =
      goruntime::RuntimeLayoutFor(*binary_->go_version(), *arch_);
  ASSERT_TRUE(layout.ok()) << layout.status();
  const goruntime::SignalFields signal = goruntime::GSignalFields(
      *layout, arch_->ptr_size, binary_->go_version()->minor);
  EXPECT_EQ(dwarf->MemberOffset("runtime.g", "sig"), signal.sig);
  EXPECT_EQ(dwarf->MemberOffset("runtime.g", "sigcode0"), signal.sigcode0);
  EXPECT_EQ(dwarf->MemberOffset("runtime.g", "sigcode1"), signal.sigcode1);
  EXPECT_EQ(dwarf->MemberOffset("runtime.g", "sigpc"), signal.sigpc);
  EXPECT_EQ(dwarf->MemberOffset("runtime.m", "incgo"),
            goruntime::MIncgoOffset(*layout, arch_->ptr_size));
  absl::StatusOr<goruntime::DeferLayout> defers =
      goruntime::DeferLayoutFor(*binary_->go_version(), arch_->ptr_size);
  ASSERT_TRUE(defers.ok()) << defers.status();
  EXPECT_EQ(dwarf->MemberOffset("runtime._panic", "repanicked").value_or(-1),
            defers->panic_repanicked);
}

// gentrace's own DWARF reading (libdw) finds what gdb finds, from all the
// compile units or, as the goroutine view reads it, from "runtime"'s alone.
TEST_P(RuntimeLayoutTest, DwarfReadingMatchesGdb) {
  for (absl::string_view unit : {"", "runtime"}) {
    SCOPED_TRACE(unit);
    absl::StatusOr<symtab::DwarfTypes> dwarf =
        symtab::DwarfTypes::Open(GetParam().path, unit);
    ASSERT_TRUE(dwarf.ok()) << dwarf.status();
    absl::StatusOr<goruntime::RuntimeLayout> layout =
        goruntime::RuntimeLayoutFromDwarf(*dwarf);
    ASSERT_TRUE(layout.ok()) << layout.status();
    ExpectGdbOffsets(*layout, GetParam().path);
  }
}

TEST_P(RuntimeLayoutTest, ChosenLayoutIsTheTableConfirmedByDwarf) {
  absl::StatusOr<goruntime::ChosenRuntimeLayout> chosen =
      goruntime::ChooseRuntimeLayout(*binary_, *arch_);
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
  absl::StatusOr<goruntime::ChosenRuntimeLayout> chosen =
      goruntime::ChooseRuntimeLayout(**binary, *arch_);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_TRUE(absl::StrContains(chosen->source, "no DWARF")) << chosen->source;
  ExpectGdbOffsets(chosen->layout, GetParam().path);
}

// A copy of a fixture binary whose buildinfo claims another release (the
// same length as its own, e.g. go1.23.5 -> go1.27.5), and its path.
std::string ClaimRelease(const std::string& path, const std::string& own,
                         const std::string& claimed) {
  std::string image = gentrace::testing::ReadFileOrEmpty(path);
  for (size_t at = image.find(own); at != std::string::npos;
       at = image.find(own, at + 1)) {
    image.replace(at, own.size(), claimed);
  }
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string copy = absl::StrCat(dir ? dir : "/tmp", "/", claimed, "_prog");
  std::ofstream(copy, std::ios::binary) << image;
  return copy;
}

class RuntimeLayoutChoiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<std::string> root = gentrace::testing::FixturesRoot();
    if (!root) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
    program_ = *root + "/go/go1.23/amd64/default/prog";
    absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
        symtab::Binary::Open(program_);
    ASSERT_TRUE(binary.ok()) << binary.status();
    own_ = (*binary)->go_version()->ToString();
    ASSERT_TRUE(absl::StartsWith(own_, "go1.23.")) << own_;
  }

  // ChooseRuntimeLayout for the program claiming `release` (go1.NN).
  absl::StatusOr<goruntime::ChosenRuntimeLayout> ChooseFor(
      absl::string_view release) {
    const std::string claimed = absl::StrCat(release, own_.substr(6));
    absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
        symtab::Binary::Open(ClaimRelease(program_, own_, claimed));
    if (!binary.ok()) return binary.status();
    EXPECT_EQ((*binary)->go_version()->ToString(), claimed);
    return goruntime::ChooseRuntimeLayout(**binary,
                                          *arch::ArchByGoarch("amd64"));
  }

  std::string program_;
  std::string own_;
};

// A release newer than the table: the binary's DWARF alone.
TEST_F(RuntimeLayoutChoiceTest, ReleaseTheTableLacksUsesDwarf) {
  absl::StatusOr<goruntime::ChosenRuntimeLayout> chosen = ChooseFor("go1.28");
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_FALSE(chosen->guessed);
  EXPECT_TRUE(absl::StrContains(
      chosen->source, "the binary's DWARF (gentrace's table has no go1.28"))
      << chosen->source;
  ExpectGdbOffsets(chosen->layout, program_);
}

// The table and the DWARF disagree (a go1.23 layout under a go1.20 name):
// the DWARF wins, and the note names the fields.
TEST_F(RuntimeLayoutChoiceTest, DwarfWinsWhereItDiffersFromTheTable) {
  absl::StatusOr<goruntime::ChosenRuntimeLayout> chosen = ChooseFor("go1.20");
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_TRUE(
      absl::StrContains(chosen->source, "differs from gentrace's table"))
      << chosen->source;
  EXPECT_TRUE(absl::StrContains(chosen->source, "g_syscallbp -1 vs 128"))
      << chosen->source;
  ExpectGdbOffsets(chosen->layout, program_);
}

// The table against the runtime source of every release from go1.13 on, for
// every GOARCH the release supports (tools/runtime_layout_from_source/
// sweep.sh's output, one "tag goarch offsets..." line each).
TEST(RuntimeLayoutTableTest, MatchesEveryReleasesSource) {
  std::ifstream sweep("tests/unwind/runtime_layouts_by_release.tsv");
  ASSERT_TRUE(sweep) << "runtime_layouts_by_release.tsv is missing";
  int checked = 0;
  std::set<std::string> releases;
  for (std::string line; std::getline(sweep, line);) {
    const std::vector<std::string> words = absl::StrSplit(line, ' ');
    ASSERT_EQ(words.size(), 2 + goruntime::RuntimeLayoutFields().size())
        << line;
    std::optional<symtab::GoVersion> version =
        symtab::GoVersion::Parse(words[0]);
    ASSERT_TRUE(version.has_value()) << line;
    const arch::ArchInfo* arch = arch::ArchByGoarch(words[1]);
    ASSERT_NE(arch, nullptr) << line;
    absl::StatusOr<goruntime::RuntimeLayout> layout =
        goruntime::RuntimeLayoutFor(*version, *arch);
    ASSERT_TRUE(layout.ok()) << layout.status();
    for (size_t i = 0; i < goruntime::RuntimeLayoutFields().size(); ++i) {
      const goruntime::RuntimeLayoutField& field =
          goruntime::RuntimeLayoutFields()[i];
      int offset = 0;
      ASSERT_TRUE(absl::SimpleAtoi(words[2 + i], &offset)) << line;
      EXPECT_EQ((*layout).*field.member, offset)
          << words[0] << " " << words[1] << " " << field.name;
    }
    releases.insert(words[0]);
    ++checked;
  }
  // go1.13 through go1.26.5 (191 release tags), go1.26.10 and go1.27.3.
  EXPECT_EQ(releases.size(), 193u);
  EXPECT_GT(checked, 2000);
  ::testing::Test::RecordProperty("release_goarch_pairs", checked);
}

// The table answers only for releases it was checked for (a newer one is
// ChooseRuntimeLayout's guess, held to the program's memory).
TEST(RuntimeLayoutTableTest, RefusesReleasesItWasNotCheckedFor) {
  const arch::ArchInfo* amd64 = arch::ArchByGoarch("amd64");
  ASSERT_NE(amd64, nullptr);
  for (const char* release : {"go1.12.17", "go1.28.0"}) {
    EXPECT_EQ(
        goruntime::RuntimeLayoutFor(*symtab::GoVersion::Parse(release), *amd64)
            .status()
            .code(),
        absl::StatusCode::kUnimplemented)
        << release;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, RuntimeLayoutTest,
    ::testing::ValuesIn(gentrace::testing::FixturesWith(".runtime_layout.txt")),
    gentrace::testing::FixtureTestName());

}  // namespace
}  // namespace gentrace::unwind
