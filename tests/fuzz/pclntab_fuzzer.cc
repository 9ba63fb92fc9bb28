// libFuzzer target: the pclntab decoder inside a small fixed ELF, so that
// mutations spend themselves on the table rather than on a whole binary's
// headers. The first byte picks what the rest of the input is:
//  - even: the .gopclntab section's bytes, opened as a Binary and exercised
//    (tests/testing/exercise_binary), then parsed again on their own as the
//    release the byte's other bits pick (each layout's exact offsets);
//  - odd: the section header table, with a table PclntabBuilder wrote as
//    .gopclntab.
// Either way the ELF's Breakpad symbol file is written too, as `gentrace
// breakpad-syms` writes it.
// Build and run with
// tests/fuzz/run_fuzzer.sh.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "render/breakpad_symbols.h"
#include "symtab/binary.h"
#include "symtab/byte_reader.h"
#include "symtab/byte_writer.h"
#include "symtab/elf_file.h"
#include "symtab/func_id.h"
#include "symtab/go_version.h"
#include "symtab/pclntab.h"
#include "symtab/pclntab_builder.h"
#include "tests/testing/exercise_binary.h"

namespace {

using ::gentrace::symtab::FuncId;
using ::gentrace::symtab::PclntabBuilder;
using ::gentrace::symtab::WriteLittleEndian;

constexpr uint64_t kBase = 0x400000;
constexpr uint64_t kTextOffset = 0x1000;
constexpr uint64_t kTextSize = 0x100;
constexpr uint64_t kTableOffset = kTextOffset + kTextSize;
constexpr size_t kSectionHeaderSize = 64;
constexpr char kNames[] = "\0.text\0.gopclntab\0.shstrtab";
// Releases whose layouts differ: none (the format family's), 1.2, 1.16,
// 1.18, 1.20, then the funcID tables' generations.
constexpr int kMinors[] = {0, 2, 12, 16, 18, 20, 21, 22, 23, 24, 26};

std::string SectionHeader(uint32_t name, uint32_t type, uint64_t flags,
                          uint64_t offset, uint64_t size) {
  std::string header(kSectionHeaderSize, '\0');
  WriteLittleEndian(header, 0, name, 4);
  WriteLittleEndian(header, 4, type, 4);
  WriteLittleEndian(header, 8, flags, 8);
  WriteLittleEndian(header, 16, kBase + offset, 8);  // sh_addr
  WriteLittleEndian(header, 24, offset, 8);
  WriteLittleEndian(header, 32, size, 8);
  WriteLittleEndian(header, 48, 1, 8);  // sh_addralign
  return header;
}

// The fixed binary's table: a main program's functions and the runtime
// functions whose funcIDs and flags end walks.
const std::string& BuiltTable() {
  static const std::string* table = [] {
    PclntabBuilder builder(kBase + kTextOffset);
    builder.Add({.name = "runtime.rt0_go",
                 .func_id = FuncId::kRt0Go,
                 .flags = gentrace::symtab::kFuncFlagTopFrame});
    builder.Add({.name = "runtime.goexit", .func_id = FuncId::kGoexit});
    builder.Add({.name = "runtime.main",
                 .size = 48,
                 .func_id = FuncId::kRuntimeMain,
                 .sp_deltas = {{0, 0}, {4, 24}, {40, 0}}});
    builder.Add({.name = "main.main",
                 .size = 64,
                 .sp_deltas = {{0, 0}, {8, 40}, {56, 0}}});
    builder.Add({.name = "runtime.morestack", .func_id = FuncId::kMorestack});
    return new std::string(builder.Build());
  }();
  return *table;
}

// An ELF64 x86-64 executable: one PT_LOAD of the whole file at kBase, .text
// (int3s), .gopclntab `table`, .shstrtab, then `sections` as the section
// header table (its whole entries), or the table naming those three.
std::string SmallElf(const std::string& table, const std::string* sections) {
  std::string elf(kTableOffset, '\0');
  std::memcpy(elf.data(),
              "\x7f"
              "ELF\x02\x01\x01",
              7);
  WriteLittleEndian(elf, 16, gentrace::symtab::kElfTypeExec, 2);
  WriteLittleEndian(elf, 18, 62, 2);  // EM_X86_64
  WriteLittleEndian(elf, 20, 1, 4);
  WriteLittleEndian(elf, 24, kBase + kTextOffset, 8);  // e_entry
  WriteLittleEndian(elf, 32, 64, 8);                   // e_phoff
  WriteLittleEndian(elf, 52, 64, 2);                   // e_ehsize
  WriteLittleEndian(elf, 54, 56, 2);                   // e_phentsize
  WriteLittleEndian(elf, 56, 1, 2);                    // e_phnum
  WriteLittleEndian(elf, 58, kSectionHeaderSize, 2);   // e_shentsize
  std::memset(elf.data() + kTextOffset, 0xcc, kTextSize);
  elf += table;
  const uint64_t names_offset = elf.size();
  elf.append(kNames, sizeof(kNames));
  const uint64_t headers_offset = elf.size();
  std::string headers;
  if (sections != nullptr) {
    headers = sections->substr(
        0, sections->size() / kSectionHeaderSize * kSectionHeaderSize);
  } else {
    headers = std::string(kSectionHeaderSize, '\0') +
              SectionHeader(1, gentrace::symtab::kShtProgbits, 6, kTextOffset,
                            kTextSize) +
              SectionHeader(7, gentrace::symtab::kShtProgbits, 2, kTableOffset,
                            table.size()) +
              SectionHeader(18, 3, 0, names_offset, sizeof(kNames));
  }
  elf += headers;
  WriteLittleEndian(elf, 40, headers_offset, 8);  // e_shoff
  // e_shnum, then e_shstrndx.
  WriteLittleEndian(elf, 60, headers.size() / kSectionHeaderSize, 2);
  WriteLittleEndian(elf, 62, 3, 2);
  // The program header: everything, read and execute.
  WriteLittleEndian(elf, 64, gentrace::symtab::kPtLoad, 4);
  WriteLittleEndian(elf, 68, 5, 4);
  WriteLittleEndian(elf, 64 + 16, kBase, 8);  // p_vaddr
  WriteLittleEndian(elf, 64 + 24, kBase, 8);  // p_paddr
  WriteLittleEndian(elf, 64 + 32, elf.size(), 8);
  WriteLittleEndian(elf, 64 + 40, elf.size(), 8);
  WriteLittleEndian(elf, 64 + 48, 0x1000, 8);
  return elf;
}

// Opens `elf`, exercises it (tests/testing/exercise_binary) and writes its
// Breakpad symbol file.
void ExerciseElf(std::string elf) {
  absl::StatusOr<std::unique_ptr<gentrace::symtab::Binary>> binary =
      gentrace::symtab::Binary::FromBytes(std::move(elf));
  if (!binary.ok()) return;
  gentrace::testing::ExerciseOpenBinary(**binary);
  (void)gentrace::render::WriteBreakpadSymbols(**binary,
                                               [](absl::string_view) {});
}

}  // namespace

// With GENTRACE_FUZZ_WRITE_SEEDS=DIR, writes the inputs of the fixed binary
// (its table, as each release; its section header table) there, and the
// whole binary as "elf", and exits: tests/fuzz/run_fuzzer.sh seeds the
// corpus with them.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* dir = std::getenv("GENTRACE_FUZZ_WRITE_SEEDS");
  if (dir == nullptr) return 0;
  const std::string elf = SmallElf(BuiltTable(), nullptr);
  const uint64_t headers_offset = elf.size() - 4 * kSectionHeaderSize;
  for (size_t i = 0; i < std::size(kMinors); ++i) {
    std::ofstream(absl::StrCat(dir, "/table-", kMinors[i]), std::ios::binary)
        << static_cast<char>(2 * i) << BuiltTable();
  }
  std::ofstream(absl::StrCat(dir, "/sections"), std::ios::binary)
      << '\x01' << elf.substr(headers_offset);
  std::ofstream(absl::StrCat(dir, "/elf"), std::ios::binary) << elf;
  std::exit(0);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    ExerciseElf(SmallElf(BuiltTable(), &rest));
    return 0;
  }
  ExerciseElf(SmallElf(rest, nullptr));
  gentrace::symtab::Pclntab::Options options;
  const int minor = kMinors[(data[0] >> 1) % std::size(kMinors)];
  if (minor != 0) {
    options.go_version = gentrace::symtab::GoVersion{.minor = minor};
  }
  options.text_start = kBase + kTextOffset;
  absl::StatusOr<std::unique_ptr<gentrace::symtab::Pclntab>> table =
      gentrace::symtab::Pclntab::Parse(
          gentrace::symtab::ByteReader(
              absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(rest.data()),
                                  rest.size()),
              gentrace::symtab::ByteOrder::kLittle),
          options);
  if (table.ok()) gentrace::testing::ExercisePclntab(**table);
  return 0;
}
