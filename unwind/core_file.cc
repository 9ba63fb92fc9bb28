#include "unwind/core_file.h"

#include "absl/strings/str_cat.h"

namespace gentrace::unwind {
namespace {

constexpr uint32_t kNtPrstatus = 1;
constexpr uint32_t kNtAuxv = 6;
constexpr uint64_t kAtEntry = 9;

const ArchInfo* ArchOfCore(const symtab::ElfFile& elf) {
  for (const ArchInfo& arch : AllArches()) {
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
  core->arch_ = ArchOfCore(*core->elf_);
  if (core->arch_ == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("core of an unknown machine ", core->elf_->machine()));
  }
  if (absl::Status s = core->ParseNotes(); !s.ok()) return s;
  return core;
}

absl::Status CoreFile::ParseNotes() {
  const ArchInfo& arch = *arch_;
  for (const symtab::ElfFile::Note& note : elf_->SegmentNotes()) {
    if (note.owner != "CORE") continue;
    if (note.type == kNtPrstatus) {
      CoreThread thread;
      auto pid = note.desc.U32(arch.prstatus_pid_offset);
      if (!pid) return absl::DataLossError("NT_PRSTATUS note is truncated");
      thread.tid = *pid;
      for (size_t i = 0; i < arch.prstatus_slots.size(); ++i) {
        if (arch.prstatus_slots[i].empty()) continue;
        auto value = note.desc.Word(
            arch.prstatus_regs_offset + i * arch.prstatus_slot_size,
            arch.prstatus_slot_size);
        if (!value) return absl::DataLossError("NT_PRSTATUS note is truncated");
        thread.registers.Set(arch.prstatus_slots[i], *value);
      }
      threads_.push_back(std::move(thread));
    } else if (note.type == kNtAuxv) {
      const int p = arch.ptr_size;
      const uint64_t pair = 2 * static_cast<uint64_t>(p);
      for (uint64_t at = 0; note.desc.Contains(at, pair); at += pair) {
        if (*note.desc.Word(at, p) == kAtEntry) {
          entry_ = *note.desc.Word(at + p, p);
        }
      }
    }
  }
  if (threads_.empty()) {
    return absl::InvalidArgumentError("core has no NT_PRSTATUS (no threads)");
  }
  return absl::OkStatus();
}

void CoreFile::AttachExecutable(const symtab::ElfFile* executable) {
  executable_ = executable;
  load_bias_ = entry_ && executable ? *entry_ - executable->entry() : 0;
}

std::optional<symtab::ByteReader> CoreFile::ReadToEnd(uint64_t address) const {
  if (auto bytes = elf_->ReadToEnd(address)) return bytes;
  if (executable_ != nullptr && address >= load_bias_) {
    return executable_->ReadToEnd(address - load_bias_);
  }
  return std::nullopt;
}

}  // namespace gentrace::unwind
