#ifndef GENTRACE_TRACEBACK_CRASH_TEXT_H_
#define GENTRACE_TRACEBACK_CRASH_TEXT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "symtab/binary.h"
#include "traceback/frame.h"

namespace gentrace::traceback {

// The runtime's own traceback text (a crash's stderr, the file
// runtime/debug.SetCrashOutput names, a SIGQUIT dump), read against the
// binary that printed it.
struct CrashText {
  // The report's first line ("panic: ...", "fatal error: ...",
  // "SIGSEGV: segmentation violation", ...); empty when the text starts at
  // a goroutine.
  std::string reason;
  // Each goroutine block and each "runtime stack:" (goroutine 0), in the
  // text's order: every frame placed in the binary (its function's entry
  // plus the +0x offset printed) and symbolized from it, inlined calls
  // included; pcs as the program had them (rebased by `load_bias`).
  std::vector<Goroutine> goroutines;
  // The goroutines (by index) whose text elided frames of a deep stack
  // ("...additional frames elided...", "...N frames elided..."), and how
  // many of their frames come before the cut; the frames after it are the
  // stack's outermost ones.
  absl::flat_hash_map<size_t, size_t> elided_after;
  // Where the program was loaded (a PIE, ASLR): the pc= the runtime prints
  // at GOTRACEBACK=crash or system against the binary's own addresses; 0
  // when it printed none.
  uint64_t load_bias = 0;
  // For grouping crashes: FNV-1a (64 bits, hex) of the function names of
  // the first goroutine that has a frame outside the runtime's package,
  // innermost first from that frame (past the runtime's panic and signal
  // frames), at most 16; the same crash in another build (other addresses,
  // other lines) has the same signature.
  std::string signature;
  // Frames the binary does not explain (a function it lacks, a position it
  // puts elsewhere): what the text said, what the binary says.
  std::vector<std::string> notes;
};

// Reads crash texts against the binary that printed them (as linked: load
// bias 0). Made once per binary: it indexes the functions by their printed
// names. Thread-safe.
class CrashTextReader {
 public:
  explicit CrashTextReader(const symtab::Binary& binary);

  const symtab::Binary& binary() const { return binary_; }

  // Never fails: what does not parse is left out, and what does not fit is
  // noted.
  CrashText Read(absl::string_view text) const;

 private:
  const symtab::Binary& binary_;
  // The functions' entries by the name the runtime prints for them: more
  // than one for a generic function's instantiations ("main.f[...]").
  absl::flat_hash_map<std::string, std::vector<uint64_t>> entries_;
};

}  // namespace gentrace::traceback

#endif  // GENTRACE_TRACEBACK_CRASH_TEXT_H_
