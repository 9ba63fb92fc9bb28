#ifndef GENTRACE_UNWIND_NATIVE_WALK_H_
#define GENTRACE_UNWIND_NATIVE_WALK_H_

#include <cstdint>

#include "absl/types/span.h"
#include "unwind/native_unwinder.h"

namespace gentrace::unwind::internal {

// Drives a libunwind cursor of any address space (local, ptrace, core; each
// needs its own compilation mode of libunwind's header, hence the
// template): `registers(&pc, &sp)` reads the current frame, `step()` moves
// to its caller (> 0 while there is one). Bounded by `out` and by the stack
// growing; allocates nothing, so the local unwinder stays signal-safe.
template <typename Registers, typename Step>
int WalkNativeCursor(Registers registers, Step step,
                     absl::Span<NativeFrame> out) {
  int n = 0;
  uint64_t last_sp = 0;
  do {
    uint64_t pc = 0, sp = 0;
    if (!registers(&pc, &sp) || pc == 0) break;
    if (n > 0 && sp < last_sp) break;  // a corrupt frame: never loop
    out[n++] = {.pc = pc, .sp = sp};
    last_sp = sp;
  } while (n < static_cast<int>(out.size()) && step() > 0);
  return n;
}

}  // namespace gentrace::unwind::internal

#endif  // GENTRACE_UNWIND_NATIVE_WALK_H_
