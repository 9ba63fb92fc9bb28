#ifndef GENTRACE_TARGET_TARGET_H_
#define GENTRACE_TARGET_TARGET_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "arch/arch.h"
#include "arch/registers.h"
#include "symtab/address_space.h"
#include "symtab/binary.h"
#include "symtab/byte_reader.h"
#include "symtab/elf_file.h"

namespace gentrace::target {

// A thread of the program, stopped: its kernel thread id and registers.
struct Thread {
  int64_t tid = 0;
  arch::Registers registers;
};

// One file-backed mapping of the program: [start, end) mapped `path` from
// byte `file_offset` on. Paths are where the files were when it ran.
struct FileMapping {
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t file_offset = 0;  // bytes
  std::string path;
};

// A stopped program to read: its memory, architecture and threads, and
// what places its executable in memory. Implementations fill the facts when
// they open the program and serve its memory. Everything above target/
// reads a program through this interface, whatever holds it: an ELF core
// (CoreFile), a process held with ptrace (LiveProcess), the current process
// (CurrentProcess), a capture of registers and stack (CaptureTarget).
//
// Implementations are thread-safe for reading once constructed.
// The executable as the program loaded it (Target::LoadExecutable): the
// binary itself when its tables already answer in the program's addresses,
// else a Binary::LoadedAt copy of it, owned here. Moving it keeps what it
// points to.
class LoadedExecutable {
 public:
  const symtab::Binary& operator*() const { return *binary_; }
  const symtab::Binary* operator->() const { return binary_; }

 private:
  friend class Target;
  explicit LoadedExecutable(const symtab::Binary& binary) : binary_(&binary) {}
  explicit LoadedExecutable(std::unique_ptr<symtab::Binary> copy)
      : binary_(copy.get()), copy_(std::move(copy)) {}

  const symtab::Binary* binary_;
  std::unique_ptr<symtab::Binary> copy_;
};

class Target {
 public:
  virtual ~Target() = default;

  const arch::ArchInfo& arch() const { return *facts_.arch; }
  virtual const symtab::AddressSpace& memory() const = 0;
  // The threads whose registers the target holds, in the order it lists
  // them; empty when it holds none.
  absl::Span<const Thread> threads() const { return facts_.threads; }
  // Where the program started: AT_ENTRY of its auxiliary vector, when the
  // target knows it.
  std::optional<uint64_t> entry() const { return facts_.entry; }
  // Where the program's executable image started, when the target knows
  // that (a module list) but not its entry point.
  std::optional<uint64_t> executable_base() const {
    return facts_.executable_base;
  }
  // The file-backed mappings, ascending; empty when the target lists none.
  absl::Span<const FileMapping> file_mappings() const {
    return facts_.file_mappings;
  }
  // The program's CLOCK_MONOTONIC (the Go runtime's nanotime()) when it was
  // stopped, when the target knows it.
  std::optional<int64_t> nanotime() const { return facts_.nanotime; }
  // The size of the program's memory pages: AT_PAGESZ of its auxiliary
  // vector, when the target knows it.
  std::optional<uint64_t> page_size() const { return facts_.page_size; }
  // Whether the target holds all of the program's writable memory, where
  // its goroutines are (a core, a process); a capture or a minidump of
  // thread stacks holds only parts.
  virtual bool holds_all_memory() const { return true; }

  // Ties the program's executable to the target: refuses a binary of
  // another architecture, or one that is not the executable that ran (its
  // entry point cannot have been the program's, or its build ID notes
  // differ from the bytes the target kept of them); else sets the load bias
  // (from the entry point, or else from where the executable's image
  // started) and lets the target serve what its memory lacks (file-backed
  // text) from the file. `binary` must outlive the target.
  absl::Status AttachExecutable(const symtab::Binary& binary);
  // AttachExecutable, then the binary as the program loaded it (at the
  // load bias: its tables answer in the program's addresses), which is what
  // unwinding and symbolizing the program's PCs need. A copy is made only
  // when `binary`'s load bias is not the program's (a PIE). `binary` must
  // outlive the target and the answer.
  absl::StatusOr<LoadedExecutable> LoadExecutable(const symtab::Binary& binary);
  // AT_ENTRY minus the executable's entry point after AttachExecutable, so
  // that position-independent executables line up; 0 before, or when the
  // target does not know AT_ENTRY.
  uint64_t load_bias() const { return load_bias_; }

 protected:
  // What an implementation reads of its program, for the accessors above.
  // `arch` is set before the target is handed out.
  struct Facts {
    const arch::ArchInfo* arch = nullptr;
    std::vector<Thread> threads;
    std::optional<uint64_t> entry;
    // Where the executable's image started (its headers), for a target
    // that lists its modules but not the entry point (a Windows minidump).
    std::optional<uint64_t> executable_base;
    std::vector<FileMapping> file_mappings;
    std::optional<int64_t> nanotime;
    std::optional<uint64_t> page_size;
  };
  Facts& facts() { return facts_; }
  const Facts& facts() const { return facts_; }

  // The program's bytes as the target itself holds them, without what it
  // serves from an attached executable: where the executable's build ID
  // notes are looked for.
  virtual const symtab::AddressSpace& own_memory() const { return memory(); }
  // Called once AttachExecutable has accepted `executable`: a target whose
  // memory lacks file-backed text serves it from there.
  virtual void UseExecutable(const symtab::ElfFile& /*executable*/) {}

 private:
  Facts facts_;
  uint64_t load_bias_ = 0;
};

// Entries of an auxiliary vector that targets read.
inline constexpr uint64_t kAuxvPageSize = 6;  // AT_PAGESZ
inline constexpr uint64_t kAuxvEntry = 9;     // AT_ENTRY

// The value of entry `type` of an auxiliary vector (NT_AUXV,
// /proc/PID/auxv: pairs of `ptr_size`-byte words); nullopt if it has none.
std::optional<uint64_t> AuxvValue(const symtab::ByteReader& auxv, uint64_t type,
                                  int ptr_size);

}  // namespace gentrace::target

#endif  // GENTRACE_TARGET_TARGET_H_
