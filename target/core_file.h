#ifndef GENTRACE_TARGET_CORE_FILE_H_
#define GENTRACE_TARGET_CORE_FILE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "arch/arch.h"
#include "arch/registers.h"
#include "symtab/address_space.h"
#include "symtab/elf_file.h"
#include "symtab/mapped_file.h"

namespace gentrace::target {

struct CoreThread {
  int64_t tid = 0;
  arch::Registers registers;
};

// One file-backed mapping of the crashed process, from the core's NT_FILE
// note: [start, end) mapped `path` from byte `file_offset` on.
struct FileMapping {
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t file_offset = 0;  // bytes
  std::string path;
};

// An ELF core file (Linux kernel or qemu-user): its threads' registers and
// the memory it captured. Memory the core leaves out (file-backed text, as
// both write it) is read from the executable when one is attached.
//
// Thread-safe after Open. Not async-signal-safe.
class CoreFile : public symtab::AddressSpace {
 public:
  static absl::StatusOr<std::unique_ptr<CoreFile>> Open(absl::string_view path);
  static absl::StatusOr<std::unique_ptr<CoreFile>> FromBytes(std::string bytes);

  const arch::ArchInfo& arch() const { return *arch_; }
  const std::vector<CoreThread>& threads() const { return threads_; }
  // AT_ENTRY from the auxiliary vector, if the core has one.
  std::optional<uint64_t> entry() const { return entry_; }
  // The file-backed mappings listed by the NT_FILE note, in note order
  // (ascending addresses as Linux writes them); empty when the core has none
  // (qemu-user cores). Paths are where the files were when the process ran.
  // A malformed NT_FILE note makes Open and FromBytes fail (DataLossError).
  const std::vector<FileMapping>& file_mappings() const {
    return file_mappings_;
  }

  // Serves memory the core omits from `executable`'s loadable segments,
  // shifted by the load bias (AT_ENTRY minus the file's entry point, so
  // position-independent executables line up). `executable` must outlive
  // this object.
  void AttachExecutable(const symtab::ElfFile* executable);
  uint64_t load_bias() const { return load_bias_; }
  // Checks that the attached executable is the one that dumped core: its
  // build ID notes (Go's and GNU's, in the first page of text) must match
  // the bytes the core captured there. FailedPreconditionError on a
  // mismatch; OK when the core did not capture them.
  absl::Status VerifyExecutable() const;

  std::optional<symtab::ByteReader> ReadToEnd(uint64_t address) const override;

 private:
  CoreFile() = default;
  static absl::StatusOr<std::unique_ptr<CoreFile>> FromFile(
      std::unique_ptr<symtab::MappedFile> file);
  absl::Status ParseNotes();
  absl::Status ParseFileNote(const symtab::ByteReader& desc);

  std::unique_ptr<symtab::MappedFile> file_;
  std::unique_ptr<symtab::ElfFile> elf_;
  const arch::ArchInfo* arch_ = nullptr;
  std::vector<CoreThread> threads_;
  std::optional<uint64_t> entry_;
  std::vector<FileMapping> file_mappings_;
  const symtab::ElfFile* executable_ = nullptr;
  uint64_t load_bias_ = 0;
};

}  // namespace gentrace::target

#endif  // GENTRACE_TARGET_CORE_FILE_H_
