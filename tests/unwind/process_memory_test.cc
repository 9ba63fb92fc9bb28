#include "target/process_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "gtest/gtest.h"
#include "symtab/byte_reader.h"

namespace gentrace::unwind {
namespace {

uint64_t Addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }

size_t PageSize() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }

target::ProcessMemory Snapshot() {
  absl::StatusOr<target::ProcessMemory> memory =
      target::ProcessMemory::FromProcSelfMaps();
  EXPECT_TRUE(memory.ok()) << memory.status();
  return memory.ok() ? *std::move(memory)
                     : target::ProcessMemory::FromRanges({});
}

// Anonymous pages unmapped when the test ends.
class Pages {
 public:
  explicit Pages(size_t count) : size_(count * PageSize()) {
    void* p = mmap(nullptr, size_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    base_ = p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
  }
  ~Pages() {
    if (base_ != nullptr) munmap(base_, size_);
  }
  Pages(const Pages&) = delete;
  Pages& operator=(const Pages&) = delete;

  uint8_t* page(size_t i) const { return base_ + i * PageSize(); }
  bool ok() const { return base_ != nullptr; }

 private:
  size_t size_;
  uint8_t* base_;
};

TEST(ProcessMemoryTest, ReadsStackAndHeapInPlace) {
  const uint64_t local = 0x0123456789abcdef;
  auto heap = std::make_unique<uint8_t[]>(100);
  for (int i = 0; i < 100; ++i) heap[i] = static_cast<uint8_t>(i * 7);
  const target::ProcessMemory memory = Snapshot();

  std::optional<symtab::ByteReader> l = memory.Read(Addr(&local), 8);
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->data().data(), reinterpret_cast<const uint8_t*>(&local));
  EXPECT_EQ(l->U64(0), local);  // host byte order

  std::optional<symtab::ByteReader> h = memory.Read(Addr(heap.get()), 100);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(std::memcmp(h->data().data(), heap.get(), 100), 0);
  // The snapshot is of addresses, not bytes: later writes show.
  heap[5] = 0xee;
  EXPECT_EQ(h->U8(5), 0xee);

  // Code is readable too (the binary's text).
  EXPECT_TRUE(memory.Read(Addr(reinterpret_cast<const void*>(&PageSize)), 1)
                  .has_value());
}

TEST(ProcessMemoryTest, UnmappedAddressesAreNotRead) {
  const size_t page = PageSize();
  Pages pages(3);
  ASSERT_TRUE(pages.ok());
  ASSERT_EQ(munmap(pages.page(1), page), 0);
  const target::ProcessMemory memory = Snapshot();
  EXPECT_FALSE(memory.ReadToEnd(0).has_value());
  EXPECT_FALSE(memory.Read(0, 1).has_value());
  EXPECT_FALSE(memory.ReadToEnd(Addr(pages.page(1))).has_value());
  EXPECT_FALSE(memory.ReadToEnd(Addr(pages.page(1)) + page / 2).has_value());
  // The pages either side are still there, and the first ends at the hole.
  std::optional<symtab::ByteReader> before =
      memory.ReadToEnd(Addr(pages.page(1)) - 8);
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->size(), 8u);
  EXPECT_TRUE(memory.ReadToEnd(Addr(pages.page(2))).has_value());
  EXPECT_FALSE(memory.ReadToEnd(~uint64_t{0}).has_value());
}

TEST(ProcessMemoryTest, ReadToEndStopsAtTheMappingEnd) {
  const size_t page = PageSize();
  Pages pages(2);
  ASSERT_TRUE(pages.ok());
  ASSERT_EQ(mprotect(pages.page(0), 2 * page, PROT_READ), 0);
  ASSERT_EQ(mprotect(pages.page(1), page, PROT_NONE), 0);
  const target::ProcessMemory memory = Snapshot();
  std::optional<symtab::ByteReader> first =
      memory.ReadToEnd(Addr(pages.page(0)));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->size(), page);
  EXPECT_FALSE(memory.ReadToEnd(Addr(pages.page(1))).has_value());
  EXPECT_FALSE(memory.Read(Addr(pages.page(0)), page + 1).has_value());
  EXPECT_TRUE(memory.Read(Addr(pages.page(0)), page).has_value());
}

TEST(ProcessMemoryTest, SnapshotRangesAreSortedDisjointAndSeparate) {
  const target::ProcessMemory memory = Snapshot();
  const std::vector<target::ProcessMemory::Range>& ranges = memory.ranges();
  ASSERT_FALSE(ranges.empty());
  for (size_t i = 0; i < ranges.size(); ++i) {
    EXPECT_LT(ranges[i].start, ranges[i].end);
    if (i > 0) {
      EXPECT_LT(ranges[i - 1].end, ranges[i].start);
    }
  }
}

TEST(ProcessMemoryTest, FromRangesAnswersOnlyInsideItsRanges) {
  uint8_t buffer[64];
  for (int i = 0; i < 64; ++i) buffer[i] = static_cast<uint8_t>(i);
  const uint64_t b = Addr(buffer);
  // Out of order, one empty, two that touch.
  const target::ProcessMemory memory = target::ProcessMemory::FromRanges(
      {{b + 40, b + 48}, {b + 16, b + 24}, {b + 50, b + 50}, {b + 24, b + 32}});
  ASSERT_EQ(memory.ranges().size(), 2u);

  EXPECT_FALSE(memory.ReadToEnd(b).has_value());
  EXPECT_FALSE(memory.ReadToEnd(b + 15).has_value());
  std::optional<symtab::ByteReader> at = memory.ReadToEnd(b + 16);
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(at->size(), 16u);  // [16, 32) merged
  EXPECT_EQ(at->U8(0), 16);
  EXPECT_EQ(at->data().data(), buffer + 16);
  std::optional<symtab::ByteReader> last = memory.ReadToEnd(b + 31);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->size(), 1u);
  EXPECT_EQ(last->U8(0), 31);
  EXPECT_FALSE(memory.ReadToEnd(b + 32).has_value());
  EXPECT_FALSE(memory.ReadToEnd(b + 39).has_value());
  std::optional<symtab::ByteReader> second = memory.ReadToEnd(b + 40);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->size(), 8u);
  EXPECT_EQ(memory.ReadToEnd(b + 47)->size(), 1u);
  EXPECT_FALSE(memory.ReadToEnd(b + 48).has_value());
  EXPECT_FALSE(memory.ReadToEnd(b + 50).has_value());
  EXPECT_FALSE(memory.Read(b + 28, 8).has_value());
  EXPECT_TRUE(memory.Read(b + 28, 4).has_value());
}

TEST(ProcessMemoryTest, FromRangesMergesOverlaps) {
  uint8_t buffer[32] = {};
  const uint64_t b = Addr(buffer);
  const target::ProcessMemory memory = target::ProcessMemory::FromRanges(
      {{b, b + 20}, {b + 4, b + 8}, {b + 10, b + 32}});
  ASSERT_EQ(memory.ranges().size(), 1u);
  EXPECT_EQ(memory.ReadToEnd(b)->size(), 32u);
  EXPECT_EQ(memory.ReadToEnd(b + 31)->size(), 1u);
}

TEST(ProcessMemoryTest, EmptyHasNothing) {
  const target::ProcessMemory memory = target::ProcessMemory::FromRanges({});
  EXPECT_TRUE(memory.ranges().empty());
  EXPECT_FALSE(memory.ReadToEnd(0).has_value());
  EXPECT_FALSE(memory.ReadToEnd(Addr(&memory)).has_value());
}

}  // namespace
}  // namespace gentrace::unwind
