#include "symtab/pe_file.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "arch/arch.h"

namespace gentrace::symtab {
namespace {

// From Microsoft's PE format specification.
constexpr uint16_t kOptionalMagic32 = 0x10b;
constexpr uint16_t kOptionalMagic64 = 0x20b;
constexpr uint32_t kScnUninitializedData = 0x80;
constexpr uint32_t kScnMemExecute = 0x20000000;
constexpr uint32_t kScnMemWrite = 0x80000000;
constexpr uint16_t kFileRelocsStripped = 0x1;
constexpr uint16_t kDllCharacteristicsDynamicBase = 0x40;
constexpr uint32_t kDebugTypeCodeView = 2;
constexpr int kDebugDirectory = 6;
constexpr uint64_t kCoffHeaderSize = 20;
constexpr uint64_t kSectionHeaderSize = 40;
constexpr uint64_t kSymbolSize = 18;
constexpr uint64_t kDebugEntrySize = 28;
constexpr uint32_t kMaxSections = 96;  // the loader's limit

// An 8-byte name field (the caller checked the bytes are there).
absl::string_view ShortName(const ByteReader& reader, uint64_t offset) {
  return reader.FixedString(offset, 8).value_or("");
}

struct Section {
  uint32_t rva = 0, virtual_size = 0, raw_size = 0, raw_offset = 0;
};

// The file offset of `rva` where a section holds it in the file.
std::optional<uint64_t> FileOffsetOfRva(const std::vector<Section>& sections,
                                        uint64_t rva, uint64_t length) {
  for (const Section& s : sections) {
    const uint64_t file_backed = std::min(s.virtual_size, s.raw_size);
    if (rva >= s.rva && rva - s.rva <= file_backed &&
        length <= file_backed - (rva - s.rva)) {
      return s.raw_offset + (rva - s.rva);
    }
  }
  return std::nullopt;
}

}  // namespace

bool IsPe(absl::Span<const uint8_t> image) {
  const ByteReader r(image, ByteOrder::kLittle);
  if (r.U16(0) != 0x5a4d) return false;  // "MZ"
  const std::optional<uint32_t> pe = r.U32(0x3c);
  return pe && r.U32(*pe) == 0x00004550;  // "PE\0\0"
}

absl::StatusOr<std::unique_ptr<ElfFile>> ParsePe(
    absl::Span<const uint8_t> image) {
  const ByteReader r(image, ByteOrder::kLittle);
  if (!IsPe(image)) return absl::InvalidArgumentError("PE: no PE signature");
  const uint64_t coff = *r.U32(0x3c) + uint64_t{4};
  if (!r.Contains(coff, kCoffHeaderSize)) {
    return absl::InvalidArgumentError("PE: truncated COFF header");
  }
  const uint16_t machine = *r.U16(coff);
  const uint16_t section_count = *r.U16(coff + 2);
  const uint32_t symbol_table = *r.U32(coff + 8);
  const uint32_t symbol_count = *r.U32(coff + 12);
  const uint16_t optional_size = *r.U16(coff + 16);
  const uint64_t optional = coff + kCoffHeaderSize;
  const arch::ArchInfo* info = arch::ArchByPeMachine(machine);
  if (info == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "PE: machine 0x", absl::Hex(machine), " is no Go architecture"));
  }
  const std::optional<uint16_t> magic = r.U16(optional);
  const bool is_64 = magic == kOptionalMagic64;
  // The fields through the data directories' count.
  const uint64_t fixed_size = is_64 ? 112 : 96;
  if ((magic != kOptionalMagic32 && !is_64) || optional_size < fixed_size ||
      !r.Contains(optional, optional_size)) {
    return absl::InvalidArgumentError("PE: truncated optional header");
  }
  const uint64_t image_base =
      is_64 ? *r.U64(optional + 24) : *r.U32(optional + 28);
  const uint32_t directory_count = *r.U32(optional + fixed_size - 4);
  if (section_count > kMaxSections ||
      !r.Contains(optional + optional_size,
                  uint64_t{section_count} * kSectionHeaderSize)) {
    return absl::InvalidArgumentError(
        "PE: section table lies outside the file");
  }
  // Long section names ("/4") and symbol names index the string table
  // after the symbols.
  std::optional<ByteReader> symbols =
      symbol_table == 0
          ? std::nullopt
          : r.Sub(symbol_table, uint64_t{symbol_count} * kSymbolSize);
  std::optional<ByteReader> strings;
  if (symbols) {
    const uint64_t strings_at =
        symbol_table + uint64_t{symbol_count} * kSymbolSize;
    strings = r.Sub(strings_at, r.U32(strings_at).value_or(0));
  } else if (symbol_table != 0) {
    return absl::InvalidArgumentError(
        "PE: the symbol table lies outside the file");
  }

  ElfFile::Container model;
  model.format = "PE";
  model.is_64 = is_64;
  model.machine = info->elf_machine;
  model.entry = image_base + *r.U32(optional + 16);
  model.image_base = image_base;
  // DllCharacteristics sits at one offset in PE32 and PE32+.
  model.relocatable =
      (*r.U16(optional + 70) & kDllCharacteristicsDynamicBase) &&
      !(*r.U16(coff + 18) & kFileRelocsStripped);
  std::vector<Section> sections;
  for (uint16_t i = 0; i < section_count; ++i) {
    const uint64_t at =
        optional + optional_size + uint64_t{i} * kSectionHeaderSize;
    absl::string_view name = ShortName(r, at);
    uint32_t long_name = 0;
    if (absl::StartsWith(name, "/") && strings &&
        absl::SimpleAtoi(name.substr(1), &long_name)) {
      name = strings->CString(long_name).value_or(name);
    }
    Section s{.rva = *r.U32(at + 12),
              .virtual_size = *r.U32(at + 8),
              .raw_size = *r.U32(at + 16),
              .raw_offset = *r.U32(at + 20)};
    const uint32_t characteristics = *r.U32(at + 36);
    if (s.virtual_size == 0) s.virtual_size = s.raw_size;
    const uint32_t file_backed = std::min(s.virtual_size, s.raw_size);
    if (!r.Contains(s.raw_offset, file_backed)) {
      return absl::InvalidArgumentError(
          absl::StrCat("PE: section ", name, " lies outside the file"));
    }
    const bool bss =
        (characteristics & kScnUninitializedData) != 0 || file_backed == 0;
    model.sections.push_back(
        {.name = name,
         .type = bss ? kShtNobits : kShtProgbits,
         .flags =
             kShfAlloc | (characteristics & kScnMemExecute ? kShfExecinstr : 0),
         .addr = image_base + s.rva,
         .offset = s.raw_offset,
         .size = bss ? s.virtual_size : file_backed});
    model.segments.push_back(
        {.type = kPtLoad,
         .flags = (characteristics & kScnMemExecute ? kPfExecute : 0u) |
                  (characteristics & kScnMemWrite ? kPfWrite : 0u) | 4u,
         .offset = s.raw_offset,
         .vaddr = image_base + s.rva,
         .filesz = bss ? 0 : file_backed,
         .memsz = s.virtual_size});
    sections.push_back(s);
  }
  std::sort(model.segments.begin(), model.segments.end(),
            [](const ElfSegment& a, const ElfSegment& b) {
              return a.vaddr < b.vaddr;
            });

  if (symbols) {
    model.symbols.reserve(symbol_count);
    for (uint64_t n = 0; n < symbol_count; ++n) {
      const uint64_t at = n * kSymbolSize;
      const int16_t section = static_cast<int16_t>(*symbols->U16(at + 12));
      const uint8_t aux = *symbols->U8(at + 17);
      if (section > 0 && section <= section_count) {
        std::optional<absl::string_view> name =
            symbols->U32(at) == 0
                ? (strings ? strings->CString(*symbols->U32(at + 4))
                           : std::nullopt)
                : ShortName(*symbols, at);
        if (name) {
          model.symbols.push_back({.name = *name,
                                   .value = image_base +
                                            sections[section - 1].rva +
                                            *symbols->U32(at + 8)});
        }
      }
      n += aux;  // auxiliary records follow their symbol
    }
  }

  // A CodeView record ("RSDS", GUID, age) in the debug directory.
  if (directory_count > kDebugDirectory) {
    const uint64_t entry =
        optional + fixed_size + uint64_t{kDebugDirectory} * 8;
    const uint32_t rva = r.U32(entry).value_or(0);
    const uint32_t size = r.U32(entry + 4).value_or(0);
    std::optional<uint64_t> at = FileOffsetOfRva(sections, rva, size);
    for (uint64_t e = 0; at && rva != 0 && e + kDebugEntrySize <= size;
         e += kDebugEntrySize) {
      if (r.U32(*at + e + 12) != kDebugTypeCodeView) continue;
      const uint32_t data = r.U32(*at + e + 24).value_or(0);
      std::optional<ByteReader> record = r.Sub(data, 24);
      if (!record || record->U32(0) != 0x53445352) continue;  // "RSDS"
      // The GUID as Windows prints it (Data1-3 little-endian), then the age.
      absl::StrAppend(&model.native_id,
                      absl::Hex(*record->U32(4), absl::kZeroPad8),
                      absl::Hex(*record->U16(8), absl::kZeroPad4),
                      absl::Hex(*record->U16(10), absl::kZeroPad4));
      for (int b = 12; b < 20; ++b) {
        absl::StrAppend(&model.native_id,
                        absl::Hex(*record->U8(b), absl::kZeroPad2));
      }
      absl::StrAppend(&model.native_id, absl::Hex(*record->U32(20)));
      break;
    }
  }
  return ElfFile::FromContainer(image, std::move(model));
}

}  // namespace gentrace::symtab
