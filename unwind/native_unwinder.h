#ifndef GENTRACE_UNWIND_NATIVE_UNWINDER_H_
#define GENTRACE_UNWIND_NATIVE_UNWINDER_H_

#include <cstdint>

#include "absl/types/span.h"

namespace gentrace::unwind {

// One native (C, C++) frame as a native unwinder found it.
struct NativeFrame {
  // The frame's pc: the interrupted instruction for the first frame, a
  // return address for the others (look those up at pc-1).
  uint64_t pc = 0;
  uint64_t sp = 0;
};

// The calling thread's native frames (host architecture), through
// libunwind's local unwinder: from `signal_context` (the ucontext_t a
// signal handler received) or, if null, from the caller of this function.
// Async-signal-safe: writes into `frames`, allocates nothing, takes no
// lock of its own. Returns the number of frames written.
int UnwindLocalNative(void* signal_context, absl::Span<NativeFrame> frames);

// The same frames' pcs only, through libunwind's fast trace (unw_backtrace,
// which skips re-reading unwind tables for frame shapes it has seen): about
// 5 ns a frame against the cursor's 400 (bench/native_unwind_benchmark).
// At most 512 frames. Async-signal-safe likewise.
int BacktraceLocalNative(const void* signal_context, absl::Span<uint64_t> pcs);

}  // namespace gentrace::unwind

#endif  // GENTRACE_UNWIND_NATIVE_UNWINDER_H_
