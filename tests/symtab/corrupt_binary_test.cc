// Truncated, zeroed, bit-flipped and hand-corrupted binaries give a clear
// error or a usable table, never a crash, hang or out-of-bounds read (this
// test runs under ASan/UBSan in CI). The inputs are mutations of real
// fixture binaries, one per pclntab format, byte order and word size.
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "tests/testing/exercise_binary.h"
#include "tests/testing/fixtures.h"

namespace gentrace::symtab {
namespace {

using ::gentrace::testing::AllFixtureBinaries;
using ::gentrace::testing::ExerciseBinary;
using ::gentrace::testing::FixtureBinary;

struct Target {
  std::string image;
  uint64_t table_offset = 0;  // file offset of the pclntab
  uint64_t table_size = 0;
  int ptr_size = 8;
  bool big_endian = false;
  std::string format;  // ELF, Mach-O, PE: what an error about it names
};

Target Load(const FixtureBinary& fixture) {
  Target t;
  t.image = gentrace::testing::ReadFileOrEmpty(fixture.path);
  absl::StatusOr<std::unique_ptr<Binary>> binary = Binary::Open(fixture.path);
  if (!binary.ok()) return t;
  const ElfFile& elf = (*binary)->elf();
  t.ptr_size = elf.ptr_size();
  t.big_endian = elf.byte_order() == ByteOrder::kBig;
  for (const ElfSegment& seg : elf.segments()) {
    const uint64_t addr = (*binary)->pclntab_address();
    if (seg.type == kPtLoad && addr >= seg.vaddr &&
        addr - seg.vaddr < seg.filesz) {
      t.table_offset = seg.offset + (addr - seg.vaddr);
    }
  }
  t.table_size = (*binary)->pclntab().size();
  t.format = std::string((*binary)->format());
  return t;
}

void PutWord(std::string* image, uint64_t at, uint64_t value, uint64_t size,
             bool big_endian) {
  for (uint64_t i = 0; i < size && at + i < image->size(); ++i) {
    const int shift = 8 * (big_endian ? size - 1 - i : i);
    (*image)[at + i] = static_cast<char>(value >> shift);
  }
}

class CorruptBinaryTest : public ::testing::TestWithParam<FixtureBinary> {
 protected:
  // Runs one mutation; failures must carry a message.
  void Check(const std::string& what, std::string image) {
    absl::Status status = ExerciseBinary(std::move(image));
    ++runs_;
    if (!status.ok()) {
      ++rejected_;
      EXPECT_FALSE(status.message().empty()) << what;
    }
  }
  int runs_ = 0;
  int rejected_ = 0;
};

TEST_P(CorruptBinaryTest, NeverCrashes) {
  const Target t = Load(GetParam());
  ASSERT_FALSE(t.image.empty());
  ASSERT_GT(t.table_size, 0u) << "pristine binary does not open";
  ASSERT_TRUE(ExerciseBinary(t.image).ok());
  std::mt19937_64 rng(0x6e7472616365);  // fixed: failures reproduce
  auto random_offset = [&](uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi - 1)(rng);
  };
  const uint64_t tab = t.table_offset, size = t.table_size;
  const uint64_t p = t.ptr_size;

  // Truncations: inside the ELF header, the headers, and all over the table.
  std::vector<uint64_t> cuts = {0,
                                1,
                                4,
                                15,
                                16,
                                51,
                                63,
                                64,
                                200,
                                4096,
                                tab,
                                tab + 7,
                                tab + 8,
                                tab + 8 + 3 * p,
                                tab + 64,
                                tab + 200,
                                tab + size / 2,
                                tab + size - 1};
  for (int i = 0; i < 24; ++i) cuts.push_back(random_offset(0, t.image.size()));
  for (uint64_t cut : cuts) {
    if (cut >= t.image.size()) continue;
    Check(absl::StrCat("truncated at ", cut), t.image.substr(0, cut));
  }

  // Zeroed 4 KiB windows.
  std::vector<uint64_t> windows = {0, tab, tab + size / 3, tab + size - 4096};
  for (int i = 0; i < 12; ++i) {
    windows.push_back(random_offset(0, t.image.size()));
  }
  for (uint64_t at : windows) {
    std::string image = t.image;
    for (uint64_t i = at; i < at + 4096 && i < image.size(); ++i) image[i] = 0;
    Check(absl::StrCat("zeroed at ", at), std::move(image));
  }

  // Single bit flips: ELF headers and the table.
  for (int i = 0; i < 160; ++i) {
    std::string image = t.image;
    const uint64_t at =
        i < 32 ? random_offset(0, 4096) : random_offset(tab, tab + size);
    image[at] ^= static_cast<char>(1 << (rng() % 8));
    Check(absl::StrCat("bit flip at ", at), std::move(image));
  }

  // Hand-made lies in the pclntab header: every word after the magic set to
  // values that point past the end, wrap around, or claim huge counts.
  for (int word = 0; word < 8; ++word) {
    for (uint64_t value : {~uint64_t{0}, uint64_t{0x7fffffff}, size + 1,
                           uint64_t{0}, size - 1}) {
      std::string image = t.image;
      PutWord(&image, tab + 8 + word * p, value, p, t.big_endian);
      Check(absl::StrCat("header word ", word, " = ", value), std::move(image));
    }
  }
  // A function table whose offsets and entries are nonsense.
  for (int entry = 0; entry < 16; ++entry) {
    std::string image = t.image;
    const uint64_t at = random_offset(tab + 8 + 8 * p, tab + size / 2);
    PutWord(&image, at, 0xfffffff0, 4, t.big_endian);
    Check(absl::StrCat("word at ", at, " = 0xfffffff0"), std::move(image));
  }

  // A wrong magic must not be taken for a pclntab by any route.
  {
    std::string image = t.image;
    PutWord(&image, tab, 0xfffffff7, 4, t.big_endian);
    absl::Status status = ExerciseBinary(std::move(image));
    EXPECT_FALSE(status.ok()) << "wrong magic accepted";
  }
  // ELF header lies: section and program header tables past the end, huge
  // counts. The section table is optional, so these may still open (through
  // the segments); they must not crash.
  const bool is64 = t.image[4] == 2;
  for (auto [offset, size_bytes, value] :
       std::vector<std::tuple<int, int, uint64_t>>{
           {is64 ? 40 : 32, is64 ? 8 : 4, ~uint64_t{0} - 8},  // e_shoff
           {is64 ? 60 : 48, 2, 0xffff},                       // e_shnum
           {is64 ? 32 : 28, is64 ? 8 : 4,
            static_cast<uint64_t>(1) << 31},  // e_phoff
           {is64 ? 56 : 44, 2, 0xffff},       // e_phnum
           {is64 ? 62 : 50, 2, 0xfffe}}) {    // e_shstrndx
    std::string image = t.image;
    PutWord(&image, offset, value, size_bytes, t.big_endian);
    Check(absl::StrCat("ELF header field at ", offset), std::move(image));
  }
  {
    absl::Status status = ExerciseBinary(t.image.substr(0, 40));
    EXPECT_FALSE(status.ok());
    EXPECT_TRUE(absl::StrContains(status.message(), t.format)) << status;
  }
  RecordProperty("mutations", runs_);
  RecordProperty("rejected", rejected_);
}

// One binary per pclntab format, byte order and word size available.
std::vector<FixtureBinary> Targets() {
  std::vector<FixtureBinary> out;
  for (FixtureBinary& b : AllFixtureBinaries()) {
    const bool go_pick = b.variant == "default" &&
                         ((b.toolchain == "go1.19" &&
                           (b.goarch == "amd64" || b.goarch == "mips")) ||
                          (b.toolchain == "go1.23" &&
                           (b.goarch == "arm" || b.goarch == "s390x")));
    const bool other_pick = (b.variant == "stripped" &&
                             b.toolchain == "go1.23" && b.goarch == "arm64") ||
                            (b.variant == "pie" && b.toolchain == "go1.23" &&
                             b.goarch == "amd64") ||
                            (b.variant == "esbuild" && b.goarch == "amd64");
    if (go_pick || other_pick) out.push_back(std::move(b));
  }
  // Mach-O and PE, of both word sizes.
  for (FixtureBinary& b : gentrace::testing::ForeignFixtureBinaries()) {
    if (b.name == "go1_23_darwin_arm64_default" ||
        b.name == "go1_23_windows_386_stripped" ||
        b.name == "go1_21_windows_amd64_default") {
      out.push_back(std::move(b));
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CorruptBinaryTest,
                         ::testing::ValuesIn(Targets()),
                         gentrace::testing::FixtureTestName());

TEST(CorruptBinaryFixturesTest, ArePresent) {
  ASSERT_GE(Targets().size(), 4u)
      << gentrace::testing::MissingFixturesMessage();
}

TEST(CorruptBinaryTest, NotElfAtAll) {
  EXPECT_FALSE(ExerciseBinary("").ok());
  EXPECT_FALSE(ExerciseBinary("#!/bin/sh\necho hi\n").ok());
  EXPECT_FALSE(ExerciseBinary(std::string(4096, '\0')).ok());
}

}  // namespace
}  // namespace gentrace::symtab
