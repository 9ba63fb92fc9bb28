// An index that is stale, of another version, truncated or corrupted (also
// with its checksum made to match) is refused with an error, never read
// (also run under ASan/UBSan).
#include <cstring>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "symtab/symbol_index.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/symbol_index_forgery.h"

namespace gentrace::symtab {
namespace {

class SymbolIndexHostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = gentrace::testing::SymbolizeFixture("stripped", "arm64");
    other_path_ = gentrace::testing::SymbolizeFixture("default", "amd64");
    if (path_.empty() || other_path_.empty()) {
      GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
    }
    binary_ = *Binary::Open(path_);
    index_ = *SymbolIndex::Build(*binary_);
  }

  absl::Status Open(std::string bytes) {
    return SymbolIndex::FromBytes(std::move(bytes), *binary_).status();
  }

  std::string path_, other_path_;
  std::unique_ptr<Binary> binary_;
  std::string index_;
};

TEST_F(SymbolIndexHostileTest, AStaleIndexIsRefused) {
  std::unique_ptr<Binary> other = *Binary::Open(other_path_);
  absl::Status status =
      SymbolIndex::FromBytes(*SymbolIndex::Build(*other), *binary_).status();
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  EXPECT_TRUE(Open(index_).ok());
}

TEST_F(SymbolIndexHostileTest, AnotherVersionIsRefused) {
  std::string bytes = index_;
  bytes[8] = static_cast<char>(SymbolIndex::kVersion + 1);
  EXPECT_TRUE(absl::IsFailedPrecondition(Open(bytes)));
}

TEST_F(SymbolIndexHostileTest, TruncationsAndFlippedBytesAreRefused) {
  for (size_t size : {size_t{0}, size_t{7}, size_t{63}, size_t{64},
                      index_.size() / 2, index_.size() - 1}) {
    EXPECT_TRUE(absl::IsDataLoss(Open(index_.substr(0, size)))) << size;
  }
  std::mt19937_64 random(1);
  for (int i = 0; i < 200; ++i) {
    std::string bytes = index_;
    const size_t at = 64 + random() % (bytes.size() - 64);
    bytes[at] ^= static_cast<char>(1 + random() % 255);
    EXPECT_TRUE(absl::IsDataLoss(Open(bytes))) << "byte " << at;
  }
}

// With the checksum forged to match, every structural check stands alone:
// words anywhere in the file set to hostile values either still open (a
// string's bytes, a line number) or are refused; none makes a lookup read
// outside the file (ASan runs this test).
TEST_F(SymbolIndexHostileTest, ForgedStructureIsRefusedOrHarmless) {
  std::mt19937_64 random(2);
  const uint32_t hostile[] = {0,          1,          0x7fffffff, 0x80000000,
                              0xffffffff, 0x00ffffff, 4096};
  int refused = 0, opened = 0;
  std::vector<SourceFrame> frames;
  for (int i = 0; i < 3000; ++i) {
    std::string bytes = index_;
    const size_t at = 32 + 4 * (random() % ((bytes.size() - 32) / 4));
    const uint32_t value = hostile[random() % std::size(hostile)];
    std::memcpy(bytes.data() + at, &value, 4);
    gentrace::testing::ResealSymbolIndex(&bytes);
    absl::StatusOr<std::unique_ptr<SymbolIndex>> index =
        SymbolIndex::FromBytes(bytes, *binary_);
    if (!index.ok()) {
      ++refused;
      continue;
    }
    ++opened;
    const Pclntab& table = binary_->pclntab();
    for (int k = 0; k < 64; ++k) {
      frames.clear();
      (*index)->Symbolize(
          table.min_pc() + random() % (table.max_pc() - table.min_pc()),
          &frames);
    }
  }
  RecordProperty("refused", refused);
  RecordProperty("opened", opened);
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace gentrace::symtab
