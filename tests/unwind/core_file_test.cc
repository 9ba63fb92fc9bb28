// CoreFile's NT_FILE parsing: exact mappings from a core built byte by byte,
// errors (never crashes) for truncated or lying notes, and agreement with the
// Linux-kernel cores among the fixtures.
#include "target/core_file.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "symtab/byte_writer.h"
#include "symtab/elf_file.h"
#include "tests/testing/fixtures.h"

namespace gentrace::unwind {
namespace {

using ::gentrace::symtab::AppendLittleEndian;
using ::gentrace::symtab::WriteLittleEndian;

constexpr uint32_t kNtPrstatus = 1;
constexpr uint32_t kNtFile = 0x46494c45;
constexpr uint64_t kPageSize = 4096;
// elf_prstatus on x86-64: pr_pid at 32, pr_reg (27 words) at 112, then
// pr_fpvalid and padding (unwind/arch.cc).
constexpr size_t kAmd64PrstatusSize = 336;
constexpr uint64_t kRipSlot = 16;
constexpr uint64_t kRspSlot = 19;

std::string Note(uint32_t type, const std::string& desc) {
  std::string note;
  AppendLittleEndian(note, 5, 4);  // "CORE\0"
  AppendLittleEndian(note, desc.size(), 4);
  AppendLittleEndian(note, type, 4);
  note.append("CORE\0\0\0\0", 8);  // padded to 4
  note.append(desc);
  note.append((4 - desc.size() % 4) % 4, '\0');
  return note;
}

std::string PrstatusDesc(uint32_t pid, uint64_t rip, uint64_t rsp) {
  std::string desc(kAmd64PrstatusSize, '\0');
  WriteLittleEndian(desc, 32, pid, 4);
  WriteLittleEndian(desc, 112 + kRipSlot * 8, rip, 8);
  WriteLittleEndian(desc, 112 + kRspSlot * 8, rsp, 8);
  return desc;
}

struct RawMapping {
  uint64_t start, end, page;
  std::string path;
};

// `count` is written as given, so it can lie about the mappings that follow.
std::string FileDesc(uint64_t count, uint64_t page_size,
                     const std::vector<RawMapping>& mappings) {
  std::string desc;
  AppendLittleEndian(desc, count, 8);
  AppendLittleEndian(desc, page_size, 8);
  for (const RawMapping& m : mappings) {
    AppendLittleEndian(desc, m.start, 8);
    AppendLittleEndian(desc, m.end, 8);
    AppendLittleEndian(desc, m.page, 8);
  }
  for (const RawMapping& m : mappings) desc.append(m.path + '\0');
  return desc;
}

// A PT_LOAD of a synthetic core: `bytes` at `vaddr`, placed in the file
// `gap` bytes after the previous segment's bytes.
struct RawLoad {
  uint64_t vaddr;
  std::string bytes;
  uint64_t gap = 0;
};

// An ELF64 little-endian x86-64 core: the file header, one PT_NOTE program
// header and the notes, then the loads' program headers and bytes; no
// sections.
std::string Core(const std::string& notes,
                 const std::vector<RawLoad>& loads = {}) {
  constexpr uint64_t kPhoff = 64;
  const uint64_t kNotesAt = kPhoff + 56 * (1 + loads.size());
  std::string elf;
  elf.append(
      "\x7f"
      "ELF",
      4);
  elf.push_back(2);  // ELFCLASS64
  elf.push_back(1);  // ELFDATA2LSB
  elf.push_back(1);  // EV_CURRENT
  elf.append(9, '\0');
  AppendLittleEndian(elf, symtab::kElfTypeCore, 2);
  AppendLittleEndian(elf, 62, 2);  // EM_X86_64
  AppendLittleEndian(elf, 1, 4);   // e_version
  AppendLittleEndian(elf, 0, 8);   // e_entry
  AppendLittleEndian(elf, kPhoff, 8);
  AppendLittleEndian(elf, 0, 8);                 // e_shoff
  AppendLittleEndian(elf, 0, 4);                 // e_flags
  AppendLittleEndian(elf, 64, 2);                // e_ehsize
  AppendLittleEndian(elf, 56, 2);                // e_phentsize
  AppendLittleEndian(elf, 1 + loads.size(), 2);  // e_phnum
  AppendLittleEndian(elf, 64, 2);                // e_shentsize
  AppendLittleEndian(elf, 0, 2);                 // e_shnum
  AppendLittleEndian(elf, 0, 2);                 // e_shstrndx
  AppendLittleEndian(elf, symtab::kPtNote, 4);
  AppendLittleEndian(elf, 0, 4);  // p_flags
  AppendLittleEndian(elf, kNotesAt, 8);
  AppendLittleEndian(elf, 0, 8);  // p_vaddr
  AppendLittleEndian(elf, 0, 8);  // p_paddr
  AppendLittleEndian(elf, notes.size(), 8);
  AppendLittleEndian(elf, 0, 8);  // p_memsz
  AppendLittleEndian(elf, 4, 8);  // p_align
  uint64_t at = kNotesAt + notes.size();
  for (const RawLoad& load : loads) {
    at += load.gap;
    AppendLittleEndian(elf, symtab::kPtLoad, 4);
    AppendLittleEndian(elf, 6, 4);  // p_flags: RW
    AppendLittleEndian(elf, at, 8);
    AppendLittleEndian(elf, load.vaddr, 8);
    AppendLittleEndian(elf, 0, 8);  // p_paddr
    AppendLittleEndian(elf, load.bytes.size(), 8);
    AppendLittleEndian(elf, load.bytes.size(), 8);
    AppendLittleEndian(elf, 1, 8);  // p_align
    at += load.bytes.size();
  }
  elf.append(notes);
  for (const RawLoad& load : loads) {
    elf.append(load.gap, '\0');
    elf.append(load.bytes);
  }
  return elf;
}

const std::vector<RawMapping> kMappings = {
    {0x400000, 0x401000, 0, "/usr/bin/prog"},
    {0x7f0000001000, 0x7f0000004000, 3, "/lib/x86_64-linux-gnu/libc.so.6"},
};

std::string CoreWithFileDesc(const std::string& file_desc) {
  return Core(Note(kNtPrstatus, PrstatusDesc(1234, 0x400123, 0x7ffd0000)) +
              Note(kNtFile, file_desc));
}

TEST(CoreFileTest, ParsesFileMappings) {
  absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
      target::CoreFile::FromBytes(
          CoreWithFileDesc(FileDesc(2, kPageSize, kMappings)));
  ASSERT_TRUE(core.ok()) << core.status();
  absl::Span<const target::FileMapping> got = (*core)->file_mappings();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].start, 0x400000u);
  EXPECT_EQ(got[0].end, 0x401000u);
  EXPECT_EQ(got[0].file_offset, 0u);
  EXPECT_EQ(got[0].path, "/usr/bin/prog");
  EXPECT_EQ(got[1].start, 0x7f0000001000u);
  EXPECT_EQ(got[1].end, 0x7f0000004000u);
  EXPECT_EQ(got[1].file_offset, 3 * kPageSize);
  EXPECT_EQ(got[1].path, "/lib/x86_64-linux-gnu/libc.so.6");
  // The other notes read as before.
  EXPECT_EQ((*core)->arch().goarch, "amd64");
  ASSERT_EQ((*core)->threads().size(), 1u);
  EXPECT_EQ((*core)->threads()[0].tid, 1234);
  EXPECT_EQ((*core)->threads()[0].registers.pc(), 0x400123u);
  EXPECT_EQ((*core)->threads()[0].registers.sp(), 0x7ffd0000u);
}

// A core splits one stretch of memory into segments (one per mapping):
// where they follow each other in memory and in the file, a read crosses
// from one into the next; across a hole in either it does not.
TEST(CoreFileTest, ReadsCrossSegmentsThatFollowEachOther) {
  const std::string notes =
      Note(kNtPrstatus, PrstatusDesc(1234, 0x400123, 0x7ffd0000));
  absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
      target::CoreFile::FromBytes(
          Core(notes, {{0x10000, std::string(16, 'a')},
                       {0x10010, std::string(16, 'b')},
                       {0x10020, std::string(16, 'c'), /*gap=*/8},
                       {0x10040, std::string(16, 'd')}}));
  ASSERT_TRUE(core.ok()) << core.status();
  const symtab::AddressSpace& memory = (*core)->memory();
  std::optional<symtab::ByteReader> across = memory.Read(0x1000c, 8);
  ASSERT_TRUE(across.has_value());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(across->data().data()),
                        across->size()),
            "aaaabbbb");
  EXPECT_FALSE(memory.Read(0x1001c, 8).has_value());  // a hole in the file
  EXPECT_FALSE(memory.Read(0x1002c, 8).has_value());  // a hole in memory
  EXPECT_TRUE(memory.Read(0x10020, 16).has_value());
}

TEST(CoreFileTest, NoFileNoteMeansNoMappings) {
  absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
      target::CoreFile::FromBytes(
          Core(Note(kNtPrstatus, PrstatusDesc(1, 2, 3))));
  ASSERT_TRUE(core.ok()) << core.status();
  EXPECT_TRUE((*core)->file_mappings().empty());
}

TEST(CoreFileTest, EmptyFileNoteIsFine) {
  absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
      target::CoreFile::FromBytes(CoreWithFileDesc(FileDesc(0, kPageSize, {})));
  ASSERT_TRUE(core.ok()) << core.status();
  EXPECT_TRUE((*core)->file_mappings().empty());
}

void ExpectDataLoss(const std::string& file_desc) {
  absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
      target::CoreFile::FromBytes(CoreWithFileDesc(file_desc));
  ASSERT_FALSE(core.ok());
  EXPECT_EQ(core.status().code(), absl::StatusCode::kDataLoss) << core.status();
  EXPECT_TRUE(absl::StrContains(core.status().message(), "NT_FILE"))
      << core.status();
}

TEST(CoreFileTest, LyingCountIsAnError) {
  for (uint64_t count :
       {uint64_t{3}, uint64_t{1000}, uint64_t{1} << 32, uint64_t{1} << 59,
        uint64_t{1} << 63, std::numeric_limits<uint64_t>::max()}) {
    SCOPED_TRACE(count);
    ExpectDataLoss(FileDesc(count, kPageSize, kMappings));
  }
}

TEST(CoreFileTest, EveryTruncationIsAnError) {
  const std::string desc = FileDesc(2, kPageSize, kMappings);
  for (size_t size = 0; size < desc.size(); ++size) {
    SCOPED_TRACE(size);
    ExpectDataLoss(desc.substr(0, size));
  }
}

TEST(CoreFileTest, MalformedMappingsAreErrors) {
  // End below start.
  ExpectDataLoss(FileDesc(1, kPageSize, {{0x2000, 0x1000, 0, "/a"}}));
  // The offset in bytes does not fit in 64 bits.
  ExpectDataLoss(
      FileDesc(1, kPageSize, {{0x1000, 0x2000, uint64_t{1} << 60, "/a"}}));
  // No page size to scale offsets by.
  ExpectDataLoss(FileDesc(1, 0, {{0x1000, 0x2000, 0, "/a"}}));
}

// Any byte of the core replaced, or the core cut short: opening it either
// fails or yields no more mappings than the note has room for (3 of 25
// bytes or more in its 110).
TEST(CoreFileTest, MutationsNeverCrash) {
  const std::string good = CoreWithFileDesc(FileDesc(2, kPageSize, kMappings));
  int parsed = 0, rejected = 0;
  for (size_t at = 0; at < good.size(); ++at) {
    for (uint8_t value : {0x00, 0x01, 0x03, 0x7f, 0x80, 0xff}) {
      std::string bytes = good;
      bytes[at] = static_cast<char>(value);
      absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
          target::CoreFile::FromBytes(std::move(bytes));
      if (!core.ok()) {
        ++rejected;
        continue;
      }
      ++parsed;
      EXPECT_LE((*core)->file_mappings().size(), 3u) << "byte " << at;
      for (const target::FileMapping& m : (*core)->file_mappings()) {
        EXPECT_LE(m.start, m.end) << "byte " << at;
      }
    }
  }
  for (size_t size = 0; size < good.size(); ++size) {
    absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
        target::CoreFile::FromBytes(good.substr(0, size));
    // Cut inside the NT_FILE note, the note is not there at all (the notes
    // iterator stops at it), so the core opens without mappings.
    if (core.ok()) {
      EXPECT_TRUE((*core)->file_mappings().empty()) << size;
    }
  }
  EXPECT_GT(parsed, 0);
  EXPECT_GT(rejected, 0);
  RecordProperty("mutations_parsed", parsed);
  RecordProperty("mutations_rejected", rejected);
}

uint64_t LowestLoadAddress(const symtab::ElfFile& elf) {
  uint64_t lowest = std::numeric_limits<uint64_t>::max();
  for (const symtab::ElfSegment& seg : elf.segments()) {
    if (seg.type == symtab::kPtLoad) lowest = std::min(lowest, seg.vaddr);
  }
  return lowest;
}

absl::string_view Basename(absl::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? path : path.substr(slash + 1);
}

// Linux-kernel cores (the natively run 386 and amd64 fixtures) carry
// NT_FILE; qemu-user 7.2 writes none.
TEST(CoreFileFixturesTest, FileMappingsMatchTheExecutable) {
  std::vector<gentrace::testing::FixtureBinary> fixtures =
      gentrace::testing::FixturesWith(".core");
  if (fixtures.empty()) {
    GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  }
  int checked = 0;
  for (const gentrace::testing::FixtureBinary& fixture : fixtures) {
    SCOPED_TRACE(fixture.name);
    absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
        target::CoreFile::Open(fixture.path + ".core");
    ASSERT_TRUE(core.ok()) << core.status();
    absl::Span<const target::FileMapping> mappings = (*core)->file_mappings();
    if (mappings.empty()) continue;
    absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
        symtab::Binary::Open(fixture.path);
    ASSERT_TRUE(binary.ok()) << binary.status();
    ASSERT_TRUE((*core)->AttachExecutable(**binary).ok());

    // The fixtures were built in a staging directory and moved, so only the
    // file name is sure to match the recorded path.
    const target::FileMapping* head = nullptr;
    for (const target::FileMapping& m : mappings) {
      EXPECT_LT(m.start, m.end);
      EXPECT_EQ(m.start % kPageSize, 0u);
      if (Basename(m.path) == Basename(fixture.path) && m.file_offset == 0) {
        head = &m;
      }
    }
    ASSERT_NE(head, nullptr) << "no mapping of the executable's first page";
    // Its first page is where the loader put the lowest PT_LOAD segment.
    EXPECT_EQ(head->start,
              (LowestLoadAddress((*binary)->elf()) + (*core)->load_bias()) &
                  ~(kPageSize - 1));

    // The thread that dumped core comes first; it stopped in the program's
    // own text (runtime.raise), which is file-backed.
    const target::Thread& crashing = (*core)->threads().front();
    std::optional<uint64_t> pc = crashing.registers.pc();
    ASSERT_TRUE(pc.has_value());
    const target::FileMapping* covering = nullptr;
    for (const target::FileMapping& m : mappings) {
      if (m.start <= *pc && *pc < m.end) covering = &m;
    }
    ASSERT_NE(covering, nullptr) << absl::StrCat("pc 0x", absl::Hex(*pc));
    EXPECT_EQ(Basename(covering->path), Basename(fixture.path));
    ++checked;
  }
  if (checked == 0) {
    GTEST_SKIP() << "no fixture core has an NT_FILE note (all qemu-user cores)";
  }
  RecordProperty("cores_with_nt_file", checked);
}

}  // namespace
}  // namespace gentrace::unwind
