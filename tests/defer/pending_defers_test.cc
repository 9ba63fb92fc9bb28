// The defer machinery on hand-made memory: open-coded defer info in its three
// formats, and the _defer chain with the damage a core can carry (cycles,
// wild pointers, records of no frame, endless chains), which must end with a
// problem named, never a hang. The real programs' defers are checked against
// what they run in pending_defers_live_test.
#include "goruntime/pending_defers.h"

#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "arch/arch.h"
#include "goruntime/defer_layout.h"
#include "goruntime/open_coded.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "target/range_memory.h"
#include "tests/testing/fixtures.h"

namespace gentrace::goruntime {
namespace {

using symtab::ByteOrder;
using symtab::ByteReader;
using symtab::GoVersion;

absl::StatusOr<OpenCodedDefers> Decode(const std::vector<uint8_t>& bytes,
                                       int minor) {
  return DecodeOpenCodedDeferInfo(ByteReader(bytes, ByteOrder::kLittle),
                                  GoVersion{.minor = minor});
}

TEST(OpenCodedDeferInfoTest, Go117RecordsCarryArguments) {
  // maxargsize 16, deferBits at varp-9, 2 defers; the last statement's record
  // first: argWidth 8, closure at varp-24, one argument (32, 8, 0); then the
  // first statement's: argWidth 0, closure at varp-16, no arguments.
  absl::StatusOr<OpenCodedDefers> info =
      Decode({16, 9, 2, 8, 24, 1, 32, 8, 0, 0, 16, 0}, 17);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->defer_bits_offset, 9u);
  EXPECT_EQ(info->closure_offsets, (std::vector<uint64_t>{16, 24}));
  EXPECT_EQ(info->ClosureSlot(0x1000, 1, 8), 0x1000u - 24);
  EXPECT_FALSE(info->ClosureSlot(0x1000, 2, 8).has_value());
}

TEST(OpenCodedDeferInfoTest, Go118ClosureOffsetsOnly) {
  absl::StatusOr<OpenCodedDefers> info = Decode({9, 3, 40, 0x80, 0x01, 24}, 18);
  ASSERT_TRUE(info.ok()) << info.status();
  // Reverse order: the first number is defer 2's.
  EXPECT_EQ(info->closure_offsets, (std::vector<uint64_t>{24, 128, 40}));
}

TEST(OpenCodedDeferInfoTest, Go122ContiguousSlots) {
  absl::StatusOr<OpenCodedDefers> info = Decode({9, 48}, 22);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->ClosureSlot(0x1000, 0, 8), 0x1000u - 48);
  EXPECT_EQ(info->ClosureSlot(0x1000, 3, 8), 0x1000u - 48 + 24);
  EXPECT_FALSE(info->ClosureSlot(0x1000, 8, 8).has_value());
}

TEST(OpenCodedDeferInfoTest, DamageIsAnError) {
  EXPECT_FALSE(Decode({}, 22).ok());
  EXPECT_FALSE(Decode({9}, 22).ok());
  EXPECT_FALSE(Decode({9, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 18).ok());  // 9 defers
  EXPECT_FALSE(Decode({9, 2, 40}, 18).ok());  // truncated
  EXPECT_FALSE(Decode({0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 22).ok());
  EXPECT_FALSE(Decode({16, 9, 1, 0, 16, 0x90, 0x4e}, 17).ok());  // 10000 args
}

// A goroutine in made-up memory: a g with its _defer head, and records.
class Chain {
 public:
  static constexpr uint64_t kG = 0x10000;
  static constexpr uint64_t kRecords = 0x20000;
  static constexpr uint64_t kPanics = 0x28000;
  static constexpr uint64_t kPanicSize = 104;

  explicit Chain(const DeferLayout& layout) : layout_(layout) {}

  // Appends record n (at kRecords + n * size) for the frame at `sp`,
  // linking to `link` (record index, or -1 for none).
  void Add(uint64_t sp, uint64_t fn, int link) {
    const uint64_t size = layout_.size;
    std::string record(size, '\0');
    Put(&record, layout_.sp, sp);
    Put(&record, layout_.fn, fn);
    Put(&record, layout_.link, link < 0 ? 0 : kRecords + link * size);
    record[layout_.heap] = 1;
    records_ += record;
  }
  void SetHead(uint64_t head) { head_ = head; }
  // _panic records at kPanics, each linked to the next; the last links to
  // `last_link` (0: none).
  void SetPanics(int count, uint64_t last_link, bool newest_recovered) {
    panics_.assign(count * kPanicSize, '\0');
    for (int i = 0; i < count; ++i) {
      Put(&panics_, i * kPanicSize + layout_.panic_link,
          i + 1 < count ? kPanics + (i + 1) * kPanicSize : last_link);
    }
    if (count > 0) panics_[layout_.panic_recovered] = newest_recovered;
  }

  absl::StatusOr<target::RangeMemory> Memory() const {
    std::string g(64, '\0');
    Put(&g, layout_.g_defer, head_);
    Put(&g, layout_.g_panic, panics_.empty() ? 0 : kPanics);
    // A funcval for every fn: its code pointer is itself + 0x100.
    std::string funcvals(0x1000, '\0');
    for (uint64_t i = 0; i < 0x1000 / 8; ++i) {
      Put(&funcvals, i * 8, 0x30000 + i * 8 + 0x100);
    }
    std::vector<target::RangeMemory::Range> ranges = {
        {kG, g}, {kRecords, records_}, {0x30000, funcvals}};
    if (!panics_.empty()) ranges.push_back({kPanics, panics_});
    return target::RangeMemory::Create(std::move(ranges), ByteOrder::kLittle);
  }

 private:
  static void Put(std::string* bytes, uint64_t offset, uint64_t value) {
    std::memcpy(bytes->data() + offset, &value, 8);
  }
  const DeferLayout& layout_;
  std::string records_;
  std::string panics_;
  uint64_t head_ = kRecords;
};

class PendingDefersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const testing::FixtureBinary& b : testing::AllFixtureBinaries()) {
      if (b.toolchain == "go1.19" && b.goarch == "amd64" &&
          b.variant == "default" &&
          b.path.find("/stepping/") != std::string::npos) {
        absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
            symtab::Binary::Open(b.path);
        ASSERT_TRUE(binary.ok()) << binary.status();
        binary_ = std::move(*binary);
      }
    }
    if (binary_ == nullptr) GTEST_SKIP() << "no go1.19 amd64 stepping program";
    layout_ = *DeferLayoutFor(GoVersion{.minor = 19}, 8);
    // Frames in functions without open-coded defers (pc 0: none at all).
    frames_ = {{.lookup_pc = 0, .sp = 0x7000, .fp = 0x7100},
               {.lookup_pc = 0, .sp = 0x7100, .fp = 0x7200}};
  }

  PendingDefers Find(const Chain& chain) {
    absl::StatusOr<target::RangeMemory> memory = chain.Memory();
    EXPECT_TRUE(memory.ok()) << memory.status();
    return FindPendingDefers(binary_->pclntab(), *memory, layout_,
                             *arch::ArchByGoarch("amd64"), Chain::kG, frames_);
  }

  std::unique_ptr<symtab::Binary> binary_;
  DeferLayout layout_;
  std::vector<DeferFrame> frames_;
};

TEST_F(PendingDefersTest, RecordsRunInnermostFrameFirstNewestFirst) {
  Chain chain(layout_);
  chain.Add(0x7000, 0x30010, 1);
  chain.Add(0x7100, 0x30020, 2);
  chain.Add(0x7000, 0x30030, -1);  // an older record of the inner frame
  const PendingDefers pending = Find(chain);
  ASSERT_EQ(pending.calls.size(), 3u);
  EXPECT_EQ(pending.calls[0].closure, 0x30010u);
  EXPECT_EQ(pending.calls[0].fn, 0x30110u);
  EXPECT_EQ(pending.calls[1].closure, 0x30030u);
  EXPECT_EQ(pending.calls[1].frame, 0);
  EXPECT_EQ(pending.calls[2].frame, 1);
  EXPECT_EQ(pending.calls[2].kind, DeferKind::kHeap);
  EXPECT_TRUE(pending.problems.empty())
      << absl::StrJoin(pending.problems, "; ");
}

TEST_F(PendingDefersTest, ACalleeWithoutAFrameYetSharesTheCallersSp) {
  // deferreturn at its entry on an LR machine: its SP is still its
  // caller's, whose record it is.
  frames_.insert(frames_.begin(), {.lookup_pc = 0, .sp = 0x7000, .fp = 0x7000});
  Chain chain(layout_);
  chain.Add(0x7000, 0x30010, -1);
  const PendingDefers pending = Find(chain);
  ASSERT_EQ(pending.calls.size(), 1u);
  EXPECT_EQ(pending.calls[0].frame, 1);
}

TEST_F(PendingDefersTest, ACycleEndsTheChain) {
  Chain chain(layout_);
  chain.Add(0x7000, 0x30010, 1);
  chain.Add(0x7100, 0x30020, 0);  // back to the first
  const PendingDefers pending = Find(chain);
  EXPECT_EQ(pending.calls.size(), 2u);
  ASSERT_EQ(pending.problems.size(), 1u);
  EXPECT_NE(pending.problems[0].find("loops back"), std::string::npos);
}

TEST_F(PendingDefersTest, WildPointersAreNamed) {
  Chain chain(layout_);
  chain.Add(0x7000, 0xdead0000, 1);  // a function value nowhere
  chain.Add(0x7100, 0x30020, 5);     // a link past the records
  const PendingDefers pending = Find(chain);
  EXPECT_EQ(pending.calls.size(), 2u);
  ASSERT_EQ(pending.problems.size(), 2u)
      << absl::StrJoin(pending.problems, "; ");
  EXPECT_NE(pending.problems[0].find("unreadable function value"),
            std::string::npos);
  EXPECT_NE(pending.problems[1].find("is unreadable"), std::string::npos);
}

TEST_F(PendingDefersTest, RecordsOfNoFrameAreReported) {
  Chain chain(layout_);
  chain.Add(0x7400, 0x30010, -1);
  const PendingDefers pending = Find(chain);
  EXPECT_TRUE(pending.calls.empty());
  ASSERT_EQ(pending.problems.size(), 1u);
  EXPECT_NE(pending.problems[0].find("belongs to no frame"), std::string::npos);
}

TEST_F(PendingDefersTest, AnEndlessChainIsCut) {
  Chain chain(layout_);
  constexpr int kLength = 100500;
  for (int i = 0; i < kLength; ++i) {
    chain.Add(0x7000, 0x30010, i + 1 < kLength ? i + 1 : -1);
  }
  const PendingDefers pending = Find(chain);
  EXPECT_EQ(pending.calls.size(), 100000u);
  ASSERT_EQ(pending.problems.size(), 1u);
  EXPECT_NE(pending.problems[0].find("cut after 100000"), std::string::npos);
}

TEST_F(PendingDefersTest, PanicsAreCounted) {
  Chain chain(layout_);
  chain.Add(0x7000, 0x30010, -1);
  chain.SetPanics(2, 0, /*newest_recovered=*/true);
  const PendingDefers pending = Find(chain);
  EXPECT_EQ(pending.panics, 2);
  EXPECT_TRUE(pending.newest_panic_recovered);
  EXPECT_TRUE(pending.problems.empty())
      << absl::StrJoin(pending.problems, "; ");
}

TEST_F(PendingDefersTest, APanicChainThatLoopsOrLeadsNowhereIsAProblem) {
  for (uint64_t last_link : {Chain::kPanics, uint64_t{0xbad0000}}) {
    Chain chain(layout_);
    chain.Add(0x7000, 0x30010, -1);
    chain.SetPanics(3, last_link, false);
    const PendingDefers pending = Find(chain);
    EXPECT_EQ(pending.calls.size(), 1u);
    ASSERT_EQ(pending.problems.size(), 1u);
    EXPECT_NE(pending.problems[0].find(
                  last_link == Chain::kPanics ? "loops" : "is unreadable"),
              std::string::npos)
        << pending.problems[0];
  }
}

TEST_F(PendingDefersTest, AnUnreadableGoroutineIsAProblem) {
  Chain chain(layout_);
  absl::StatusOr<target::RangeMemory> memory = chain.Memory();
  ASSERT_TRUE(memory.ok());
  const PendingDefers pending =
      FindPendingDefers(binary_->pclntab(), *memory, layout_,
                        *arch::ArchByGoarch("amd64"), /*g=*/0x999000, frames_);
  EXPECT_TRUE(pending.calls.empty());
  ASSERT_EQ(pending.problems.size(), 2u);
  EXPECT_NE(pending.problems[0].find("g._panic"), std::string::npos);
  EXPECT_NE(pending.problems[1].find("g._defer"), std::string::npos);
}

}  // namespace
}  // namespace gentrace::goruntime
