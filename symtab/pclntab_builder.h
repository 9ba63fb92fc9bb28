#ifndef GENTRACE_SYMTAB_PCLNTAB_BUILDER_H_
#define GENTRACE_SYMTAB_PCLNTAB_BUILDER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "symtab/func_id.h"

namespace gentrace::symtab {

// Writes a pclntab in the format of Go 1.20 and later (little-endian, 8-byte
// pointers, pc quantum 1), for tests that need functions with chosen frame
// sizes, funcIDs and flags without a Go toolchain. Functions are laid out
// one after another from `text_start`; file and line tables are empty.
// Parse the result with Options::go_version set to `go_minor`.
class PclntabBuilder {
 public:
  struct Function {
    std::string name;
    uint64_t size = 16;  // bytes of code
    FuncId func_id = FuncId::kNormal;
    uint8_t flags = 0;  // funcFlag bits
    // The pcsp table: from each offset (ascending from 0) the SP delta, the
    // bytes the function has pushed or allocated at that pc.
    std::vector<std::pair<uint64_t, int32_t>> sp_deltas = {{0, 0}};
  };

  explicit PclntabBuilder(uint64_t text_start, int go_minor = 22)
      : text_start_(text_start), go_minor_(go_minor) {}

  // Adds `function` after the last; returns its entry address.
  uint64_t Add(Function function);
  // The table's bytes.
  std::string Build() const;

  int go_minor() const { return go_minor_; }

 private:
  uint64_t text_start_;
  int go_minor_;
  uint64_t next_entry_ = 0;  // offset from text_start_
  std::vector<std::pair<uint64_t, Function>> functions_;  // entry offsets
};

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_PCLNTAB_BUILDER_H_
