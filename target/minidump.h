#ifndef GENTRACE_TARGET_MINIDUMP_H_
#define GENTRACE_TARGET_MINIDUMP_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "symtab/address_space.h"
#include "symtab/elf_file.h"
#include "symtab/mapped_file.h"
#include "target/target.h"

namespace gentrace::target {

// A minidump (Breakpad's and Crashpad's format: a header, a directory of
// streams) as a Target: the threads of its thread list with the general
// registers of their contexts (the crashing thread's from the exception
// stream, as the signal left them), the memory of its memory lists (thread
// stacks and what else the writer kept; a full-memory dump's Memory64List),
// the entry point and page size from its Linux auxv stream, the file
// mappings from its Linux maps stream. Every size, offset and count is
// checked against the file; overlapping memory ranges are trimmed to the
// first that holds a byte. Memory the dump leaves out (file-backed text) is
// read from the attached executable.
//
// Thread-safe after Open. Not async-signal-safe.
class Minidump : public Target {
 public:
  // A module of its module list: where it was loaded and the build ID of
  // its CodeView record (ELF build ID, lower-case hex; empty without one).
  struct Module {
    uint64_t base = 0;
    uint64_t size = 0;
    std::string name;
    std::string build_id;
  };
  // The exception stream: the crashed thread, the signal, its code and the
  // faulting address.
  struct Crash {
    int64_t tid = 0;
    uint32_t signal = 0;
    uint32_t code = 0;
    uint64_t address = 0;
  };

  static absl::StatusOr<std::unique_ptr<Minidump>> Open(absl::string_view path);
  static absl::StatusOr<std::unique_ptr<Minidump>> FromBytes(std::string bytes);

  // Whether `bytes` start as a minidump does ("MDMP").
  static bool LooksLikeOne(absl::Span<const uint8_t> bytes);

  const symtab::AddressSpace& memory() const override { return memory_; }
  const std::vector<Module>& modules() const { return modules_; }
  const std::optional<Crash>& crash() const { return crash_; }
  // The module the program started in (the one holding AT_ENTRY; in a
  // Windows dump, the first listed), when the dump says.
  const Module* main_module() const;
  // A full-memory dump (a Memory64List) holds the runtime's goroutines;
  // Breakpad's usual dump holds thread stacks and little more.
  bool holds_all_memory() const override { return full_memory_; }

 private:
  // The dump's memory ranges (sorted, not overlapping), then the attached
  // executable's for what they leave out.
  class Memory : public symtab::AddressSpace {
   public:
    explicit Memory(const Minidump& dump) : dump_(dump) {}
    std::optional<symtab::ByteReader> ReadToEnd(
        uint64_t address) const override;
    // Only the dump's own bytes.
    std::optional<symtab::ByteReader> ReadOwn(uint64_t address) const;

   private:
    const Minidump& dump_;
  };
  class OwnMemory : public symtab::AddressSpace {
   public:
    explicit OwnMemory(const Memory& memory) : memory_(memory) {}
    std::optional<symtab::ByteReader> ReadToEnd(
        uint64_t address) const override {
      return memory_.ReadOwn(address);
    }

   private:
    const Memory& memory_;
  };
  struct Range {
    uint64_t address = 0;
    absl::Span<const uint8_t> bytes;
  };

  Minidump() = default;
  Minidump(const Minidump&) = delete;
  Minidump& operator=(const Minidump&) = delete;
  const symtab::AddressSpace& own_memory() const override { return own_; }
  void UseExecutable(const symtab::ElfFile& executable) override {
    executable_ = &executable;
  }
  static absl::StatusOr<std::unique_ptr<Minidump>> FromFile(
      std::unique_ptr<symtab::MappedFile> file);
  absl::Status Parse();
  absl::Status AddRange(uint64_t address, uint64_t size, uint64_t rva);
  // Sorts the ranges, trims overlaps, and joins ranges that meet end to
  // start into one, so that a read may cross from one into the next (a
  // full dump lists a region's pages in pieces).
  void SortRanges();

  std::unique_ptr<symtab::MappedFile> file_;
  std::vector<Range> ranges_;
  // Copies of adjacent ranges whose bytes are apart in the file.
  std::vector<std::vector<uint8_t>> joined_;
  std::vector<Module> modules_;
  std::optional<Crash> crash_;
  bool full_memory_ = false;
  const symtab::ElfFile* executable_ = nullptr;
  Memory memory_{*this};
  OwnMemory own_{memory_};
};

}  // namespace gentrace::target

#endif  // GENTRACE_TARGET_MINIDUMP_H_
