#ifndef GENTRACE_SYMTAB_SYMBOLIZER_H_
#define GENTRACE_SYMTAB_SYMBOLIZER_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "symtab/binary.h"
#include "symtab/symbol_index.h"

namespace gentrace::symtab {

// PCs to source frames, from a binary's symbolization index where one is
// given and covers the PC, from its pclntab otherwise: the one place that
// choice is made, for the CLI, the service and profiles. Borrows both; they
// must outlive it. Thread-safe.
class Symbolizer {
 public:
  // `index`, when given, was opened for `binary` (SymbolIndex::Open checks
  // its build IDs); it answers at link addresses, so PCs of a binary loaded
  // elsewhere are moved by its load bias first.
  explicit Symbolizer(const Binary& binary, const SymbolIndex* index = nullptr)
      : binary_(binary), index_(index) {}

  // As Binary::Symbolize: appends the frames at `pc`, innermost first.
  absl::Status Symbolize(uint64_t pc, std::vector<SourceFrame>* frames) const;

  // Symbolizes many PCs at once: those the index does not answer in PC
  // order (nearby PCs share the pclntab's decoded tables; a repeated PC is
  // looked up once).
  // `results[i]` is pcs[i]'s answer: its status and, when it is ok, its
  // frames, which are frames[first, first + count).
  struct BatchResult {
    absl::Status status;
    uint32_t first = 0;
    uint32_t count = 0;
  };
  void SymbolizeBatch(absl::Span<const uint64_t> pcs,
                      std::vector<BatchResult>* results,
                      std::vector<SourceFrame>* frames) const;

 private:
  const Binary& binary_;
  const SymbolIndex* index_;
};

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_SYMBOLIZER_H_
