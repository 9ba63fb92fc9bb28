#ifndef GENTRACE_SYMTAB_ELF_FILE_H_
#define GENTRACE_SYMTAB_ELF_FILE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "symtab/address_space.h"
#include "symtab/byte_reader.h"

namespace gentrace::symtab {

// ELF constants gentrace needs (from the System V ABI and its supplements).
inline constexpr uint16_t kElfTypeExec = 2;
inline constexpr uint16_t kElfTypeDyn = 3;
inline constexpr uint16_t kElfTypeCore = 4;
inline constexpr uint32_t kPtLoad = 1;
inline constexpr uint32_t kPtNote = 4;
inline constexpr uint32_t kPfExecute = 1;
inline constexpr uint32_t kPfWrite = 2;
inline constexpr uint32_t kShtProgbits = 1;
inline constexpr uint32_t kShtNobits = 8;
inline constexpr uint32_t kShtNote = 7;
inline constexpr uint64_t kShfAlloc = 2;
inline constexpr uint64_t kShfExecinstr = 4;

struct ElfSection {
  absl::string_view name;
  uint32_t type = 0;
  uint64_t flags = 0;
  uint64_t addr = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint32_t link = 0;
  uint64_t entsize = 0;
};

struct ElfSegment {
  uint32_t type = 0;
  uint32_t flags = 0;
  uint64_t offset = 0;
  uint64_t vaddr = 0;
  uint64_t filesz = 0;
  uint64_t memsz = 0;
};

struct ElfSymbol {
  absl::string_view name;
  uint64_t value = 0;
  uint64_t size = 0;
};

// A parsed view of an ELF image (executable, shared object or core) held in
// memory the caller owns and keeps alive. Headers are validated against the
// image at Parse time; every later read is bounds-checked.
//
// Thread-safe: all methods are const; the relocation and symbol name
// indexes are built once, on first use, under std::call_once.
//
// It is also the model of a Mach-O or PE executable (symtab/macho_file.h,
// symtab/pe_file.h read them into it): their sections under the ELF names
// gentrace looks for where the formats name the same thing (__text is
// .text, __gopclntab .gopclntab), their segments as PT_LOAD, their symbols,
// and the file's own ID (LC_UUID, CodeView GUID and age). Such a model has
// no notes and no relocations: the loaders of those formats rebase
// pointers by a whole-image slide, as LoadedAt does.
class ElfFile : public AddressSpace {
 public:
  static absl::StatusOr<std::unique_ptr<ElfFile>> Parse(
      absl::Span<const uint8_t> image);

  // What a Mach-O or PE reader found, for FromContainer.
  struct Container {
    absl::string_view format;  // "Mach-O", "PE"
    bool is_64 = true;
    ByteOrder byte_order = ByteOrder::kLittle;
    uint16_t machine = 0;  // the ELF e_machine of the same processor
    uint64_t entry = 0;
    // Loadable at any address (a PE with DYNAMIC_BASE and its relocations,
    // a Mach-O with MH_PIE), as an ELF ET_DYN is.
    bool relocatable = false;
    // Where its headers load when it loads where linked (PE's ImageBase);
    // unset: at its segment from file offset 0.
    std::optional<uint64_t> image_base;
    std::vector<ElfSection> sections;
    std::vector<ElfSegment> segments;  // PT_LOAD, in address order
    std::vector<ElfSymbol> symbols;
    std::string native_id;  // lower-case hex; empty if the file has none
  };
  static std::unique_ptr<ElfFile> FromContainer(absl::Span<const uint8_t> image,
                                                Container container);
  // "ELF", or the container's format.
  absl::string_view format() const { return format_; }
  // A Mach-O's LC_UUID or a PE's CodeView GUID and age; empty for ELF (whose
  // GNU build ID is a note).
  const std::string& native_id() const { return native_id_; }

  bool is_64() const { return is_64_; }
  int ptr_size() const { return is_64_ ? 8 : 4; }
  ByteOrder byte_order() const { return reader_.order(); }
  uint16_t type() const { return type_; }
  uint16_t machine() const { return machine_; }
  uint64_t entry() const { return entry_; }
  // Where the file's start (its headers) is when loaded at its link
  // addresses: where a module list says the module starts. None when its
  // headers are not loaded.
  std::optional<uint64_t> image_base() const;
  uint32_t flags() const { return flags_; }
  const ByteReader& image() const { return reader_; }

  const std::vector<ElfSection>& sections() const { return sections_; }
  const std::vector<ElfSegment>& segments() const { return segments_; }
  const ElfSection* FindSection(absl::string_view name) const;
  // The section's file bytes (empty for SHT_NOBITS), or nullopt when the
  // header points outside the file.
  std::optional<ByteReader> SectionData(const ElfSection& section) const;

  // Virtual memory at bias 0, from the file-backed part of PT_LOAD segments
  // (or, in images without segments, allocated sections); Read(addr, len)
  // gives `len` bytes when all of them are in the file.
  std::optional<ByteReader> ReadToEnd(uint64_t address) const override;
  // Where the file-backed part of a PT_LOAD segment puts a file offset in
  // memory at bias 0, and the inverse: how a profile's mapping (its start
  // address and file offset) is turned into link addresses. nullopt outside
  // every segment's file bytes.
  std::optional<uint64_t> AddressOfFileOffset(uint64_t offset) const;
  std::optional<uint64_t> FileOffsetOfAddress(uint64_t address) const;
  // The pointer-sized word at `addr` as the loader would leave it at load
  // bias 0: where a RELATIVE relocation with an explicit addend targets the
  // slot (position-independent files), the addend; else the stored word.
  std::optional<uint64_t> ReadPointer(uint64_t addr) const;
  // Virtual address of the slot a RELATIVE relocation with this addend
  // targets, if any (finds pointers to a known address in PIE files).
  std::vector<uint64_t> RelocationSlotsWithAddend(uint64_t addend) const;

  // Looks `name` up in .symtab, then .dynsym (the first symbol of that name).
  // The first call indexes every name; later ones are a hash lookup (a core
  // or a service request looks up a dozen runtime symbols in a binary of
  // tens of thousands).
  std::optional<ElfSymbol> FindSymbol(absl::string_view name) const;
  bool has_symtab() const {
    return !symbols_.empty() || FindSection(".symtab") != nullptr;
  }

  // The descriptor of the first note with this owner name and type, from
  // PT_NOTE segments or SHT_NOTE sections.
  std::optional<ByteReader> FindNote(absl::string_view owner,
                                     uint32_t type) const;
  // Every note in PT_NOTE segments, in file order (cores hold one
  // NT_PRSTATUS per thread). Stops at the first malformed note.
  struct Note {
    absl::string_view owner;
    uint32_t type;
    ByteReader desc;
  };
  std::vector<Note> SegmentNotes() const;

 private:
  ElfFile() = default;
  absl::Status ParseSegments(uint64_t phoff, uint16_t phentsize,
                             uint16_t phnum);
  absl::Status ParseSections(uint64_t shoff, uint16_t shentsize, uint32_t shnum,
                             uint32_t shstrndx);
  void BuildRelocationIndex() const;
  void BuildSymbolIndex() const;
  // contiguous_size_ for segments_.
  void IndexSegments();

  ByteReader reader_;
  bool is_64_ = false;
  uint16_t type_ = 0;
  uint16_t machine_ = 0;
  uint64_t entry_ = 0;
  std::optional<uint64_t> image_base_;  // a container's own
  uint32_t flags_ = 0;
  std::vector<ElfSection> sections_;
  std::vector<ElfSegment> segments_;
  // Per segment: the bytes readable from its start on, through the
  // segments that follow it both in memory and in the file (a core splits
  // adjacent mappings so), for ReadToEnd.
  std::vector<uint64_t> contiguous_size_;
  absl::string_view format_ = "ELF";
  std::string native_id_;
  std::vector<ElfSymbol> symbols_;  // a container's; ELF reads .symtab

  mutable std::once_flag relocations_once_;
  // (slot address, addend) of RELATIVE relocations, sorted by address.
  mutable std::vector<std::pair<uint64_t, uint64_t>> relative_relocations_;

  mutable std::once_flag symbols_once_;
  // Every symbol by name, the first of each name: a container's, then
  // .symtab's, then .dynsym's.
  mutable absl::flat_hash_map<absl::string_view, ElfSymbol> symbols_by_name_;
};

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_ELF_FILE_H_
