// The symbolization index against the pclntab it was built from: at every
// PC of every fixture binary, what the index answers is exactly what
// Binary::Symbolize answers, and Symbolizer answers as the binary does.
#include "symtab/symbol_index.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "symtab/symbolizer.h"
#include "tests/testing/fixtures.h"

namespace gentrace::symtab {
namespace {

using ::gentrace::testing::FixtureBinary;

std::string Describe(const std::vector<SourceFrame>& frames) {
  std::string line;
  for (const SourceFrame& f : frames) {
    absl::StrAppend(&line, f.function, " ", f.file, ":", f.line, " ", f.inlined,
                    " ", FuncIdName(f.func_id), " from ", f.start_line, ";");
  }
  return line;
}

// The fixture binary and the index built from it.
class SymbolIndexTest : public ::testing::TestWithParam<FixtureBinary> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Binary>> binary =
        Binary::Open(GetParam().path);
    ASSERT_TRUE(binary.ok()) << binary.status();
    binary_ = *std::move(binary);
    absl::StatusOr<std::string> bytes = SymbolIndex::Build(*binary_);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    index_size_ = bytes->size();
    absl::StatusOr<std::unique_ptr<SymbolIndex>> index =
        SymbolIndex::FromBytes(*std::move(bytes), *binary_);
    ASSERT_TRUE(index.ok()) << index.status();
    index_ = *std::move(index);
  }

  std::unique_ptr<Binary> binary_;
  std::unique_ptr<SymbolIndex> index_;
  uint64_t index_size_ = 0;
};

TEST_P(SymbolIndexTest, AnswersAsThePclntabAtEveryPc) {
  const Pclntab& table = binary_->pclntab();
  uint64_t pcs = 0, answered = 0, indexed = 0, mismatches = 0;
  std::vector<SourceFrame> want, got;
  // Every PC of the text, and a little on either side of it.
  const uint64_t step = table.pc_quantum() * gentrace::testing::PcWalkStride();
  for (uint64_t pc = table.min_pc() - 64; pc < table.max_pc() + 64;
       pc += step) {
    ++pcs;
    want.clear();
    got.clear();
    const bool ok = binary_->Symbolize(pc, &want).ok();
    answered += ok;
    if (!index_->Symbolize(pc, &got)) {
      EXPECT_TRUE(got.empty());
      continue;
    }
    ++indexed;
    if ((!ok || Describe(got) != Describe(want)) && ++mismatches <= 5) {
      ADD_FAILURE() << absl::StrCat("0x", absl::Hex(pc), ": index ",
                                    Describe(got), "\n  pclntab ",
                                    ok ? Describe(want) : "an error");
    }
  }
  EXPECT_EQ(mismatches, 0u);
  // The index answers all the pclntab answers, but for functions whose
  // tables do not decode.
  EXPECT_GE(indexed, answered * 99 / 100) << indexed << " of " << answered;
  RecordProperty("pcs", static_cast<int>(pcs));
  RecordProperty("indexed", static_cast<int>(indexed));
  RecordProperty("index_bytes", static_cast<int>(index_size_));
  RecordProperty("pclntab_bytes", static_cast<int>(table.size()));
}

// Symbolizer answers as Binary::Symbolize does alone, one PC at a time and
// in batches (shuffled, every PC twice, answered in the caller's order),
// without the index and with it, as linked and loaded elsewhere.
TEST_P(SymbolIndexTest, SymbolizerAnswersAsTheBinary) {
  constexpr uint64_t kBias = 0x5555'0000'0000;
  absl::StatusOr<std::unique_ptr<Binary>> loaded = binary_->LoadedAt(kBias);
  ASSERT_TRUE(loaded.ok()) << loaded.status();

  // Every 7th PC of the text (times PcWalkStride) and a little beyond it,
  // twice, shuffled.
  const Pclntab& table = binary_->pclntab();
  std::vector<uint64_t> linked_pcs;
  const uint64_t step = 7 * gentrace::testing::PcWalkStride();
  for (uint64_t pc = table.min_pc() - 64; pc < table.max_pc() + 64;
       pc += step) {
    linked_pcs.push_back(pc);
    linked_pcs.push_back(pc);
  }
  std::shuffle(linked_pcs.begin(), linked_pcs.end(), std::mt19937_64(3));
  auto describe = [](const absl::Status& status,
                     const std::vector<SourceFrame>& frames) {
    return status.ok() ? Describe(frames)
                       : absl::StatusCodeToString(status.code());
  };
  for (const Binary* binary : {binary_.get(), loaded->get()}) {
    const uint64_t bias = binary->load_bias();
    std::vector<uint64_t> pcs = linked_pcs;
    for (uint64_t& pc : pcs) pc += bias;
    for (const SymbolIndex* with :
         {static_cast<SymbolIndex*>(nullptr), index_.get()}) {
      SCOPED_TRACE(absl::StrCat("load bias 0x", absl::Hex(bias),
                                with ? ", with the index" : ""));
      const Symbolizer symbolizer(*binary, with);
      std::vector<Symbolizer::BatchResult> results;
      std::vector<SourceFrame> batch_frames, want, got;
      symbolizer.SymbolizeBatch(pcs, &results, &batch_frames);
      ASSERT_EQ(results.size(), pcs.size());
      int mismatches = 0;
      for (size_t i = 0; i < pcs.size(); ++i) {
        want.clear();
        got.clear();
        const std::string expected =
            describe(binary->Symbolize(pcs[i], &want), want);
        const std::string alone =
            describe(symbolizer.Symbolize(pcs[i], &got), got);
        const std::string batched = describe(
            results[i].status,
            std::vector<SourceFrame>(
                batch_frames.begin() + results[i].first,
                batch_frames.begin() + results[i].first + results[i].count));
        if ((alone != expected || batched != expected) && ++mismatches <= 5) {
          ADD_FAILURE() << absl::StrCat("0x", absl::Hex(pcs[i]), ": ", expected,
                                        "\n  alone ", alone, "\n  batched ",
                                        batched);
        }
      }
      EXPECT_EQ(mismatches, 0);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, SymbolIndexTest,
    ::testing::ValuesIn(gentrace::testing::FixturesWith(".addr2line.tsv")),
    gentrace::testing::FixtureTestName());
// The same program for macOS and Windows: Mach-O and PE files.
INSTANTIATE_TEST_SUITE_P(
    Foreign, SymbolIndexTest,
    ::testing::ValuesIn(gentrace::testing::ForeignFixtureBinaries()),
    gentrace::testing::FixtureTestName());

}  // namespace
}  // namespace gentrace::symtab
