#include "symtab/binary.h"

#include <cstring>
#include <functional>

#include "absl/strings/str_cat.h"
#include "symtab/macho_file.h"
#include "symtab/pe_file.h"

namespace gentrace::symtab {

// Where moduledata keeps the type descriptors (types, etypes) and, 1.18+,
// gofunc (runtime/symtab.go's moduledata): word indices in the releases
// [first_minor, last_minor] of a pclntab format; 0: no such word. The word
// before gofunc is moduledata.rodata in every layout.
struct ModuledataWords {
  PclntabFormat format;
  int first_minor;
  int last_minor;
  uint64_t types;
  uint64_t etypes;
  uint64_t gofunc;
};
namespace {

// Word index of moduledata.text, the same from Go 1.16 on (runtime/symtab.go's
// moduledata).
constexpr uint64_t kModuledataTextWord = 22;

constexpr ModuledataWords kModuledataWords[] = {
    {PclntabFormat::kGo116, 16, 17, 35, 36, 0},
    {PclntabFormat::kGo118, 18, 19, 35, 36, 38},
    // 1.20 added covctrs and ecovctrs before types; 1.27 typedesclen between
    // types and etypes, and itaboffset and itabsize before rodata.
    {PclntabFormat::kGo120, 27, 1 << 30, 37, 39, 43},
    {PclntabFormat::kGo120, 20, 26, 37, 38, 40},
};

bool InExecutableSegment(const ElfFile& elf, uint64_t pc) {
  if (elf.segments().empty()) return true;  // nothing to check against
  for (const ElfSegment& seg : elf.segments()) {
    if (seg.type == kPtLoad && (seg.flags & kPfExecute) && pc >= seg.vaddr &&
        pc - seg.vaddr < seg.memsz) {
      return true;
    }
  }
  return false;
}

// Whether [lo, hi] lies in one loadable, non-writable segment.
bool InReadOnlySegment(const ElfFile& elf, uint64_t lo, uint64_t hi) {
  for (const ElfSegment& seg : elf.segments()) {
    if (seg.type == kPtLoad && !(seg.flags & kPfWrite) && lo >= seg.vaddr &&
        hi - seg.vaddr < seg.memsz) {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::string_view PclntabSourceName(PclntabSource source) {
  switch (source) {
    case PclntabSource::kSection:
      return "section";
    case PclntabSource::kSymbols:
      return "symbols";
    case PclntabSource::kMagicScan:
      return "magic scan";
  }
  return "?";
}

absl::StatusOr<std::unique_ptr<Binary>> Binary::Open(absl::string_view path,
                                                     absl::string_view goarch) {
  absl::StatusOr<std::unique_ptr<MappedFile>> file = MappedFile::Open(path);
  if (!file.ok()) return file.status();
  return FromFile(*std::move(file), std::string(path), goarch);
}

absl::StatusOr<std::unique_ptr<Binary>> Binary::FromBytes(
    std::string bytes, absl::string_view goarch) {
  return FromFile(MappedFile::FromBytes(std::move(bytes)), "<memory>", goarch);
}

absl::StatusOr<std::unique_ptr<Binary>> Binary::FromFile(
    std::unique_ptr<MappedFile> file, std::string path,
    absl::string_view goarch) {
  auto binary = std::unique_ptr<Binary>(new Binary());
  binary->path_ = std::move(path);
  binary->file_ = std::move(file);
  const absl::Span<const uint8_t> bytes = binary->file_->bytes();
  // A file that begins "MZ" is read as PE, to say what is wrong with it.
  const bool pe = bytes.size() >= 2 && bytes[0] == 'M' && bytes[1] == 'Z';
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = IsMachO(bytes)
                                                     ? ParseMachO(bytes, goarch)
                                                 : pe ? ParsePe(bytes)
                                                      : ElfFile::Parse(bytes);
  if (!elf.ok()) {
    return absl::Status(
        elf.status().code(),
        absl::StrCat(binary->path_, ": ", elf.status().message()));
  }
  binary->elf_ = *std::move(elf);
  binary->arch_ =
      arch::ArchByElf(binary->elf_->machine(), binary->elf_->is_64() ? 8 : 4,
                      binary->elf_->byte_order());
  if (!goarch.empty() && binary->goarch() != goarch) {
    return absl::NotFoundError(absl::StrCat(
        binary->path_, ": a binary for ", binary->goarch(), ", not ", goarch));
  }
  binary->build_info_ = ReadBuildInfo(*binary->elf_);
  if (binary->build_info_) {
    binary->go_version_ = GoVersion::Parse(binary->build_info_->go_version);
  }
  binary->go_build_id_ = ReadGoBuildId(*binary->elf_);
  binary->gnu_build_id_ = ReadGnuBuildId(*binary->elf_);
  if (absl::Status s = binary->LocatePclntab(); !s.ok()) {
    return absl::Status(s.code(),
                        absl::StrCat(binary->path_, ": ", s.message()));
  }
  return binary;
}

absl::StatusOr<std::unique_ptr<Pclntab>> Binary::TryParse(
    ByteReader data, uint64_t address) const {
  // Tables are in the file's byte order, as the runtime reads them.
  data = ByteReader(data.data(), elf_->byte_order());
  Pclntab::Options options;
  options.go_version = go_version_;
  options.memory = elf_.get();
  options.resolve_gofunc = [this] { return FindGoFunc(); };
  const int p = data.U8(7).value_or(0);
  const uint32_t magic = data.U32(0).value_or(0);
  if ((p != 4 && p != 8) || (magic != 0xFFFFFFF0 && magic != 0xFFFFFFF1)) {
    return ParseAndValidate(data, options);
  }
  // 1.18+ function entries are offsets from the start of text. The header
  // stores it relocated at load time (read it as the loader would leave it);
  // Go 1.26 stores 0 there and the runtime uses moduledata.text. Each later
  // source costs a scan, so it is asked only when the earlier ones fail.
  const std::function<std::optional<uint64_t>()> text_starts[] = {
      [&] {
        return elf_->ReadPointer(address + 8 + 2 * static_cast<uint64_t>(p));
      },
      [&] { return FindSymbol("runtime.text"); },
      [&] { return ModuledataText(address, data.size()); },
      [&] { return TextSection(); },
  };
  absl::Status last_error =
      absl::NotFoundError("cannot tell where Go text starts");
  for (const auto& text_start : text_starts) {
    options.text_start = text_start();
    if (!options.text_start || *options.text_start == 0) continue;
    absl::StatusOr<std::unique_ptr<Pclntab>> table =
        ParseAndValidate(data, options);
    if (table.ok()) return table;
    last_error = table.status();
  }
  return last_error;
}

std::optional<uint64_t> Binary::FindSymbol(absl::string_view name) const {
  std::optional<ElfSymbol> sym = elf_->FindSymbol(name);
  if (!sym) return std::nullopt;
  return sym->value;
}

std::optional<uint64_t> Binary::TextSection() const {
  const ElfSection* text = elf_->FindSection(".text");
  if (text == nullptr) return std::nullopt;
  return text->addr;
}

std::optional<uint64_t> Binary::ModuledataText(uint64_t table_address,
                                               uint64_t table_size) const {
  std::optional<uint64_t> moduledata =
      FindModuledata(table_address, table_size);
  if (!moduledata) return std::nullopt;
  return elf_->ReadPointer(*moduledata +
                           kModuledataTextWord * elf_->ptr_size());
}

absl::StatusOr<std::unique_ptr<Pclntab>> Binary::ParseAndValidate(
    ByteReader data, const Pclntab::Options& options) const {
  absl::StatusOr<std::unique_ptr<Pclntab>> table =
      Pclntab::Parse(data, options);
  if (!table.ok()) return table.status();
  const Pclntab& t = **table;
  if (t.ptr_size() != elf_->ptr_size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("pclntab pointer size ", t.ptr_size(),
                     " does not match the ELF class"));
  }
  // The first function must be a real one in executable memory.
  absl::StatusOr<Func> first = t.FuncAt(0);
  if (!first.ok()) return first.status();
  if (!InExecutableSegment(*elf_, t.min_pc())) {
    return absl::InvalidArgumentError(
        absl::StrCat("pclntab's first function 0x", absl::Hex(t.min_pc()),
                     " is not in executable memory"));
  }
  return table;
}

absl::Status Binary::LocatePclntab() {
  absl::Status last_error = absl::NotFoundError("no Go pclntab found");
  for (absl::string_view name : {".gopclntab", ".data.rel.ro.gopclntab"}) {
    const ElfSection* sec = elf_->FindSection(name);
    if (sec == nullptr) continue;
    std::optional<ByteReader> data = elf_->SectionData(*sec);
    if (!data) {
      last_error = absl::DataLossError(
          absl::StrCat(name, " lies outside the file (truncated?)"));
      continue;
    }
    absl::StatusOr<std::unique_ptr<Pclntab>> table = TryParse(*data, sec->addr);
    if (table.ok()) {
      pclntab_ = *std::move(table);
      pclntab_source_ = PclntabSource::kSection;
      pclntab_address_ = sec->addr;
      return absl::OkStatus();
    }
    last_error = table.status();
  }
  for (auto [start, end] : {std::pair{"runtime.pclntab", "runtime.epclntab"},
                            std::pair{"pclntab", "epclntab"}}) {
    auto start_sym = elf_->FindSymbol(start);
    auto end_sym = elf_->FindSymbol(end);
    if (!start_sym || !end_sym || end_sym->value <= start_sym->value) continue;
    auto data = elf_->Read(start_sym->value, end_sym->value - start_sym->value);
    if (!data) continue;
    absl::StatusOr<std::unique_ptr<Pclntab>> table =
        TryParse(*data, start_sym->value);
    if (table.ok()) {
      pclntab_ = *std::move(table);
      pclntab_source_ = PclntabSource::kSymbols;
      pclntab_address_ = start_sym->value;
      return absl::OkStatus();
    }
    last_error = table.status();
  }
  // Stripped section headers, renamed sections: scan loadable, non-executable
  // segments for a header that parses and validates.
  const bool little = elf_->byte_order() == ByteOrder::kLittle;
  for (const ElfSegment& seg : elf_->segments()) {
    if (seg.type != kPtLoad || (seg.flags & kPfExecute)) continue;
    auto data = elf_->image().Sub(seg.offset, seg.filesz);
    if (!data) continue;
    const uint8_t* bytes = data->data().data();
    for (uint64_t at = 0; at + 16 <= data->size(); at += 4) {
      // Magic 0xFFFFFFF? then two zero bytes.
      const uint8_t low = little ? bytes[at] : bytes[at + 3];
      const uint8_t* high = little ? bytes + at + 1 : bytes + at;
      if (high[0] != 0xff || high[1] != 0xff || high[2] != 0xff ||
          (low & 0xf0) != 0xf0 || bytes[at + 4] != 0 || bytes[at + 5] != 0) {
        continue;
      }
      absl::StatusOr<std::unique_ptr<Pclntab>> table =
          TryParse(*data->Tail(at), seg.vaddr + at);
      if (table.ok()) {
        pclntab_ = *std::move(table);
        pclntab_source_ = PclntabSource::kMagicScan;
        pclntab_address_ = seg.vaddr + at;
        return absl::OkStatus();
      }
    }
  }
  return last_error;
}

std::optional<uint64_t> Binary::FindModuledata(uint64_t table_address,
                                               uint64_t table_size) const {
  // moduledata's first word (1.16+) points at the pclntab header; its next
  // slice, funcnametab, points inside the pclntab.
  const int p = elf_->ptr_size();
  const uint64_t table_end = table_address + table_size;
  auto plausible = [&](uint64_t candidate) {
    auto names = elf_->ReadPointer(candidate + p);
    auto names_len = elf_->Read(candidate + 2 * static_cast<uint64_t>(p), p);
    return names && names_len && *names > table_address && *names < table_end &&
           *names_len->Word(0, p) <= table_end - *names;
  };
  for (uint64_t slot : elf_->RelocationSlotsWithAddend(table_address)) {
    if (plausible(slot)) return slot;
  }
  // moduledata lives in .noptrdata, in the writable segment.
  const ElfSection* noptrdata = elf_->FindSection(".noptrdata");
  std::vector<std::pair<uint64_t, ByteReader>> regions;
  if (noptrdata != nullptr) {
    if (auto data = elf_->SectionData(*noptrdata)) {
      regions.emplace_back(noptrdata->addr, *data);
    }
  }
  for (const ElfSegment& seg : elf_->segments()) {
    if (seg.type != kPtLoad || !(seg.flags & kPfWrite)) continue;
    if (auto data = elf_->image().Sub(seg.offset, seg.filesz)) {
      regions.emplace_back(seg.vaddr, *data);
    }
  }
  // The stored word, in the file's byte order, compared as raw bytes.
  uint8_t needle[8];
  for (int i = 0; i < p; ++i) {
    const int shift =
        8 * (elf_->byte_order() == ByteOrder::kLittle ? i : p - 1 - i);
    needle[i] = static_cast<uint8_t>(table_address >> shift);
  }
  for (const auto& [address, data] : regions) {
    const uint8_t* bytes = data.data().data();
    const uint64_t skew = (p - address % p) % p;  // align to the word size
    for (uint64_t at = skew; at + p <= data.size(); at += p) {
      if (std::memcmp(bytes + at, needle, p) == 0 && plausible(address + at)) {
        return address + at;
      }
    }
  }
  return std::nullopt;
}

const std::string& Binary::file_id() const {
  std::call_once(file_id_once_,
                 [this] { file_id_ = ReadFileId(*elf_, gnu_build_id_); });
  return file_id_;
}

std::optional<uint64_t> Binary::FindGoFunc() const {
  std::call_once(gofunc_once_, [this] { gofunc_ = LocateGoFunc(); });
  return gofunc_;
}

std::optional<uint64_t> Binary::FindGoTypes() const {
  std::call_once(types_once_, [this] { types_ = LocateGoTypes(); });
  return types_;
}

std::optional<uint64_t> Binary::ReadModuledataWords(
    absl::FunctionRef<std::optional<uint64_t>(uint64_t moduledata,
                                              uint64_t pointer_size,
                                              const ModuledataWords& words)>
        read) const {
  std::optional<uint64_t> moduledata =
      FindModuledata(pclntab_address_, pclntab_->size());
  if (!moduledata) return std::nullopt;
  // The release picks the layout when buildinfo names it; otherwise each
  // layout of the format is tried, and `read` must find the words to be
  // what they are: addresses in one read-only segment, in order. A misread
  // layout lands on offsets or slice lengths, which are not.
  for (const ModuledataWords& words : kModuledataWords) {
    if (words.format != pclntab_->format()) continue;
    if (go_version_ && (go_version_->minor < words.first_minor ||
                        go_version_->minor > words.last_minor)) {
      continue;
    }
    if (std::optional<uint64_t> found =
            read(*moduledata, elf_->ptr_size(), words)) {
      return found;
    }
  }
  return std::nullopt;
}

std::optional<uint64_t> Binary::LocateGoTypes() const {
  if (auto sym = elf_->FindSymbol("runtime.types")) return sym->value;
  return ReadModuledataWords(
      [&](uint64_t moduledata, uint64_t p,
          const ModuledataWords& words) -> std::optional<uint64_t> {
        std::optional<uint64_t> start =
            elf_->ReadPointer(moduledata + words.types * p);
        std::optional<uint64_t> end =
            elf_->ReadPointer(moduledata + words.etypes * p);
        if (!start || !end || *start >= *end ||
            !InReadOnlySegment(*elf_, *start, *end - 1)) {
          return std::nullopt;
        }
        return start;
      });
}

std::optional<uint64_t> Binary::LocateGoFunc() const {
  const PclntabFormat format = pclntab_->format();
  if (format != PclntabFormat::kGo118 && format != PclntabFormat::kGo120) {
    return std::nullopt;
  }
  for (absl::string_view name : {"go:func.*", "go.func.*"}) {
    if (auto sym = elf_->FindSymbol(name)) return sym->value;
  }
  return ReadModuledataWords(
      [&](uint64_t moduledata, uint64_t p,
          const ModuledataWords& words) -> std::optional<uint64_t> {
        std::optional<uint64_t> rodata =
            elf_->ReadPointer(moduledata + (words.gofunc - 1) * p);
        std::optional<uint64_t> start =
            elf_->ReadPointer(moduledata + words.gofunc * p);
        if (!rodata || !start || *rodata > *start ||
            !InReadOnlySegment(*elf_, *rodata, *start)) {
          return std::nullopt;
        }
        return start;
      });
}

absl::StatusOr<std::unique_ptr<Binary>> Binary::LoadedAt(
    uint64_t load_bias) const {
  auto loaded = std::unique_ptr<Binary>(new Binary());
  loaded->path_ = path_;
  loaded->file_ = file_;
  loaded->elf_ = elf_;
  loaded->arch_ = arch_;
  loaded->pclntab_source_ = pclntab_source_;
  loaded->pclntab_address_ = pclntab_address_;
  loaded->build_info_ = build_info_;
  loaded->go_version_ = go_version_;
  loaded->go_build_id_ = go_build_id_;
  loaded->gnu_build_id_ = gnu_build_id_;
  loaded->loaded_memory_ =
      std::make_unique<ShiftedAddressSpace>(*elf_, load_bias);
  Pclntab::Options options;
  options.go_version = go_version_;
  options.memory = loaded->loaded_memory_.get();
  options.text_start = pclntab_->text_start() - pclntab_->load_bias();
  options.load_bias = load_bias;
  options.resolve_gofunc = [binary = loaded.get()] {
    return binary->FindGoFunc();
  };
  absl::StatusOr<std::unique_ptr<Pclntab>> table =
      Pclntab::Parse(pclntab_->bytes(), std::move(options));
  if (!table.ok()) return table.status();
  loaded->pclntab_ = *std::move(table);
  return loaded;
}

absl::Status Binary::Symbolize(uint64_t pc,
                               std::vector<SourceFrame>* frames) const {
  return pclntab_->SymbolizePc(pc, frames);
}

}  // namespace gentrace::symtab
