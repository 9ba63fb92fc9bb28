// The Mach-O and PE readers on small hand-made files: what they model, and
// a clear error for each lie (truncated load commands, tables out of range,
// fat headers whose slices point anywhere).
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "symtab/elf_file.h"
#include "symtab/macho_file.h"
#include "symtab/pe_file.h"

namespace gentrace::symtab {
namespace {

void Put32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
void Put64(std::string* out, uint64_t v) {
  Put32(out, static_cast<uint32_t>(v));
  Put32(out, static_cast<uint32_t>(v >> 32));
}
void PutBig32(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}
void PutName(std::string* out, const std::string& name, size_t width) {
  std::string field = name;
  field.resize(width, '\0');
  *out += field;
}

absl::Span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A thin arm64 Mach-O file: __TEXT with __text (at file offset 0x1000,
// 0x100 bytes of 0xcc) and __gopclntab, a symbol "_runtime.text", LC_UUID
// and LC_MAIN.
std::string MachO(uint32_t cputype = 0x0100000c) {
  std::string commands;
  // LC_SEGMENT_64 __TEXT with two sections.
  Put32(&commands, 0x19);
  Put32(&commands, 72 + 2 * 80);
  PutName(&commands, "__TEXT", 16);
  Put64(&commands, 0x100000000);  // vmaddr
  Put64(&commands, 0x2000);       // vmsize
  Put64(&commands, 0);            // fileoff
  Put64(&commands, 0x2000);       // filesize
  Put32(&commands, 5);            // maxprot
  Put32(&commands, 5);            // initprot r-x
  Put32(&commands, 2);            // nsects
  Put32(&commands, 0);
  for (const auto& [name, addr, offset] :
       {std::tuple<std::string, uint64_t, uint32_t>{"__text", 0x100001000,
                                                    0x1000},
        {"__gopclntab", 0x100001100, 0x1100}}) {
    PutName(&commands, name, 16);
    PutName(&commands, "__TEXT", 16);
    Put64(&commands, addr);
    Put64(&commands, 0x100);
    Put32(&commands, offset);
    Put32(&commands, 0);  // align
    Put32(&commands, 0);  // reloff
    Put32(&commands, 0);  // nreloc
    Put32(&commands, name == "__text" ? 0x80000400 : 0);
    Put32(&commands, 0);
    Put32(&commands, 0);
    Put32(&commands, 0);
  }
  // LC_SYMTAB: one symbol at 0x1800, strings at 0x1810.
  Put32(&commands, 0x2);
  Put32(&commands, 24);
  Put32(&commands, 0x1800);
  Put32(&commands, 1);
  Put32(&commands, 0x1810);
  Put32(&commands, 16);
  // LC_UUID.
  Put32(&commands, 0x1b);
  Put32(&commands, 24);
  for (int i = 0; i < 16; ++i) commands.push_back(static_cast<char>(i * 17));
  // LC_MAIN: entry 0x1000 into __TEXT.
  Put32(&commands, 0x80000028);
  Put32(&commands, 24);
  Put64(&commands, 0x1000);
  Put64(&commands, 0);

  std::string file;
  Put32(&file, 0xfeedfacf);
  Put32(&file, cputype);
  Put32(&file, 0);
  Put32(&file, 2);  // MH_EXECUTE
  Put32(&file, 4);  // ncmds
  Put32(&file, static_cast<uint32_t>(commands.size()));
  Put32(&file, 0x200085);  // flags: MH_PIE, as Go writes them
  Put32(&file, 0);
  file += commands;
  file.resize(0x1000, '\0');
  file += std::string(0x100, '\xcc');
  file.resize(0x1800, '\0');
  // nlist_64: strx 1, N_SECT|N_EXT, section 1, value.
  Put32(&file, 1);
  file.push_back('\x0f');
  file.push_back('\x01');
  file += std::string(2, '\0');
  Put64(&file, 0x100001000);
  file += std::string("\0_runtime.text\0", 15);
  file.resize(0x2000, '\0');
  return file;
}

TEST(MachOTest, ModelsSegmentsSectionsSymbolsAndIds) {
  const std::string file = MachO();
  ASSERT_TRUE(IsMachO(Bytes(file)));
  absl::StatusOr<std::unique_ptr<ElfFile>> model = ParseMachO(Bytes(file), "");
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->format(), "Mach-O");
  EXPECT_EQ((*model)->machine(), 183);  // EM_AARCH64
  EXPECT_EQ((*model)->entry(), 0x100001000);
  EXPECT_EQ((*model)->type(), kElfTypeDyn);        // MH_PIE: loaded anywhere
  EXPECT_EQ((*model)->image_base(), 0x100000000);  // __TEXT, from offset 0
  EXPECT_EQ((*model)->native_id(), "00112233445566778899aabbccddeeff");
  const ElfSection* text = (*model)->FindSection(".text");
  ASSERT_NE(text, nullptr);
  EXPECT_TRUE(text->flags & kShfExecinstr);
  EXPECT_NE((*model)->FindSection(".gopclntab"), nullptr);
  std::optional<ElfSymbol> symbol = (*model)->FindSymbol("runtime.text");
  ASSERT_TRUE(symbol.has_value());
  EXPECT_EQ(symbol->value, 0x100001000);
  std::optional<ByteReader> code = (*model)->Read(0x100001000, 0x100);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code->U8(0xff), 0xcc);
  EXPECT_EQ((*model)->FileOffsetOfAddress(0x100001010), 0x1010);
  // A thin file is for one architecture.
  EXPECT_EQ(ParseMachO(Bytes(file), "amd64").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(MachOTest, WithoutMhPieLoadsWhereLinked) {
  std::string file = MachO();
  file[26] = 0;  // the flags' MH_PIE byte
  absl::StatusOr<std::unique_ptr<ElfFile>> model = ParseMachO(Bytes(file), "");
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->type(), kElfTypeExec);
}

TEST(MachOTest, LiesGetClearErrors) {
  const std::string file = MachO();
  auto error = [](const std::string& bytes) {
    absl::StatusOr<std::unique_ptr<ElfFile>> model =
        ParseMachO(Bytes(bytes), "");
    EXPECT_FALSE(model.ok());
    return std::string(model.status().message());
  };
  // Truncated inside the load commands.
  EXPECT_TRUE(absl::StrContains(error(file.substr(0, 100)),
                                "load commands lie outside"));
  // A load command claiming more bytes than the commands hold.
  std::string long_command = file;
  long_command[32 + 4] = '\xff';
  long_command[32 + 5] = '\xff';
  EXPECT_TRUE(absl::StrContains(error(long_command), "runs past"));
  // A command of size 0 would never advance.
  std::string empty_command = file;
  for (int i = 4; i < 8; ++i) empty_command[32 + i] = '\0';
  EXPECT_TRUE(absl::StrContains(error(empty_command), "runs past"));
  // A section whose bytes lie past the end.
  std::string far_section = file;
  far_section[32 + 72 + 48 + 2] = '\x7f';  // __text's offset
  EXPECT_TRUE(absl::StrContains(error(far_section), "section __text"));
  // A segment past the end.
  std::string far_segment = file;
  far_segment[32 + 40 + 4] = '\x01';  // fileoff high word
  EXPECT_TRUE(absl::StrContains(error(far_segment), "segment __TEXT"));
  // A symbol table past the end.
  std::string far_symbols = file;
  far_symbols[32 + 232 + 8 + 3] = '\x7f';
  EXPECT_TRUE(absl::StrContains(error(far_symbols), "symbol table"));
  // A processor Go does not build for.
  EXPECT_TRUE(absl::StrContains(error(MachO(0x12)), "no Go architecture"));
}

// A fat file of an amd64 and an arm64 slice, or with `slices` entries of
// which the second points at `second_offset`.
std::string Fat(uint32_t count, uint32_t second_offset) {
  const std::string amd64 = MachO(0x01000007), arm64 = MachO();
  std::string file;
  PutBig32(&file, 0xcafebabe);
  PutBig32(&file, count);
  const uint32_t offsets[2] = {0x4000, second_offset};
  for (uint32_t i = 0; i < count; ++i) {
    PutBig32(&file, i % 2 == 0 ? 0x01000007 : 0x0100000c);
    PutBig32(&file, 0);
    PutBig32(&file, offsets[i % 2]);
    PutBig32(&file, static_cast<uint32_t>(amd64.size()));
    PutBig32(&file, 14);
  }
  file.resize(0x4000, '\0');
  file += amd64;
  file.resize(0x8000, '\0');
  file += arm64;
  return file;
}

TEST(MachOTest, FatFilesGiveTheSliceAsked) {
  const std::string fat = Fat(2, 0x8000);
  ASSERT_TRUE(IsMachO(Bytes(fat)));
  absl::StatusOr<std::unique_ptr<ElfFile>> arm64 =
      ParseMachO(Bytes(fat), "arm64");
  ASSERT_TRUE(arm64.ok()) << arm64.status();
  EXPECT_EQ((*arm64)->machine(), 183);
  // Offsets are the slice's own.
  EXPECT_EQ((*arm64)->FileOffsetOfAddress(0x100001010), 0x1010);
  absl::StatusOr<std::unique_ptr<ElfFile>> amd64 =
      ParseMachO(Bytes(fat), "amd64");
  ASSERT_TRUE(amd64.ok()) << amd64.status();
  EXPECT_EQ((*amd64)->machine(), 62);
  absl::Status unchosen = ParseMachO(Bytes(fat), "").status();
  EXPECT_TRUE(absl::StrContains(unchosen.message(), "amd64, arm64"))
      << unchosen;
  EXPECT_TRUE(absl::StrContains(unchosen.message(), "--arch")) << unchosen;
  EXPECT_EQ(ParseMachO(Bytes(fat), "386").status().code(),
            absl::StatusCode::kNotFound);
  // A slice past the end, inside the fat header itself (a loop back to the
  // header), or an absurd count.
  EXPECT_TRUE(absl::StrContains(
      ParseMachO(Bytes(Fat(2, 0x7fffff00)), "arm64").status().message(),
      "outside the file"));
  EXPECT_TRUE(absl::StrContains(
      ParseMachO(Bytes(Fat(2, 0)), "arm64").status().message(),
      "outside the file"));
  EXPECT_TRUE(absl::StrContains(
      ParseMachO(Bytes(Fat(1000, 0x8000)), "arm64").status().message(),
      "fat header"));
}

// A PE32+ amd64 file: a .text section (file offset 0x400, RVA 0x1000) and
// a COFF symbol "runtime.text" in it.
std::string Pe(uint16_t machine = 0x8664) {
  std::string file = "MZ";
  file.resize(0x3c, '\0');
  Put32(&file, 0x80);
  file.resize(0x80, '\0');
  file += std::string("PE\0\0", 4);
  // COFF header.
  file.push_back(static_cast<char>(machine));
  file.push_back(static_cast<char>(machine >> 8));
  file += std::string("\x01\x00", 2);  // one section
  Put32(&file, 0);                     // timestamp
  Put32(&file, 0x600);                 // symbol table
  Put32(&file, 1);                     // one symbol
  file += std::string("\xf0\x00", 2);  // optional header size 240
  file += std::string("\x22\x00", 2);
  // Optional header (PE32+).
  const size_t optional = file.size();
  file += std::string("\x0b\x02", 2);
  file.resize(optional + 16, '\0');
  Put32(&file, 0x1010);  // entry RVA
  file.resize(optional + 24, '\0');
  Put64(&file, 0x400000);  // ImageBase
  file.resize(optional + 70, '\0');
  // DllCharacteristics as Go writes them: DYNAMIC_BASE, HIGH_ENTROPY_VA,
  // NX_COMPAT, TERMINAL_SERVER_AWARE.
  file += std::string("\x60\x81", 2);
  file.resize(optional + 108, '\0');
  Put32(&file, 16);  // data directories
  file.resize(optional + 240, '\0');
  // Section header.
  PutName(&file, ".text", 8);
  Put32(&file, 0x100);   // virtual size
  Put32(&file, 0x1000);  // RVA
  Put32(&file, 0x200);   // raw size
  Put32(&file, 0x400);   // raw offset
  file.resize(file.size() + 12, '\0');
  Put32(&file, 0x60000020);  // code, execute, read
  file.resize(0x400, '\0');
  file += std::string(0x200, '\xcc');
  // Symbol: long name at string table offset 4.
  Put32(&file, 0);
  Put32(&file, 4);
  Put32(&file, 0x10);                          // value
  file += std::string("\x01\x00", 2);          // section 1
  file += std::string("\x00\x00\x02\x00", 4);  // type, class 2, no aux
  Put32(&file, 4 + 13);
  file += std::string("runtime.text\0", 13);
  return file;
}

TEST(PeTest, ModelsSectionsSymbolsAndEntry) {
  const std::string file = Pe();
  ASSERT_TRUE(IsPe(Bytes(file)));
  absl::StatusOr<std::unique_ptr<ElfFile>> model = ParsePe(Bytes(file));
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->format(), "PE");
  EXPECT_EQ((*model)->machine(), 62);
  EXPECT_EQ((*model)->entry(), 0x401010);
  EXPECT_EQ((*model)->type(), kElfTypeDyn);  // DYNAMIC_BASE: loaded anywhere
  EXPECT_EQ((*model)->image_base(), 0x400000);
  const ElfSection* text = (*model)->FindSection(".text");
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->addr, 0x401000);
  EXPECT_EQ(text->size, 0x100);  // the virtual size, not the file padding
  std::optional<ElfSymbol> symbol = (*model)->FindSymbol("runtime.text");
  ASSERT_TRUE(symbol.has_value());
  EXPECT_EQ(symbol->value, 0x401010);
  std::optional<ByteReader> code = (*model)->Read(0x401000, 0x100);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code->U8(0), 0xcc);
  EXPECT_FALSE((*model)->Read(0x401000, 0x101).has_value());
}

// Without DYNAMIC_BASE, or with its relocations stripped, a PE program
// loads at its ImageBase only.
TEST(PeTest, FixedBaseLoadsWhereLinked) {
  constexpr size_t kCharacteristics = 0x80 + 4 + 18;
  constexpr size_t kDllCharacteristics = 0x80 + 4 + 20 + 70;
  std::string no_dynamic_base = Pe();
  no_dynamic_base[kDllCharacteristics] = 0x20;
  std::string relocs_stripped = Pe();
  relocs_stripped[kCharacteristics] |= 0x1;
  for (const std::string& file : {no_dynamic_base, relocs_stripped}) {
    absl::StatusOr<std::unique_ptr<ElfFile>> model = ParsePe(Bytes(file));
    ASSERT_TRUE(model.ok()) << model.status();
    EXPECT_EQ((*model)->type(), kElfTypeExec);
  }
}

TEST(PeTest, LiesGetClearErrors) {
  const std::string file = Pe();
  auto error = [](const std::string& bytes) {
    absl::StatusOr<std::unique_ptr<ElfFile>> model = ParsePe(Bytes(bytes));
    EXPECT_FALSE(model.ok());
    return std::string(model.status().message());
  };
  EXPECT_TRUE(absl::StrContains(error(file.substr(0, 0x40)), "PE"));
  EXPECT_TRUE(absl::StrContains(error(file.substr(0, 0x90)), "COFF"));
  EXPECT_TRUE(absl::StrContains(error(file.substr(0, 0x100)), "optional"));
  std::string many_sections = file;
  many_sections[0x86] = '\x7f';
  EXPECT_TRUE(absl::StrContains(error(many_sections), "section table"));
  std::string far_section = file;
  far_section[0x84 + 20 + 240 + 20 + 3] = '\x7f';  // raw offset
  EXPECT_TRUE(absl::StrContains(error(far_section), "section .text"));
  std::string far_symbols = file;
  far_symbols[0x84 + 8 + 3] = '\x7f';
  EXPECT_TRUE(absl::StrContains(error(far_symbols), "symbol table"));
  EXPECT_TRUE(absl::StrContains(error(Pe(0x1234)), "no Go architecture"));
}

}  // namespace
}  // namespace gentrace::symtab
