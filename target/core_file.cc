#include "target/core_file.h"

#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gentrace::target {
namespace {

constexpr uint32_t kNtPrstatus = 1;
constexpr uint32_t kNtAuxv = 6;
constexpr uint32_t kNtFile = 0x46494c45;  // "FILE"

const arch::ArchInfo* ArchOfCore(const symtab::ElfFile& elf) {
  for (const arch::ArchInfo& arch : arch::AllArches()) {
    if (arch.elf_machine == elf.machine() && arch.ptr_size == elf.ptr_size() &&
        arch.byte_order == elf.byte_order()) {
      return &arch;
    }
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<std::unique_ptr<CoreFile>> CoreFile::Open(
    absl::string_view path) {
  absl::StatusOr<std::unique_ptr<symtab::MappedFile>> file =
      symtab::MappedFile::Open(path);
  if (!file.ok()) return file.status();
  absl::StatusOr<std::unique_ptr<CoreFile>> core = FromFile(*std::move(file));
  if (!core.ok()) {
    return absl::Status(core.status().code(),
                        absl::StrCat(path, ": ", core.status().message()));
  }
  return core;
}

absl::StatusOr<std::unique_ptr<CoreFile>> CoreFile::FromBytes(
    std::string bytes) {
  return FromFile(symtab::MappedFile::FromBytes(std::move(bytes)));
}

absl::StatusOr<std::unique_ptr<CoreFile>> CoreFile::FromFile(
    std::unique_ptr<symtab::MappedFile> file) {
  auto core = std::unique_ptr<CoreFile>(new CoreFile());
  core->file_ = std::move(file);
  absl::StatusOr<std::unique_ptr<symtab::ElfFile>> elf =
      symtab::ElfFile::Parse(core->file_->bytes());
  if (!elf.ok()) return elf.status();
  core->elf_ = *std::move(elf);
  if (core->elf_->type() != symtab::kElfTypeCore) {
    return absl::InvalidArgumentError("not an ELF core file");
  }
  core->facts().arch = ArchOfCore(*core->elf_);
  if (core->facts().arch == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("core of an unknown machine ", core->elf_->machine()));
  }
  if (absl::Status s = core->ParseNotes(); !s.ok()) return s;
  return core;
}

absl::Status CoreFile::ParseNotes() {
  const arch::ArchInfo& arch = *facts().arch;
  bool saw_file_note = false;
  for (const symtab::ElfFile::Note& note : elf_->SegmentNotes()) {
    if (note.owner != "CORE") continue;
    if (note.type == kNtPrstatus) {
      Thread thread{.registers = arch::Registers(arch)};
      auto pid = note.desc.U32(arch.prstatus_pid_offset);
      if (!pid) return absl::DataLossError("NT_PRSTATUS note is truncated");
      thread.tid = *pid;
      for (size_t i = 0; i < arch.prstatus_slots.size(); ++i) {
        if (arch.prstatus_slots[i].empty()) continue;
        auto value = note.desc.Word(
            arch.prstatus_regs_offset + i * arch.prstatus_slot_size,
            arch.prstatus_slot_size);
        if (!value) return absl::DataLossError("NT_PRSTATUS note is truncated");
        thread.registers.SetSlot(i, *value);
      }
      facts().threads.push_back(thread);
    } else if (note.type == kNtFile && !saw_file_note) {
      // Linux writes one; the first is the one readelf and gdb show.
      saw_file_note = true;
      if (absl::Status s = ParseFileNote(note.desc); !s.ok()) return s;
    } else if (note.type == kNtAuxv) {
      if (std::optional<uint64_t> entry =
              AuxvValue(note.desc, kAuxvEntry, arch.ptr_size)) {
        facts().entry = entry;
      }
      if (std::optional<uint64_t> page_size =
              AuxvValue(note.desc, kAuxvPageSize, arch.ptr_size)) {
        facts().page_size = page_size;
      }
    }
  }
  if (facts().threads.empty()) {
    return absl::InvalidArgumentError("core has no NT_PRSTATUS (no threads)");
  }
  return absl::OkStatus();
}

// NT_FILE (fs/binfmt_elf.c, fill_files_note): count and page size, then
// count (start, end, offset in pages) triples, then count NUL-terminated
// paths, all words of the core's pointer size.
absl::Status CoreFile::ParseFileNote(const symtab::ByteReader& desc) {
  const int p = facts().arch->ptr_size;
  const uint64_t word = p;
  const std::optional<uint64_t> count = desc.Word(0, p);
  const std::optional<uint64_t> page_size = desc.Word(word, p);
  if (!count || !page_size) {
    return absl::DataLossError("NT_FILE note is truncated");
  }
  const uint64_t table_at = 2 * word;
  const uint64_t entry_size = 3 * word;
  // Every mapping takes a triple and at least a path terminator, so a count
  // the note cannot hold is refused before it sizes any allocation.
  if (*count > (desc.size() - table_at) / (entry_size + 1)) {
    return absl::DataLossError(
        absl::StrCat("NT_FILE note is truncated: ", desc.size(),
                     " bytes cannot hold ", *count, " mappings"));
  }
  if (*count > 0 && *page_size == 0) {
    return absl::DataLossError("NT_FILE note is malformed: page size 0");
  }
  std::vector<FileMapping> mappings;
  mappings.reserve(*count);
  uint64_t path_at = table_at + *count * entry_size;
  for (uint64_t i = 0; i < *count; ++i) {
    const uint64_t at = table_at + i * entry_size;
    const std::optional<uint64_t> start = desc.Word(at, p);
    const std::optional<uint64_t> end = desc.Word(at + word, p);
    const std::optional<uint64_t> pages = desc.Word(at + 2 * word, p);
    const std::optional<absl::string_view> path = desc.CString(path_at);
    if (!start || !end || !pages || !path) {
      return absl::DataLossError("NT_FILE note is truncated");
    }
    if (*end < *start ||
        *pages > std::numeric_limits<uint64_t>::max() / *page_size) {
      return absl::DataLossError(absl::StrCat(
          "NT_FILE note is malformed: mapping ", i, " [0x", absl::Hex(*start),
          ", 0x", absl::Hex(*end), ") at page ", *pages));
    }
    mappings.push_back(
        FileMapping{*start, *end, *pages * *page_size, std::string(*path)});
    path_at += path->size() + 1;
  }
  facts().file_mappings = std::move(mappings);
  return absl::OkStatus();
}

std::optional<symtab::ByteReader> CoreFile::Memory::ReadToEnd(
    uint64_t address) const {
  if (auto bytes = core_.elf_->ReadToEnd(address)) return bytes;
  const uint64_t bias = core_.load_bias();
  if (core_.executable_ != nullptr && address >= bias) {
    return core_.executable_->ReadToEnd(address - bias);
  }
  return std::nullopt;
}

}  // namespace gentrace::target
