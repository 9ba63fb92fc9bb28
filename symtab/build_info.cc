#include "symtab/build_info.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace gentrace::symtab {
namespace {

constexpr absl::string_view kBuildInfoMagic("\xff Go buildinf:", 14);
constexpr uint32_t kGoBuildIdNote = 4;
constexpr uint32_t kGnuBuildIdNote = 3;
constexpr uint64_t kMaxStringLength = 1 << 20;

std::optional<ByteReader> FindBuildInfoBlob(const ElfFile& elf) {
  if (const ElfSection* sec = elf.FindSection(".go.buildinfo")) {
    if (auto data = elf.SectionData(*sec)) return data;
  }
  for (const ElfSegment& seg : elf.segments()) {
    if (seg.type != kPtLoad || (seg.flags & kPfExecute)) continue;
    auto data = elf.image().Sub(seg.offset, seg.filesz);
    if (!data) continue;
    const uint8_t* bytes = data->data().data();
    for (uint64_t at = 0; at + 32 <= data->size(); at += 16) {
      if (bytes[at] == 0xff && std::memcmp(bytes + at, kBuildInfoMagic.data(),
                                           kBuildInfoMagic.size()) == 0) {
        return data->Tail(at);
      }
    }
  }
  return std::nullopt;
}

// A uvarint-prefixed string at *offset (Go 1.18+ inline form).
std::optional<std::string> ReadInlineString(const ByteReader& blob,
                                            uint64_t* offset) {
  uint64_t length = 0;
  for (int shift = 0;; shift += 7) {
    auto byte = blob.U8((*offset)++);
    if (!byte || shift > 56) return std::nullopt;
    length |= static_cast<uint64_t>(*byte & 0x7f) << shift;
    if ((*byte & 0x80) == 0) break;
  }
  auto bytes = blob.Sub(*offset, length);
  if (!bytes) return std::nullopt;
  *offset += length;
  return std::string(reinterpret_cast<const char*>(bytes->data().data()),
                     bytes->size());
}

// A Go string whose header {data, len} is at `header_address`.
std::optional<std::string> ReadGoString(const ElfFile& elf,
                                        uint64_t header_address) {
  auto data = elf.ReadPointer(header_address);
  auto header =
      elf.Read(header_address, 2 * static_cast<uint64_t>(elf.ptr_size()));
  if (!data || !header) return std::nullopt;
  const uint64_t length = *header->Word(elf.ptr_size(), elf.ptr_size());
  if (length > kMaxStringLength) return std::nullopt;
  auto bytes = elf.Read(*data, length);
  if (!bytes) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(bytes->data().data()),
                     bytes->size());
}

// runtime.buildVersion without symbols or buildinfo (Go 1.26 binaries carry
// no .go.buildinfo): a Go string header {ptr, len} in writable data whose
// bytes read as a Go release, e.g. "go1.26.5".
std::optional<std::string> FindBuildVersionString(const ElfFile& elf) {
  const int p = elf.ptr_size();
  for (const ElfSegment& seg : elf.segments()) {
    if (seg.type != kPtLoad || !(seg.flags & kPfWrite)) continue;
    auto data = elf.image().Sub(seg.offset, seg.filesz);
    if (!data) continue;
    const uint64_t skew = (p - seg.vaddr % p) % p;
    for (uint64_t at = skew; at + 2 * static_cast<uint64_t>(p) <= data->size();
         at += p) {
      const uint64_t length = *data->Word(at + p, p);
      if (length < 6 || length > 64) continue;
      auto bytes = elf.Read(*data->Word(at, p), length);
      if (!bytes) continue;
      absl::string_view text(
          reinterpret_cast<const char*>(bytes->data().data()), bytes->size());
      if (!absl::StartsWith(text, "go1.") || !GoVersion::Parse(text)) continue;
      if (std::all_of(text.begin(), text.end(),
                      [](char c) { return c > ' ' && c < 0x7f; })) {
        return std::string(text);
      }
    }
  }
  return std::nullopt;
}

void ParseModuleInfo(std::string module_info, BuildInfo* info) {
  // The linker brackets the text with 16-byte sentinels.
  if (module_info.size() >= 33 &&
      module_info[module_info.size() - 17] == '\n') {
    module_info = module_info.substr(16, module_info.size() - 32);
  }
  for (absl::string_view line : absl::StrSplit(module_info, '\n')) {
    std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    if (fields.size() >= 2 && fields[0] == "path") {
      info->path = std::string(fields[1]);
    }
    if (fields.size() >= 2 && fields[0] == "mod") {
      info->main_module = std::string(fields[1]);
    }
  }
  info->module_info = std::move(module_info);
}

}  // namespace

std::optional<BuildInfo> ReadBuildInfo(const ElfFile& elf) {
  BuildInfo info;
  if (std::optional<ByteReader> blob = FindBuildInfoBlob(elf)) {
    auto ptr_size = blob->U8(14);
    auto flags = blob->U8(15);
    if (ptr_size && flags) {
      std::optional<std::string> version, module_info;
      if (*flags & 2) {
        uint64_t offset = 32;
        version = ReadInlineString(*blob, &offset);
        if (version) module_info = ReadInlineString(*blob, &offset);
      } else if (*ptr_size == elf.ptr_size()) {
        // Pointers to Go string headers, at 16 and 16+ptrsize. The blob is
        // in the data segment, so its address comes from the section or scan
        // position; find it back from the image offset.
        const uint64_t blob_offset =
            blob->data().data() - elf.image().data().data();
        for (const ElfSegment& seg : elf.segments()) {
          if (seg.type != kPtLoad || blob_offset < seg.offset ||
              blob_offset - seg.offset >= seg.filesz) {
            continue;
          }
          const uint64_t address = seg.vaddr + (blob_offset - seg.offset);
          if (auto v = elf.ReadPointer(address + 16)) {
            version = ReadGoString(elf, *v);
          }
          if (auto m = elf.ReadPointer(address + 16 + *ptr_size)) {
            module_info = ReadGoString(elf, *m);
          }
          break;
        }
      }
      if (version) info.go_version = *version;
      if (module_info) ParseModuleInfo(*module_info, &info);
    }
  }
  if (info.go_version.empty()) {
    if (auto sym = elf.FindSymbol("runtime.buildVersion")) {
      if (auto v = ReadGoString(elf, sym->value)) info.go_version = *v;
    }
  }
  if (info.go_version.empty()) {
    if (auto v = FindBuildVersionString(elf)) info.go_version = *v;
  }
  if (info.go_version.empty() && info.module_info.empty()) return std::nullopt;
  return info;
}

std::string ReadGoBuildId(const ElfFile& elf) {
  if (auto note = elf.FindNote("Go", kGoBuildIdNote)) {
    return std::string(reinterpret_cast<const char*>(note->data().data()),
                       note->size());
  }
  // Mach-O and PE files (and ELF ones without the note) carry it where
  // their text begins: "\xff Go build ID: \"ID\"\n \xff".
  constexpr absl::string_view kStart = "\xff Go build ID: \"";
  constexpr absl::string_view kEnd = "\"\n \xff";
  constexpr uint64_t kSearched = 4096;
  const ElfSection* text = elf.FindSection(".text");
  std::optional<ByteReader> data = text ? elf.SectionData(*text) : std::nullopt;
  if (!data) return "";
  const absl::string_view head(
      reinterpret_cast<const char*>(data->data().data()),
      std::min<uint64_t>(data->size(), kSearched));
  const size_t start = head.find(kStart);
  if (start == absl::string_view::npos) return "";
  const size_t end = head.find(kEnd, start + kStart.size());
  if (end == absl::string_view::npos) return "";
  return std::string(
      head.substr(start + kStart.size(), end - start - kStart.size()));
}

std::string ReadGnuBuildId(const ElfFile& elf) {
  auto note = elf.FindNote("GNU", kGnuBuildIdNote);
  if (!note) return "";
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(note->data().data()), note->size()));
}

std::array<uint8_t, 16> FoldInto16Bytes(absl::string_view bytes) {
  std::array<uint8_t, 16> folded{};
  for (size_t i = 0; i < bytes.size(); ++i) {
    folded[i % folded.size()] ^= static_cast<uint8_t>(bytes[i]);
  }
  return folded;
}

std::string ReadFileId(const ElfFile& elf, absl::string_view gnu_build_id) {
  if (elf.format() != "ELF") return elf.native_id();
  if (!gnu_build_id.empty()) return "";
  const ElfSection* text = elf.FindSection(".text");
  std::optional<ByteReader> data = text ? elf.SectionData(*text) : std::nullopt;
  if (!data || data->size() < 16) return "";
  const std::array<uint8_t, 16> folded = FoldInto16Bytes(absl::string_view(
      reinterpret_cast<const char*>(data->data().data()),
      std::min<uint64_t>(data->size(), 4096) & ~uint64_t{15}));
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(folded.data()), folded.size()));
}

}  // namespace gentrace::symtab
