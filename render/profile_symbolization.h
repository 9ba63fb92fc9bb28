#ifndef GENTRACE_RENDER_PROFILE_SYMBOLIZATION_H_
#define GENTRACE_RENDER_PROFILE_SYMBOLIZATION_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "proto/profile.pb.h"
#include "symtab/binary.h"
#include "symtab/symbolizer.h"

namespace gentrace::render {

struct ProfileSymbolizationOptions {
  // The addresses are return addresses: look each up at address-1 (as
  // `gentrace symbolize --callers`). pprof itself takes them as they are.
  bool callers = false;
};

// What SymbolizeProfile did.
struct ProfileSymbolizationCounts {
  int mappings = 0;        // the binary's, found by build ID
  int64_t symbolized = 0;  // locations given lines
  int64_t had_lines = 0;   // locations left as they were
  int64_t not_found = 0;   // addresses in no Go function of the binary
};

// Fills in the functions and lines, inlined calls included (innermost
// first, the physical function last, as pprof orders them), of a profile's
// locations in mappings of `binary` (a mapping's build ID, GNU or Go, is the
// binary's): what perf and eBPF profilers leave out for stripped Go
// binaries. A location's address is moved to the binary's link addresses
// through its mapping (start address, file offset) and the binary's PT_LOAD
// segments. Locations that already have lines are kept; the mappings are
// marked as having functions, files, lines and inlined frames. Functions
// are shared with those already there (same name, file, start line).
// NotFoundError when no mapping is the binary's; InvalidArgumentError for a
// profile whose references (strings, mappings, functions) are out of range.
absl::StatusOr<ProfileSymbolizationCounts> SymbolizeProfile(
    const symtab::Binary& binary, const symtab::Symbolizer& symbolizer,
    const ProfileSymbolizationOptions& options, pprof::Profile* profile);

}  // namespace gentrace::render

#endif  // GENTRACE_RENDER_PROFILE_SYMBOLIZATION_H_
