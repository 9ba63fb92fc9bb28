#include "symtab/macho_file.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "arch/arch.h"

namespace gentrace::symtab {
namespace {

// From Apple's <mach-o/loader.h>, <mach-o/fat.h> and <mach-o/nlist.h>.
constexpr uint32_t kMagic64 = 0xfeedfacf;
constexpr uint32_t kFatMagic = 0xcafebabe;  // big-endian on disk
constexpr uint32_t kMhPie = 0x200000;
constexpr uint32_t kLcSymtab = 0x2;
constexpr uint32_t kLcSegment64 = 0x19;
constexpr uint32_t kLcUuid = 0x1b;
constexpr uint32_t kLcMain = 0x80000028;
constexpr uint32_t kVmProtWrite = 2;
constexpr uint32_t kVmProtExecute = 4;
constexpr uint32_t kSectionTypeMask = 0xff;
constexpr uint32_t kSZerofill = 0x1;
constexpr uint32_t kSGbZerofill = 0xc;
constexpr uint32_t kSThreadLocalZerofill = 0x12;
constexpr uint32_t kSAttrInstructions = 0x80000400;  // pure or some
constexpr uint8_t kNStab = 0xe0;
constexpr uint8_t kNTypeMask = 0x0e;
constexpr uint8_t kNSect = 0x0e;
constexpr uint64_t kHeaderSize = 32;
constexpr uint64_t kSegmentCommandSize = 72;
constexpr uint64_t kSectionSize = 80;
constexpr uint64_t kNlistSize = 16;
constexpr uint32_t kMaxFatSlices = 64;

// The GOARCH of a cputype, "" if Go builds none.
absl::string_view GoarchOfCpu(uint32_t cputype) {
  const arch::ArchInfo* info = arch::ArchByMachOCpu(cputype);
  return info != nullptr ? info->goarch : absl::string_view();
}

// A 16-byte name field (the caller checked the bytes are there).
absl::string_view FixedName(const ByteReader& reader, uint64_t offset) {
  return reader.FixedString(offset, 16).value_or("");
}

// The ELF name of a section where the formats name the same thing.
absl::string_view ElfSectionName(absl::string_view name) {
  static constexpr std::pair<absl::string_view, absl::string_view> kNames[] = {
      {"__text", ".text"},
      {"__gopclntab", ".gopclntab"},
      {"__go_buildinfo", ".go.buildinfo"},
      {"__noptrdata", ".noptrdata"},
      {"__rodata", ".rodata"},
      {"__data", ".data"},
      {"__bss", ".bss"},
      {"__noptrbss", ".noptrbss"},
  };
  for (const auto& [macho, elf] : kNames) {
    if (name == macho) return elf;
  }
  return name;
}

// The slice of a fat file for `goarch`.
absl::StatusOr<absl::Span<const uint8_t>> FatSlice(
    absl::Span<const uint8_t> image, absl::string_view goarch) {
  const ByteReader fat(image, ByteOrder::kBig);
  const uint32_t count = fat.U32(4).value_or(0);
  if (count == 0 || count > kMaxFatSlices ||
      !fat.Contains(8, uint64_t{count} * 20)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Mach-O: a fat header of ", count, " slices"));
  }
  std::vector<std::string> present;
  std::optional<absl::Span<const uint8_t>> chosen;
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t at = 8 + uint64_t{i} * 20;
    const absl::string_view arch = GoarchOfCpu(*fat.U32(at));
    const uint32_t offset = *fat.U32(at + 8), size = *fat.U32(at + 12);
    // A slice is a whole thin file inside this one, past the header.
    if (offset < 8 + uint64_t{count} * 20 || !fat.Contains(offset, size)) {
      return absl::InvalidArgumentError(
          absl::StrCat("Mach-O: fat slice ", i, " lies outside the file"));
    }
    present.push_back(arch.empty()
                          ? absl::StrCat("cpu 0x", absl::Hex(*fat.U32(at)))
                          : std::string(arch));
    if (!chosen && !arch.empty() && (goarch.empty() || arch == goarch)) {
      chosen = image.subspan(offset, size);
    }
  }
  if (!chosen || (goarch.empty() && count > 1)) {
    return absl::NotFoundError(absl::StrCat(
        "a fat Mach-O file with slices for ", absl::StrJoin(present, ", "),
        goarch.empty() ? ": choose one with --arch"
                       : absl::StrCat(": none for ", goarch)));
  }
  return *chosen;
}

}  // namespace

bool IsMachO(absl::Span<const uint8_t> image) {
  const ByteReader little(image, ByteOrder::kLittle);
  const ByteReader big(image, ByteOrder::kBig);
  return little.U32(0) == kMagic64 || big.U32(0) == kFatMagic;
}

absl::StatusOr<std::unique_ptr<ElfFile>> ParseMachO(
    absl::Span<const uint8_t> image, absl::string_view goarch) {
  if (ByteReader(image, ByteOrder::kBig).U32(0) == kFatMagic) {
    absl::StatusOr<absl::Span<const uint8_t>> slice = FatSlice(image, goarch);
    if (!slice.ok()) return slice.status();
    image = *slice;
  }
  const ByteReader r(image, ByteOrder::kLittle);
  if (r.U32(0) != kMagic64 || !r.Contains(0, kHeaderSize)) {
    return absl::InvalidArgumentError(
        "Mach-O: not a 64-bit little-endian Mach-O file");
  }
  const arch::ArchInfo* info = arch::ArchByMachOCpu(*r.U32(4));
  if (info == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Mach-O: cpu type 0x", absl::Hex(*r.U32(4)), " is no Go architecture"));
  }
  if (!goarch.empty() && info->goarch != goarch) {
    return absl::NotFoundError(
        absl::StrCat("a Mach-O file for ", info->goarch, ", not ", goarch));
  }
  const uint32_t command_count = *r.U32(16);
  const uint32_t commands_size = *r.U32(20);
  if (!r.Contains(kHeaderSize, commands_size) ||
      uint64_t{command_count} * 8 > commands_size) {
    return absl::InvalidArgumentError(
        "Mach-O: load commands lie outside the file");
  }
  ElfFile::Container model;
  model.format = "Mach-O";
  model.machine = info->elf_machine;
  model.relocatable = (*r.U32(24) & kMhPie) != 0;
  uint64_t text_segment = 0;
  uint64_t main_offset = 0;
  bool has_main = false;
  const uint64_t commands_end = kHeaderSize + commands_size;
  uint64_t at = kHeaderSize;
  for (uint32_t i = 0; i < command_count; ++i) {
    const uint32_t cmd = r.U32(at).value_or(0);
    const uint32_t size = r.U32(at + 4).value_or(0);
    if (size < 8 || at + size > commands_end) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Mach-O: load command ", i, " runs past the load commands"));
    }
    const ByteReader command = *r.Sub(at, size);
    if (cmd == kLcSegment64) {
      if (size < kSegmentCommandSize) {
        return absl::InvalidArgumentError("Mach-O: a truncated segment");
      }
      const absl::string_view segment_name = FixedName(command, 8);
      const uint64_t vmaddr = *command.U64(24), vmsize = *command.U64(32);
      const uint64_t fileoff = *command.U64(40), filesize = *command.U64(48);
      const uint32_t protection = *command.U32(60);
      const uint32_t sections = *command.U32(64);
      // __DWARF is in the file and not mapped (vmsize 0).
      if (!r.Contains(fileoff, filesize) ||
          (vmsize != 0 && filesize > vmsize) ||
          uint64_t{sections} * kSectionSize > size - kSegmentCommandSize) {
        return absl::InvalidArgumentError(absl::StrCat(
            "Mach-O: segment ", segment_name, " lies outside the file"));
      }
      if (segment_name == "__TEXT") text_segment = vmaddr;
      if (protection != 0 && vmsize != 0) {
        model.segments.push_back(
            {.type = kPtLoad,
             .flags = (protection & kVmProtExecute ? kPfExecute : 0u) |
                      (protection & kVmProtWrite ? kPfWrite : 0u) | 4u,
             .offset = fileoff,
             .vaddr = vmaddr,
             .filesz = filesize,
             .memsz = vmsize});
      }
      for (uint32_t s = 0; s < sections; ++s) {
        const uint64_t sec = kSegmentCommandSize + s * kSectionSize;
        const uint64_t addr = *command.U64(sec + 32);
        const uint64_t length = *command.U64(sec + 40);
        const uint32_t offset = *command.U32(sec + 48);
        const uint32_t flags = *command.U32(sec + 64);
        const uint32_t type = flags & kSectionTypeMask;
        const bool zerofill = type == kSZerofill || type == kSGbZerofill ||
                              type == kSThreadLocalZerofill;
        if (!zerofill && !r.Contains(offset, length)) {
          return absl::InvalidArgumentError(
              absl::StrCat("Mach-O: section ", FixedName(command, sec),
                           " lies outside the file"));
        }
        model.sections.push_back(
            {.name = ElfSectionName(FixedName(command, sec)),
             .type = zerofill ? kShtNobits : kShtProgbits,
             .flags =
                 kShfAlloc | (flags & kSAttrInstructions ? kShfExecinstr : 0),
             .addr = addr,
             .offset = offset,
             .size = length});
      }
    } else if (cmd == kLcSymtab && size >= 24) {
      const uint32_t symoff = *command.U32(8), nsyms = *command.U32(12);
      const uint32_t stroff = *command.U32(16), strsize = *command.U32(20);
      std::optional<ByteReader> symbols =
          r.Sub(symoff, uint64_t{nsyms} * kNlistSize);
      std::optional<ByteReader> strings = r.Sub(stroff, strsize);
      if (!symbols || !strings) {
        return absl::InvalidArgumentError(
            "Mach-O: the symbol table lies outside the file");
      }
      model.symbols.reserve(nsyms);
      for (uint64_t n = 0; n < nsyms; ++n) {
        const uint64_t entry = n * kNlistSize;
        const uint8_t type = *symbols->U8(entry + 4);
        if ((type & kNStab) != 0 || (type & kNTypeMask) != kNSect) continue;
        std::optional<absl::string_view> name =
            strings->CString(*symbols->U32(entry));
        if (!name) continue;
        if (absl::StartsWith(*name, "_")) name->remove_prefix(1);
        model.symbols.push_back(
            {.name = *name, .value = *symbols->U64(entry + 8)});
      }
    } else if (cmd == kLcUuid && size >= 24) {
      for (int b = 0; b < 16; ++b) {
        absl::StrAppend(&model.native_id,
                        absl::Hex(*command.U8(8 + b), absl::kZeroPad2));
      }
    } else if (cmd == kLcMain && size >= 16) {
      main_offset = *command.U64(8);
      has_main = true;
    }
    at += size;
  }
  if (has_main) model.entry = text_segment + main_offset;
  std::sort(model.segments.begin(), model.segments.end(),
            [](const ElfSegment& a, const ElfSegment& b) {
              return a.vaddr < b.vaddr;
            });
  return ElfFile::FromContainer(image, std::move(model));
}

}  // namespace gentrace::symtab
