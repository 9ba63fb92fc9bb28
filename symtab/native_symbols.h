#ifndef GENTRACE_SYMTAB_NATIVE_SYMBOLS_H_
#define GENTRACE_SYMTAB_NATIVE_SYMBOLS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gentrace::symtab {

// Names and source lines of a native (C, C++) ELF file: its function
// symbols from .symtab, or .dynsym when stripped, sorted by address, with
// C++ names demangled; file:line from its DWARF line tables (elfutils'
// libdw) when it has them. Addresses are the file's own (link-time): take
// the module's load bias off runtime pcs first.
//
// Thread-compatible: const methods may run concurrently.
class NativeSymbols {
 public:
  struct Function {
    std::string name;  // demangled
    uint64_t address = 0;
    uint64_t size = 0;
  };
  struct Line {
    absl::string_view file;  // DWARF's, valid while this object lives
    int line = 0;
  };

  static absl::StatusOr<std::unique_ptr<NativeSymbols>> Open(
      const std::string& path);
  ~NativeSymbols();

  // The function whose [address, address + size) holds `address`; for a
  // symbol without a size, the nearest one below that the next does not
  // pass. nullptr if none.
  const Function* FindFunction(uint64_t address) const;
  // The source position of the instruction at `address`, if DWARF says.
  std::optional<Line> FindLine(uint64_t address) const;
  bool has_dwarf() const { return dwarf_ != nullptr; }
  // Every function, by address.
  const std::vector<Function>& functions() const { return functions_; }
  size_t size() const { return functions_.size(); }

 private:
  struct DwarfLines;
  NativeSymbols() = default;

  std::vector<Function> functions_;  // sorted by address
  std::unique_ptr<DwarfLines> dwarf_;
};

// The C++ demangling of `name`, or `name` itself.
std::string Demangle(absl::string_view name);

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_NATIVE_SYMBOLS_H_
