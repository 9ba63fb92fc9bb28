#ifndef GENTRACE_TARGET_CORE_FILE_H_
#define GENTRACE_TARGET_CORE_FILE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "arch/arch.h"
#include "arch/registers.h"
#include "symtab/address_space.h"
#include "symtab/elf_file.h"
#include "symtab/mapped_file.h"
#include "target/target.h"

namespace gentrace::target {

// An ELF core file (Linux kernel or qemu-user) as a Target: its threads'
// registers (NT_PRSTATUS), AT_ENTRY (NT_AUXV), file mappings (NT_FILE, in
// note order, ascending as Linux writes them; qemu-user cores have none)
// and the memory it captured. Memory the core leaves out (file-backed text,
// as both write it) is read from the attached executable, whose build ID
// notes must equal the bytes the core captured there. A malformed note
// makes Open and FromBytes fail (DataLossError).
//
// Thread-safe after Open. Not async-signal-safe.
class CoreFile : public Target {
 public:
  static absl::StatusOr<std::unique_ptr<CoreFile>> Open(absl::string_view path);
  static absl::StatusOr<std::unique_ptr<CoreFile>> FromBytes(std::string bytes);

  const symtab::AddressSpace& memory() const override { return memory_; }

 private:
  // The core's memory, then the attached executable's for what the core
  // left out.
  class Memory : public symtab::AddressSpace {
   public:
    explicit Memory(const CoreFile& core) : core_(core) {}
    std::optional<symtab::ByteReader> ReadToEnd(
        uint64_t address) const override;

   private:
    const CoreFile& core_;
  };

  CoreFile() = default;
  CoreFile(const CoreFile&) = delete;
  CoreFile& operator=(const CoreFile&) = delete;
  // Only what the core itself captured counts for the executable check,
  // not the executable's bytes served in its place.
  const symtab::AddressSpace& own_memory() const override { return *elf_; }
  void UseExecutable(const symtab::ElfFile& executable) override {
    executable_ = &executable;
  }
  static absl::StatusOr<std::unique_ptr<CoreFile>> FromFile(
      std::unique_ptr<symtab::MappedFile> file);
  absl::Status ParseNotes();
  absl::Status ParseFileNote(const symtab::ByteReader& desc);

  std::unique_ptr<symtab::MappedFile> file_;
  std::unique_ptr<symtab::ElfFile> elf_;
  const symtab::ElfFile* executable_ = nullptr;
  Memory memory_{*this};
};

}  // namespace gentrace::target

#endif  // GENTRACE_TARGET_CORE_FILE_H_
