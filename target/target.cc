#include "target/target.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "symtab/byte_reader.h"

namespace gentrace::target {

absl::Status Target::AttachExecutable(const symtab::Binary& binary) {
  if (binary.arch() != &arch()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the program is ", arch().goarch, " but the binary is ",
                     binary.goarch()));
  }
  const symtab::ElfFile& executable = binary.elf();
  std::optional<uint64_t> program_entry = entry();
  if (!program_entry && executable_base() && executable.image_base()) {
    program_entry =
        *executable_base() + (executable.entry() - *executable.image_base());
  }
  const uint64_t load_bias =
      program_entry ? *program_entry - executable.entry() : 0;
  // A fixed-address executable loads where it was linked; a PIE one on a
  // page boundary.
  constexpr uint64_t kPageMask = 0xfff;
  if (program_entry &&
      ((executable.type() != symtab::kElfTypeDyn && load_bias != 0) ||
       (load_bias & kPageMask) != 0)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "this binary is not the program's executable: the program's entry "
        "point was 0x",
        absl::Hex(*program_entry), ", this binary's is 0x",
        absl::Hex(executable.entry())));
  }
  // The build ID notes (the allocated SHT_NOTE sections: Go's and GNU's, at
  // the start of text) must equal what the program had there, where the
  // target kept it.
  for (const symtab::ElfSection& section : executable.sections()) {
    if (section.type != symtab::kShtNote || section.addr == 0) continue;
    std::optional<symtab::ByteReader> in_file = executable.SectionData(section);
    std::optional<symtab::ByteReader> in_program =
        own_memory().Read(section.addr + load_bias, section.size);
    if (!in_file || !in_program) continue;
    if (in_file->data() != in_program->data()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "this binary is not the program's executable: its ", section.name,
          " differs from the one in the program's memory (another build?)"));
    }
  }
  load_bias_ = load_bias;
  UseExecutable(executable);
  return absl::OkStatus();
}

absl::StatusOr<LoadedExecutable> Target::LoadExecutable(
    const symtab::Binary& binary) {
  if (absl::Status attached = AttachExecutable(binary); !attached.ok()) {
    return attached;
  }
  if (binary.load_bias() == load_bias_) return LoadedExecutable(binary);
  absl::StatusOr<std::unique_ptr<symtab::Binary>> loaded =
      binary.LoadedAt(load_bias_);
  if (!loaded.ok()) return loaded.status();
  return LoadedExecutable(*std::move(loaded));
}

std::optional<uint64_t> AuxvValue(const symtab::ByteReader& auxv, uint64_t type,
                                  int ptr_size) {
  const uint64_t pair = 2 * static_cast<uint64_t>(ptr_size);
  std::optional<uint64_t> value;
  for (uint64_t at = 0; auxv.Contains(at, pair); at += pair) {
    if (*auxv.Word(at, ptr_size) == type) {
      value = *auxv.Word(at + ptr_size, ptr_size);
    }
  }
  return value;
}

}  // namespace gentrace::target
