#ifndef GENTRACE_SYMTAB_NATIVE_MODULES_H_
#define GENTRACE_SYMTAB_NATIVE_MODULES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "symtab/native_symbols.h"

namespace gentrace::symtab {

// The native ELF objects of one process (executable and shared libraries),
// each where it was loaded, for naming native frames: a pc's module, its
// function (demangled) and, with DWARF, its file:line.
class NativeModules {
 public:
  // `path` occupies [start, end) and was loaded `load_bias` above its own
  // addresses; `symbols` are its symbols where the caller holds them open
  // already, else the file is read (once per path). Files that cannot be
  // read are remembered as unnamed.
  void Add(const std::string& path, uint64_t start, uint64_t end,
           uint64_t load_bias,
           std::shared_ptr<const NativeSymbols> symbols = nullptr);
  // One mapping of a process's address space (/proc/PID/maps, a core's
  // NT_FILE note), in address order: a file's mapping at offset 0 places
  // it (its load bias from its lowest PT_LOAD segment), its later mappings
  // extend it.
  void AddMapping(const std::string& path, uint64_t start, uint64_t end,
                  uint64_t file_offset);

  // Views of the modules' paths and symbols: valid while this object lives
  // and no module is added.
  struct Location {
    absl::string_view module;    // empty: the pc is in no module
    absl::string_view function;  // empty: no symbol covers it
    absl::string_view file;
    int line = 0;
  };
  // Where `pc` is: a return address unless `exact` (then pc-1 is looked
  // up, the call instruction).
  Location Locate(uint64_t pc, bool exact) const;

  // The modules that opened as ELF files, each once, in the order added.
  struct Module {
    std::string path;
    uint64_t load_bias = 0;
  };
  std::vector<Module> modules() const;

 private:
  struct Range {
    uint64_t start, end, load_bias;
    std::string path;
  };
  std::vector<Range> ranges_;
  std::map<std::string, uint64_t> biases_;  // of files placed by AddMapping
  std::map<std::string, std::shared_ptr<const NativeSymbols>> symbols_;
};

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_NATIVE_MODULES_H_
