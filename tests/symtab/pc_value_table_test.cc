#include "symtab/pc_value_table.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"
#include "symtab/decoded_pc_table.h"

namespace gentrace::symtab {
namespace {

ByteReader Bytes(const std::vector<uint8_t>& bytes) {
  return ByteReader(absl::MakeConstSpan(bytes), ByteOrder::kLittle);
}

// The encoding, written independently of the decoder: for each run, the
// zig-zag value delta and the pc delta divided by the quantum, as uvarints.
std::vector<uint8_t> Encode(
    const std::vector<std::pair<int32_t, uint32_t>>& runs, int quantum) {
  std::vector<uint8_t> out;
  auto uvarint = [&](uint32_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<uint8_t>(v));
  };
  int32_t value = -1;
  for (auto [next, length] : runs) {
    const int32_t delta = next - value;
    uvarint(delta < 0 ? (static_cast<uint32_t>(-delta) << 1) - 1
                      : static_cast<uint32_t>(delta) << 1);
    uvarint(length / quantum);
    value = next;
  }
  out.push_back(0);
  return out;
}

TEST(PcValueTableTest, WalksRunsWithQuantum) {
  // Typical pcsp: 0 for the prologue, 24 for the body, 0 for the epilogue.
  std::vector<uint8_t> table = Encode({{0, 8}, {24, 400}, {0, 4}}, 4);
  PcValueTable walk(Bytes(table), 0x1000, 4);
  ASSERT_TRUE(walk.Next());
  EXPECT_EQ(walk.value(), 0);
  EXPECT_EQ(walk.start_pc(), 0x1000u);
  EXPECT_EQ(walk.end_pc(), 0x1008u);
  ASSERT_TRUE(walk.Next());
  EXPECT_EQ(walk.value(), 24);
  EXPECT_EQ(walk.end_pc(), 0x1008u + 400);
  ASSERT_TRUE(walk.Next());
  EXPECT_EQ(walk.value(), 0);
  EXPECT_FALSE(walk.Next());
  EXPECT_TRUE(walk.status().ok());
}

TEST(PcValueTableTest, LookupAtBoundaries) {
  std::vector<uint8_t> table = Encode({{10, 3}, {-5, 200}, {7, 1}}, 1);
  EXPECT_EQ(*PcValueAt(Bytes(table), 100, 1, 100), 10);
  EXPECT_EQ(*PcValueAt(Bytes(table), 100, 1, 102), 10);
  EXPECT_EQ(*PcValueAt(Bytes(table), 100, 1, 103), -5);
  EXPECT_EQ(*PcValueAt(Bytes(table), 100, 1, 302), -5);
  EXPECT_EQ(*PcValueAt(Bytes(table), 100, 1, 303), 7);
  EXPECT_TRUE(absl::IsNotFound(PcValueAt(Bytes(table), 100, 1, 304).status()));
  EXPECT_TRUE(absl::IsNotFound(PcValueAt(Bytes(table), 100, 1, 99).status()));
}

TEST(PcValueTableTest, MultiByteVarints) {
  // A value of 100000 and a 70000-byte run need three-byte varints.
  std::vector<uint8_t> table = Encode({{100000, 70000}}, 1);
  ASSERT_GT(table.size(), 5u);
  EXPECT_EQ(*PcValueAt(Bytes(table), 0, 1, 69999), 100000);
}

TEST(PcValueTableTest, TruncatedTableIsDataLoss) {
  std::vector<uint8_t> table = Encode({{4, 8}, {8, 8}}, 1);
  table.resize(3);  // cut inside the second pair
  auto value = PcValueAt(Bytes(table), 0, 1, 12);
  EXPECT_TRUE(absl::IsDataLoss(value.status())) << value.status();
}

TEST(PcValueTableTest, OverlongVarintIsDataLoss) {
  std::vector<uint8_t> table(16, 0xff);
  EXPECT_TRUE(absl::IsDataLoss(PcValueAt(Bytes(table), 0, 1, 0).status()));
}

TEST(PcValueTableTest, EmptyTable) {
  std::vector<uint8_t> table;
  EXPECT_FALSE(PcValueAt(Bytes(table), 0, 1, 0).ok());
}

TEST(DecodedPcTableTest, AnswersExactlyAsTheEncodedTable) {
  std::vector<uint8_t> table = Encode({{10, 3}, {-5, 200}, {7, 1}}, 1);
  const DecodedPcTable decoded =
      DecodedPcTable::Decode(Bytes(table), 100, 400, 1);
  for (uint64_t pc = 95; pc < 310; ++pc) {
    auto want = PcValueAt(Bytes(table), 100, 1, pc);
    auto got = decoded.ValueAt(pc);
    ASSERT_EQ(got.ok(), want.ok()) << pc;
    if (want.ok()) {
      EXPECT_EQ(*got, *want) << pc;
    } else {
      EXPECT_EQ(got.status().code(), want.status().code()) << pc;
    }
  }
}

TEST(DecodedPcTableTest, EmptyAndBrokenTables) {
  EXPECT_TRUE(absl::IsNotFound(DecodedPcTable().ValueAt(0).status()));
  const DecodedPcTable missing =
      DecodedPcTable::Decode(absl::NotFoundError("no table"), 0, 16, 1);
  EXPECT_TRUE(absl::IsNotFound(missing.ValueAt(4).status()));
  std::vector<uint8_t> truncated = Encode({{4, 8}, {8, 8}}, 1);
  truncated.resize(3);
  const DecodedPcTable broken =
      DecodedPcTable::Decode(Bytes(truncated), 0, 16, 1);
  EXPECT_EQ(*broken.ValueAt(2), 4);
  EXPECT_TRUE(absl::IsDataLoss(broken.ValueAt(12).status()));
}

}  // namespace
}  // namespace gentrace::symtab
