// funcIDs and funcFlags of every fixture binary agree with what the runtime's
// well-known function names say, for every release's table; the table chosen
// by calibration (release unknown) agrees with the one chosen by the release.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "tests/testing/fixtures.h"

namespace gentrace::symtab {
namespace {

using ::gentrace::testing::AllFixtureBinaries;
using ::gentrace::testing::FixtureBinary;

class FuncMetadataTest : public ::testing::TestWithParam<FixtureBinary> {};

TEST_P(FuncMetadataTest, FuncIdsMatchRuntimeNames) {
  absl::StatusOr<std::unique_ptr<Binary>> binary =
      Binary::Open(GetParam().path);
  ASSERT_TRUE(binary.ok()) << binary.status();
  const Pclntab& table = (*binary)->pclntab();
  ASSERT_TRUE(table.go_version().has_value()) << "fixtures carry buildinfo";
  const bool has_flags = table.go_version()->AtLeast(17);
  int special = 0;
  for (uint32_t i = 0; i < table.num_funcs(); ++i) {
    absl::StatusOr<Func> func = table.FuncAt(i);
    if (!func.ok()) continue;
    absl::StatusOr<absl::string_view> name = func->Name();
    ASSERT_TRUE(name.ok()) << name.status();
    const FuncId by_name = FuncIdFromName(*name);
    const FuncId id = func->func_id();
    if (by_name == FuncId::kNormal || id == FuncId::kWrapper) continue;
    // Go 1.17+ stopped giving some of these an ID (e.g. runtime.abort only
    // has one from 1.17, externalthreadhandler is gone); an ID that is set
    // must be the named one.
    if (id != FuncId::kNormal) {
      EXPECT_EQ(FuncIdName(id), FuncIdName(by_name)) << *name;
      ++special;
    }
    if (has_flags &&
        (by_name == FuncId::kGoexit || by_name == FuncId::kMstart ||
         by_name == FuncId::kRt0Go)) {
      EXPECT_TRUE(func->flags() & kFuncFlagTopFrame) << *name;
    }
    if (has_flags &&
        (by_name == FuncId::kMcall || by_name == FuncId::kMorestack ||
         by_name == FuncId::kSystemstack)) {
      EXPECT_TRUE(func->flags() & kFuncFlagSpWrite) << *name;
    }
  }
  EXPECT_GE(special, 8) << "too few runtime functions carry their ID";
}

TEST_P(FuncMetadataTest, CalibratedTableMatchesTheRelease) {
  absl::StatusOr<std::unique_ptr<Binary>> binary =
      Binary::Open(GetParam().path);
  ASSERT_TRUE(binary.ok()) << binary.status();
  const Pclntab& known = (*binary)->pclntab();
  std::optional<ByteReader> bytes =
      (*binary)->elf().Read((*binary)->pclntab_address(), known.size());
  ASSERT_TRUE(bytes.has_value());
  Pclntab::Options options;  // no Go version: calibrate
  options.text_start = known.text_start();
  absl::StatusOr<std::unique_ptr<Pclntab>> unknown =
      Pclntab::Parse(ByteReader(bytes->data(), (*binary)->elf().byte_order()),
                     std::move(options));
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  ASSERT_TRUE((*unknown)->func_ids_calibrated());
  const FuncIdTable* expected = known.func_id_table();
  const FuncIdTable* calibrated = (*unknown)->func_id_table();
  if (expected == nullptr) GTEST_SKIP() << "release without funcIDs";
  ASSERT_NE(calibrated, nullptr);
  // Releases sharing a format can share a table (1.18-1.21); equal tables
  // are what matters.
  EXPECT_EQ(calibrated->ids.size(), expected->ids.size())
      << "calibrated " << calibrated->releases << ", release says "
      << expected->releases;
  EXPECT_TRUE(std::equal(calibrated->ids.begin(), calibrated->ids.end(),
                         expected->ids.begin(), expected->ids.end()))
      << "calibrated " << calibrated->releases << ", release says "
      << expected->releases;
}

// A binary whose section headers are gone is found by the magic scan and
// symbolizes exactly like the original.
TEST_P(FuncMetadataTest, SectionHeadersStrippedStillSymbolizes) {
  std::string image = gentrace::testing::ReadFileOrEmpty(GetParam().path);
  ASSERT_GT(image.size(), 64u);
  const bool is64 = image[4] == 2;
  // e_shoff = 0, e_shnum = 0, e_shstrndx = 0.
  for (int i = 0; i < (is64 ? 8 : 4); ++i) image[(is64 ? 40 : 32) + i] = 0;
  for (int i = 0; i < 2; ++i) image[(is64 ? 60 : 48) + i] = 0;
  for (int i = 0; i < 2; ++i) image[(is64 ? 62 : 50) + i] = 0;
  absl::StatusOr<std::unique_ptr<Binary>> original =
      Binary::Open(GetParam().path);
  absl::StatusOr<std::unique_ptr<Binary>> headless = Binary::FromBytes(image);
  ASSERT_TRUE(original.ok()) << original.status();
  ASSERT_TRUE(headless.ok()) << headless.status();
  EXPECT_EQ((*headless)->pclntab_source(), PclntabSource::kMagicScan);
  EXPECT_EQ((*headless)->pclntab_address(), (*original)->pclntab_address());
  ASSERT_TRUE((*headless)->build_info().has_value());
  EXPECT_EQ((*headless)->build_info()->go_version,
            (*original)->build_info()->go_version);
  std::vector<gentrace::testing::Addr2lineRow> rows =
      gentrace::testing::ReadAddr2line(GetParam().path + ".addr2line.tsv");
  int compared = 0, inlined = 0;
  for (const auto& row : rows) {
    std::vector<SourceFrame> want, got;
    absl::Status want_status = (*original)->Symbolize(row.pc, &want);
    absl::Status got_status = (*headless)->Symbolize(row.pc, &got);
    ASSERT_EQ(want_status.code(), got_status.code())
        << "0x" << std::hex << row.pc;
    ASSERT_EQ(want.size(), got.size()) << "0x" << std::hex << row.pc;
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(want[i].function, got[i].function);
      EXPECT_EQ(want[i].file, got[i].file);
      EXPECT_EQ(want[i].line, got[i].line);
    }
    inlined += want.size() > 1;
    ++compared;
  }
  EXPECT_GT(compared, 100);
  RecordProperty("inlined_pcs", inlined);
}

std::vector<FixtureBinary> Binaries() {
  std::vector<FixtureBinary> out;
  for (FixtureBinary& b : AllFixtureBinaries()) {
    // Default builds of every arch and toolchain, and every esbuild.
    if (b.variant == "default" || b.variant == "esbuild") {
      out.push_back(std::move(b));
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FuncMetadataTest,
                         ::testing::ValuesIn(Binaries()),
                         gentrace::testing::FixtureTestName());

TEST(FuncMetadataFixturesTest, ArePresent) {
  ASSERT_FALSE(Binaries().empty())
      << gentrace::testing::MissingFixturesMessage();
}

}  // namespace
}  // namespace gentrace::symtab
