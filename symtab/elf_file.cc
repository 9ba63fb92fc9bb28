#include "symtab/elf_file.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gentrace::symtab {
namespace {

constexpr uint8_t kElfMagic[4] = {0x7f, 'E', 'L', 'F'};
constexpr uint32_t kShtSymtab = 2;
constexpr uint32_t kShtRela = 4;
constexpr uint32_t kShtDynsym = 11;
constexpr uint16_t kShnXindex = 0xffff;
// A bound no real file reaches; it keeps a hostile extended section count
// from making the parser allocate or loop without limit. (The segment count
// is 16 bits wide, so it needs none.)
constexpr uint32_t kMaxSections = 1 << 16;

// The RELATIVE relocation type of machines whose dynamic relocations carry
// explicit addends (RELA). REL machines keep the addend in the slot itself.
std::optional<uint32_t> RelativeRelocationType(uint16_t machine) {
  switch (machine) {
    case 62:  // EM_X86_64
      return 8;
    case 183:  // EM_AARCH64
      return 1027;
    case 21:  // EM_PPC64
      return 22;
    case 22:  // EM_S390
      return 12;
    case 243:  // EM_RISCV
    case 258:  // EM_LOONGARCH
      return 3;
    default:
      return std::nullopt;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<ElfFile>> ElfFile::Parse(
    absl::Span<const uint8_t> image) {
  if (image.size() < 16 ||
      !std::equal(kElfMagic, kElfMagic + 4, image.begin())) {
    return absl::InvalidArgumentError("not an ELF file (bad magic)");
  }
  const uint8_t elf_class = image[4];
  const uint8_t elf_data = image[5];
  if (elf_class != 1 && elf_class != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("ELF: unknown class ", elf_class));
  }
  if (elf_data != 1 && elf_data != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("ELF: unknown data encoding ", elf_data));
  }
  auto elf = std::unique_ptr<ElfFile>(new ElfFile());
  elf->is_64_ = elf_class == 2;
  elf->reader_ =
      ByteReader(image, elf_data == 1 ? ByteOrder::kLittle : ByteOrder::kBig);
  const ByteReader& r = elf->reader_;
  const bool b64 = elf->is_64_;
  const uint64_t header_size = b64 ? 64 : 52;
  if (!r.Contains(0, header_size)) {
    return absl::InvalidArgumentError("ELF: truncated file header");
  }
  elf->type_ = *r.U16(16);
  elf->machine_ = *r.U16(18);
  elf->entry_ = *r.Word(24, elf->ptr_size());
  uint64_t phoff, shoff;
  uint16_t phentsize, phnum, shentsize, shnum, shstrndx;
  if (b64) {
    phoff = *r.U64(32);
    shoff = *r.U64(40);
    elf->flags_ = *r.U32(48);
    phentsize = *r.U16(54);
    phnum = *r.U16(56);
    shentsize = *r.U16(58);
    shnum = *r.U16(60);
    shstrndx = *r.U16(62);
  } else {
    phoff = *r.U32(28);
    shoff = *r.U32(32);
    elf->flags_ = *r.U32(36);
    phentsize = *r.U16(42);
    phnum = *r.U16(44);
    shentsize = *r.U16(46);
    shnum = *r.U16(48);
    shstrndx = *r.U16(50);
  }
  if (absl::Status s = elf->ParseSegments(phoff, phentsize, phnum); !s.ok()) {
    return s;
  }
  // Extended numbering: with many sections, the real count and string table
  // index live in section header 0.
  uint32_t section_count = shnum;
  uint32_t string_index = shstrndx;
  if (shoff != 0 && (shnum == 0 || shstrndx == kShnXindex)) {
    const uint64_t size_off = shoff + (b64 ? 32 : 20);
    const uint64_t link_off = shoff + (b64 ? 40 : 24);
    if (shnum == 0) {
      auto n = r.Word(size_off, elf->ptr_size());
      if (!n) return absl::InvalidArgumentError("ELF: truncated section 0");
      section_count = static_cast<uint32_t>(std::min<uint64_t>(*n, UINT32_MAX));
    }
    if (shstrndx == kShnXindex) {
      auto link = r.U32(link_off);
      if (!link) return absl::InvalidArgumentError("ELF: truncated section 0");
      string_index = *link;
    }
  }
  if (shoff != 0 && section_count != 0) {
    if (absl::Status s =
            elf->ParseSections(shoff, shentsize, section_count, string_index);
        !s.ok()) {
      return s;
    }
  }
  return elf;
}

absl::Status ElfFile::ParseSegments(uint64_t phoff, uint16_t phentsize,
                                    uint16_t phnum) {
  if (phnum == 0) return absl::OkStatus();
  const uint64_t min_entsize = is_64_ ? 56 : 32;
  if (phentsize < min_entsize ||
      !reader_.Contains(phoff, uint64_t{phentsize} * phnum)) {
    return absl::InvalidArgumentError(
        "ELF: program header table lies outside the file");
  }
  segments_.reserve(phnum);
  for (uint16_t i = 0; i < phnum; ++i) {
    const uint64_t at = phoff + uint64_t{i} * phentsize;
    ElfSegment seg;
    seg.type = *reader_.U32(at);
    if (is_64_) {
      seg.flags = *reader_.U32(at + 4);
      seg.offset = *reader_.U64(at + 8);
      seg.vaddr = *reader_.U64(at + 16);
      seg.filesz = *reader_.U64(at + 32);
      seg.memsz = *reader_.U64(at + 40);
    } else {
      seg.offset = *reader_.U32(at + 4);
      seg.vaddr = *reader_.U32(at + 8);
      seg.filesz = *reader_.U32(at + 16);
      seg.memsz = *reader_.U32(at + 20);
      seg.flags = *reader_.U32(at + 24);
    }
    segments_.push_back(seg);
  }
  IndexSegments();
  return absl::OkStatus();
}

std::unique_ptr<ElfFile> ElfFile::FromContainer(absl::Span<const uint8_t> image,
                                                Container container) {
  auto file = std::unique_ptr<ElfFile>(new ElfFile());
  file->reader_ = ByteReader(image, container.byte_order);
  file->is_64_ = container.is_64;
  file->type_ = container.relocatable ? kElfTypeDyn : kElfTypeExec;
  file->machine_ = container.machine;
  file->entry_ = container.entry;
  file->image_base_ = container.image_base;
  file->sections_ = std::move(container.sections);
  file->segments_ = std::move(container.segments);
  file->symbols_ = std::move(container.symbols);
  file->format_ = container.format;
  file->native_id_ = std::move(container.native_id);
  file->IndexSegments();
  return file;
}

std::optional<uint64_t> ElfFile::image_base() const {
  if (image_base_) return image_base_;
  for (const ElfSegment& segment : segments_) {
    if (segment.type == kPtLoad && segment.offset == 0) return segment.vaddr;
  }
  return std::nullopt;
}

void ElfFile::IndexSegments() {
  contiguous_size_.resize(segments_.size());
  for (size_t i = segments_.size(); i-- > 0;) {
    const ElfSegment& seg = segments_[i];
    contiguous_size_[i] = seg.filesz;
    if (i + 1 < segments_.size()) {
      const ElfSegment& next = segments_[i + 1];
      if (seg.type == kPtLoad && next.type == kPtLoad &&
          seg.filesz == seg.memsz && next.vaddr == seg.vaddr + seg.filesz &&
          next.offset == seg.offset + seg.filesz &&
          reader_.Contains(next.offset, next.filesz)) {
        contiguous_size_[i] += contiguous_size_[i + 1];
      }
    }
  }
}

absl::Status ElfFile::ParseSections(uint64_t shoff, uint16_t shentsize,
                                    uint32_t shnum, uint32_t shstrndx) {
  const uint64_t min_entsize = is_64_ ? 64 : 40;
  if (shentsize < min_entsize || shnum > kMaxSections ||
      !reader_.Contains(shoff, uint64_t{shentsize} * shnum)) {
    return absl::InvalidArgumentError(
        "ELF: section header table lies outside the file");
  }
  std::vector<uint32_t> name_offsets;
  sections_.reserve(shnum);
  name_offsets.reserve(shnum);
  for (uint32_t i = 0; i < shnum; ++i) {
    const uint64_t at = shoff + uint64_t{i} * shentsize;
    ElfSection sec;
    name_offsets.push_back(*reader_.U32(at));
    sec.type = *reader_.U32(at + 4);
    if (is_64_) {
      sec.flags = *reader_.U64(at + 8);
      sec.addr = *reader_.U64(at + 16);
      sec.offset = *reader_.U64(at + 24);
      sec.size = *reader_.U64(at + 32);
      sec.link = *reader_.U32(at + 40);
      sec.entsize = *reader_.U64(at + 56);
    } else {
      sec.flags = *reader_.U32(at + 8);
      sec.addr = *reader_.U32(at + 12);
      sec.offset = *reader_.U32(at + 16);
      sec.size = *reader_.U32(at + 20);
      sec.link = *reader_.U32(at + 24);
      sec.entsize = *reader_.U32(at + 36);
    }
    sections_.push_back(sec);
  }
  // Names are optional: a file with a broken string table still has usable
  // segments, so unnamed sections are kept rather than rejected.
  if (shstrndx < sections_.size()) {
    std::optional<ByteReader> names = SectionData(sections_[shstrndx]);
    if (names) {
      for (uint32_t i = 0; i < shnum; ++i) {
        if (auto name = names->CString(name_offsets[i])) {
          sections_[i].name = *name;
        }
      }
    }
  }
  return absl::OkStatus();
}

const ElfSection* ElfFile::FindSection(absl::string_view name) const {
  for (const ElfSection& sec : sections_) {
    if (sec.name == name) return &sec;
  }
  return nullptr;
}

std::optional<ByteReader> ElfFile::SectionData(
    const ElfSection& section) const {
  if (section.type == kShtNobits) return ByteReader({}, byte_order());
  return reader_.Sub(section.offset, section.size);
}

std::optional<uint64_t> ElfFile::AddressOfFileOffset(uint64_t offset) const {
  for (const ElfSegment& segment : segments_) {
    if (segment.type == kPtLoad && offset >= segment.offset &&
        offset - segment.offset < segment.filesz) {
      return segment.vaddr + (offset - segment.offset);
    }
  }
  return std::nullopt;
}

std::optional<uint64_t> ElfFile::FileOffsetOfAddress(uint64_t address) const {
  for (const ElfSegment& segment : segments_) {
    if (segment.type == kPtLoad && address >= segment.vaddr &&
        address - segment.vaddr < segment.filesz) {
      return segment.offset + (address - segment.vaddr);
    }
  }
  return std::nullopt;
}

std::optional<ByteReader> ElfFile::ReadToEnd(uint64_t addr) const {
  for (size_t i = 0; i < segments_.size(); ++i) {
    const ElfSegment& seg = segments_[i];
    if (seg.type != kPtLoad || addr < seg.vaddr) continue;
    const uint64_t delta = addr - seg.vaddr;
    if (delta >= seg.filesz) continue;
    auto data = reader_.Sub(seg.offset, contiguous_size_[i]);
    if (!data) return std::nullopt;
    return data->Tail(delta);
  }
  if (segments_.empty()) {
    for (const ElfSection& sec : sections_) {
      if (!(sec.flags & kShfAlloc) || sec.type == kShtNobits ||
          addr < sec.addr || addr - sec.addr >= sec.size) {
        continue;
      }
      auto data = SectionData(sec);
      if (!data) return std::nullopt;
      return data->Tail(addr - sec.addr);
    }
  }
  return std::nullopt;
}

void ElfFile::BuildRelocationIndex() const {
  std::optional<uint32_t> relative = RelativeRelocationType(machine_);
  if (!relative) return;
  for (const ElfSection& sec : sections_) {
    if (sec.type != kShtRela || !(sec.flags & kShfAlloc)) continue;
    std::optional<ByteReader> data = SectionData(sec);
    if (!data) continue;
    const uint64_t entsize = is_64_ ? 24 : 12;
    for (uint64_t at = 0; at + entsize <= data->size(); at += entsize) {
      uint64_t offset, info, addend;
      if (is_64_) {
        offset = *data->U64(at);
        info = *data->U64(at + 8) & 0xffffffff;
        addend = *data->U64(at + 16);
      } else {
        offset = *data->U32(at);
        info = *data->U32(at + 4) & 0xff;
        addend = *data->U32(at + 8);
      }
      if (info == *relative) relative_relocations_.emplace_back(offset, addend);
    }
  }
  std::sort(relative_relocations_.begin(), relative_relocations_.end());
}

std::optional<uint64_t> ElfFile::ReadPointer(uint64_t addr) const {
  if (type_ == kElfTypeDyn) {
    std::call_once(relocations_once_, [this] { BuildRelocationIndex(); });
    auto it = std::lower_bound(relative_relocations_.begin(),
                               relative_relocations_.end(),
                               std::make_pair(addr, uint64_t{0}));
    if (it != relative_relocations_.end() && it->first == addr) {
      return it->second;
    }
  }
  auto word = Read(addr, ptr_size());
  if (!word) return std::nullopt;
  return word->Word(0, ptr_size());
}

std::vector<uint64_t> ElfFile::RelocationSlotsWithAddend(
    uint64_t addend) const {
  std::vector<uint64_t> slots;
  if (type_ != kElfTypeDyn) return slots;
  std::call_once(relocations_once_, [this] { BuildRelocationIndex(); });
  for (const auto& [slot, value] : relative_relocations_) {
    if (value == addend) slots.push_back(slot);
  }
  return slots;
}

void ElfFile::BuildSymbolIndex() const {
  for (const ElfSymbol& symbol : symbols_) {
    symbols_by_name_.try_emplace(symbol.name, symbol);
  }
  for (uint32_t wanted : {kShtSymtab, kShtDynsym}) {
    for (const ElfSection& sec : sections_) {
      if (sec.type != wanted || sec.link >= sections_.size()) continue;
      std::optional<ByteReader> syms = SectionData(sec);
      std::optional<ByteReader> strs = SectionData(sections_[sec.link]);
      if (!syms || !strs) continue;
      const uint64_t entsize = is_64_ ? 24 : 16;
      for (uint64_t at = 0; at + entsize <= syms->size(); at += entsize) {
        std::optional<absl::string_view> name = strs->CString(*syms->U32(at));
        if (!name || name->empty()) continue;
        ElfSymbol sym;
        sym.name = *name;
        if (is_64_) {
          sym.value = *syms->U64(at + 8);
          sym.size = *syms->U64(at + 16);
        } else {
          sym.value = *syms->U32(at + 4);
          sym.size = *syms->U32(at + 8);
        }
        symbols_by_name_.try_emplace(sym.name, sym);
      }
    }
  }
}

std::optional<ElfSymbol> ElfFile::FindSymbol(absl::string_view name) const {
  std::call_once(symbols_once_, [this] { BuildSymbolIndex(); });
  auto it = symbols_by_name_.find(name);
  if (it == symbols_by_name_.end()) return std::nullopt;
  return it->second;
}

namespace {

// Calls `visit` for each note in `notes` (4-byte aligned name and
// descriptor) until it returns true; stops at a malformed note.
template <typename Visit>
void ForEachNote(const ByteReader& notes, Visit visit) {
  uint64_t at = 0;
  auto align4 = [](uint64_t n) { return (n + 3) & ~uint64_t{3}; };
  while (notes.Contains(at, 12)) {
    const uint32_t namesz = *notes.U32(at);
    const uint32_t descsz = *notes.U32(at + 4);
    const uint32_t note_type = *notes.U32(at + 8);
    const uint64_t name_at = at + 12;
    const uint64_t desc_at = name_at + align4(namesz);
    auto name = notes.Sub(name_at, namesz);
    auto desc = notes.Sub(desc_at, descsz);
    if (!name || !desc) return;
    absl::string_view name_str(
        reinterpret_cast<const char*>(name->data().data()), name->size());
    while (!name_str.empty() && name_str.back() == '\0') {
      name_str.remove_suffix(1);
    }
    if (visit(ElfFile::Note{name_str, note_type, *desc})) return;
    at = desc_at + align4(descsz);
  }
}

std::optional<ByteReader> FindNoteIn(const ByteReader& notes,
                                     absl::string_view owner, uint32_t type) {
  std::optional<ByteReader> found;
  ForEachNote(notes, [&](const ElfFile::Note& note) {
    if (note.type != type || note.owner != owner) return false;
    found = note.desc;
    return true;
  });
  return found;
}

}  // namespace

std::optional<ByteReader> ElfFile::FindNote(absl::string_view owner,
                                            uint32_t type) const {
  for (const ElfSection& sec : sections_) {
    if (sec.type != kShtNote) continue;
    if (auto data = SectionData(sec)) {
      if (auto desc = FindNoteIn(*data, owner, type)) return desc;
    }
  }
  for (const ElfSegment& seg : segments_) {
    if (seg.type != kPtNote) continue;
    if (auto data = reader_.Sub(seg.offset, seg.filesz)) {
      if (auto desc = FindNoteIn(*data, owner, type)) return desc;
    }
  }
  return std::nullopt;
}

std::vector<ElfFile::Note> ElfFile::SegmentNotes() const {
  std::vector<Note> notes;
  for (const ElfSegment& seg : segments_) {
    if (seg.type != kPtNote) continue;
    if (auto data = reader_.Sub(seg.offset, seg.filesz)) {
      ForEachNote(*data, [&](const Note& note) {
        notes.push_back(note);
        return false;
      });
    }
  }
  return notes;
}

}  // namespace gentrace::symtab
