// The minidump reader on dumps made here, byte by byte: what a well-formed
// one gives (threads and their registers, memory with overlaps trimmed,
// modules, the crash, the entry point), and a clear error for each way a
// hostile one can lie about sizes, offsets and counts.
#include "target/minidump.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "symtab/byte_writer.h"

namespace gentrace::target {
namespace {

// A minidump written field by field (little-endian).
class Writer {
 public:
  size_t size() const { return bytes_.size(); }
  Writer& U16(uint16_t v) { return Le(v, 2); }
  Writer& U32(uint32_t v) { return Le(v, 4); }
  Writer& U64(uint64_t v) { return Le(v, 8); }
  Writer& Zeros(size_t n) {
    bytes_.append(n, '\0');
    return *this;
  }
  void Put32(size_t at, uint32_t v) {
    symtab::WriteLittleEndian(bytes_, at, v, 4);
  }
  const std::string& bytes() const { return bytes_; }

 private:
  Writer& Le(uint64_t v, int n) {
    symtab::AppendLittleEndian(bytes_, v, n);
    return *this;
  }
  std::string bytes_;
};

constexpr uint64_t kStackTop = 0x7ffd0000;
constexpr uint64_t kPc = 0x401234;

// An amd64 dump: system info, one thread (its context and 64 bytes of
// stack), a memory list with a range overlapping the stack, a module
// (name, CodeView build ID), the exception, auxv (AT_ENTRY).
struct Dump {
  Writer w;
  static constexpr size_t kEntrySize = 12;  // a stream directory entry's
  // Offsets of fields the hostile cases rewrite.
  size_t directory = 0, system = 0, thread_list = 0, memory_list = 0,
         module_list = 0, exception = 0;

  Dump() {
    constexpr uint32_t kStreams = 6;
    w.U32(0x504d444d).U32(0xa793).U32(kStreams).U32(32).Zeros(16);
    directory = w.size();
    w.Zeros(size_t{kStreams} * 12);
    // Context: rax..r15 and rip from offset 120.
    const size_t context = w.size();
    w.Zeros(120);
    for (int i = 0; i < 16; ++i) w.U64(i == 4 ? kStackTop : 0x1000 + i);
    w.U64(kPc).Zeros(1232 - 256);
    const size_t stack = w.size();
    for (int i = 0; i < 8; ++i) w.U64(0xa0 + i);
    const size_t extra = w.size();
    for (int i = 0; i < 8; ++i) w.U64(0xb0 + i);  // kStackTop+32 .. +96
    const size_t name = w.size();
    w.U32(8).U16('p').U16('r').U16('o').U16('g');
    const size_t codeview = w.size();
    w.U32(0x4270454c).U32(0xddccbbaa);
    const size_t auxv = w.size();
    w.U64(9).U64(kPc - 0x234).U64(6).U64(4096).U64(0).U64(0);

    auto entry = [&](size_t i, uint32_t type, size_t size, size_t rva) {
      w.Put32(directory + kEntrySize * i, type);
      w.Put32(directory + kEntrySize * i + 4, static_cast<uint32_t>(size));
      w.Put32(directory + kEntrySize * i + 8, static_cast<uint32_t>(rva));
    };
    system = w.size();
    w.U16(9).Zeros(54);
    entry(0, 7, 56, system);
    thread_list = w.size();
    w.U32(1).U32(42).Zeros(20).U64(kStackTop).U32(64).U32(stack);
    w.U32(1232).U32(context);
    entry(1, 3, w.size() - thread_list, thread_list);
    memory_list = w.size();
    w.U32(1).U64(kStackTop + 32).U32(64).U32(extra);
    entry(2, 5, w.size() - memory_list, memory_list);
    module_list = w.size();
    w.U32(1).U64(0x400000).U32(0x10000).Zeros(8).U32(name).Zeros(52);
    w.U32(8).U32(codeview).Zeros(24);
    entry(3, 4, w.size() - module_list, module_list);
    exception = w.size();
    w.U32(42).U32(0).U32(11).U32(1).U64(0).U64(0x18).Zeros(128);
    w.U32(1232).U32(context);
    entry(4, 6, w.size() - exception, exception);
    entry(5, 0x47670008, 48, auxv);
  }

  absl::StatusOr<std::unique_ptr<Minidump>> Open() const {
    return Minidump::FromBytes(w.bytes());
  }
};

TEST(MinidumpTest, ReadsThreadsMemoryModulesAndTheCrash) {
  const Dump dump;
  absl::StatusOr<std::unique_ptr<Minidump>> read = dump.Open();
  ASSERT_TRUE(read.ok()) << read.status();
  const Minidump& m = **read;
  EXPECT_EQ(m.arch().goarch, "amd64");
  ASSERT_EQ(m.threads().size(), 1u);
  EXPECT_EQ(m.threads()[0].tid, 42);
  EXPECT_EQ(m.threads()[0].registers.pc(), kPc);
  EXPECT_EQ(m.threads()[0].registers.sp(), kStackTop);
  EXPECT_EQ(m.threads()[0].registers.Get("rbp"), 0x1005u);
  // The stack, then the rest of the overlapping range after it.
  const auto word = [&](uint64_t address) {
    return m.memory().ReadWord(address, 8, symtab::ByteOrder::kLittle);
  };
  EXPECT_EQ(word(kStackTop), 0xa0u);
  EXPECT_EQ(word(kStackTop + 56), 0xa7u);
  EXPECT_EQ(word(kStackTop + 64), 0xb4u);
  EXPECT_EQ(word(kStackTop + 88), 0xb7u);
  EXPECT_FALSE(word(kStackTop + 96).has_value());
  // The two ranges meet, so a read may cross from one into the next.
  std::optional<symtab::ByteReader> across =
      m.memory().Read(kStackTop + 56, 16);
  ASSERT_TRUE(across.has_value());
  EXPECT_EQ(across->U64(0), 0xa7u);
  EXPECT_EQ(across->U64(8), 0xb4u);
  EXPECT_FALSE(m.holds_all_memory());
  ASSERT_EQ(m.modules().size(), 1u);
  EXPECT_EQ(m.modules()[0].name, "prog");
  EXPECT_EQ(m.modules()[0].build_id, "aabbccdd");
  ASSERT_NE(m.main_module(), nullptr);
  EXPECT_EQ(m.main_module()->base, 0x400000u);
  ASSERT_TRUE(m.crash().has_value());
  EXPECT_EQ(m.crash()->tid, 42);
  EXPECT_EQ(m.crash()->signal, 11u);
  EXPECT_EQ(m.crash()->address, 0x18u);
  EXPECT_EQ(m.entry(), kPc - 0x234);
  EXPECT_EQ(m.page_size(), 4096u);
}

// A Windows dump has no auxiliary vector: its writers list the executable
// first, and that module's base places the binary.
TEST(MinidumpTest, AWindowsDumpsExecutableIsItsFirstModule) {
  Dump dump;
  dump.w.Put32(dump.system + 20, 2);  // VER_PLATFORM_WIN32_NT
  dump.w.Put32(dump.directory + Dump::kEntrySize * 5,
               0x47670000);  // no longer auxv
  absl::StatusOr<std::unique_ptr<Minidump>> read = dump.Open();
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_FALSE((*read)->entry().has_value());
  EXPECT_EQ((*read)->executable_base(), 0x400000u);
  ASSERT_NE((*read)->main_module(), nullptr);
  EXPECT_EQ((*read)->main_module()->name, "prog");

  // A Linux dump without one names no executable.
  dump.w.Put32(dump.system + 20, 0x8201);
  read = dump.Open();
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_FALSE((*read)->executable_base().has_value());
  EXPECT_EQ((*read)->main_module(), nullptr);
}

TEST(MinidumpTest, RangesSharingBytesAreNotCopiedPastTheFileSize) {
  // 64 ranges end to end, each naming the same 64 bytes of the file: joined
  // they would be 4 KiB, more than the file holds, so each stays apart.
  Dump dump;
  constexpr uint32_t kRanges = 64;
  const size_t list = dump.w.size();
  dump.w.U32(kRanges);
  for (uint32_t i = 0; i < kRanges; ++i) {
    dump.w.U64(0x10000000 + 64 * i).U32(64).U32(static_cast<uint32_t>(list));
  }
  dump.w.Put32(dump.directory + Dump::kEntrySize * 2 + 4, 4 + kRanges * 16);
  dump.w.Put32(dump.directory + Dump::kEntrySize * 2 + 8,
               static_cast<uint32_t>(list));
  ASSERT_LT(dump.w.size(), kRanges * 64);
  absl::StatusOr<std::unique_ptr<Minidump>> read = dump.Open();
  ASSERT_TRUE(read.ok()) << read.status();
  for (uint32_t i = 0; i < kRanges; ++i) {
    std::optional<symtab::ByteReader> range =
        (*read)->memory().ReadToEnd(0x10000000 + 64 * i);
    ASSERT_TRUE(range.has_value());
    EXPECT_EQ(range->size(), 64u);
  }
}

TEST(MinidumpTest, RefusesWhatIsNoMinidump) {
  EXPECT_EQ(Minidump::FromBytes("ELF").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Minidump::FromBytes(std::string("MDMP\x93\xa7", 6)).status().code(),
            absl::StatusCode::kDataLoss);
}

// Each lie gives an error and nothing else.
TEST(MinidumpTest, HostileSizesOffsetsAndCounts) {
  struct Case {
    const char* what;
    size_t (*field)(const Dump&);
    uint32_t value;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {"stream count", [](const Dump&) -> size_t { return 8; }, 0x10000000,
       absl::StatusCode::kDataLoss},
      {"directory", [](const Dump&) -> size_t { return 12; }, 0xfffffff0,
       absl::StatusCode::kDataLoss},
      {"stream size", [](const Dump& d) { return d.directory + 12 + 4; },
       0x7fffffff, absl::StatusCode::kDataLoss},
      {"system info size", [](const Dump& d) { return d.directory + 4; }, 0,
       absl::StatusCode::kInvalidArgument},
      {"thread count", [](const Dump& d) { return d.thread_list; }, 0xffffffff,
       absl::StatusCode::kDataLoss},
      {"thread stack rva", [](const Dump& d) { return d.thread_list + 40; },
       0xfffffff0, absl::StatusCode::kDataLoss},
      {"crash context size", [](const Dump& d) { return d.exception + 160; }, 8,
       absl::StatusCode::kDataLoss},
      {"crash context rva", [](const Dump& d) { return d.exception + 164; },
       0xfffffff0, absl::StatusCode::kDataLoss},
      {"memory count", [](const Dump& d) { return d.memory_list; }, 0x40000000,
       absl::StatusCode::kDataLoss},
      {"memory rva", [](const Dump& d) { return d.memory_list + 16; },
       0xffffff00, absl::StatusCode::kDataLoss},
      {"module name rva", [](const Dump& d) { return d.module_list + 24; },
       0xfffffff0, absl::StatusCode::kDataLoss},
      {"codeview size", [](const Dump& d) { return d.module_list + 80; },
       0x7fffffff, absl::StatusCode::kDataLoss},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Dump dump;
    dump.w.Put32(c.field(dump), c.value);
    absl::StatusOr<std::unique_ptr<Minidump>> read = dump.Open();
    EXPECT_FALSE(read.ok());
    if (!read.ok()) {
      EXPECT_EQ(read.status().code(), c.code) << read.status();
    }
  }
}

TEST(MinidumpTest, ProcessorsItDoesNotReadAreSaid) {
  Dump dump;
  dump.w.Put32(dump.system, 0x8002);  // PowerPC 64
  absl::StatusOr<std::unique_ptr<Minidump>> read = dump.Open();
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace gentrace::target
