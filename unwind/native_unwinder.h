#ifndef GENTRACE_UNWIND_NATIVE_UNWINDER_H_
#define GENTRACE_UNWIND_NATIVE_UNWINDER_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace gentrace::unwind {

// One native (C, C++) frame as libunwind found it.
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

// A thread of another process, attached and stopped with ptrace
// (libunwind-ptrace). At most `max_frames`.
absl::StatusOr<std::vector<NativeFrame>> UnwindPtraceNative(pid_t tid,
                                                            int max_frames);

// A file a core's process had mapped whose bytes the core does not hold
// (text), at the address it was mapped at.
struct BackingFile {
  std::string path;
  uint64_t start = 0;
};

// Thread `thread` (in note order) of an ELF core of the host architecture
// (libunwind-coredump), with `files` supplying the mapped text.
absl::StatusOr<std::vector<NativeFrame>> UnwindCoreNative(
    const std::string& core_path, int thread,
    absl::Span<const BackingFile> files, int max_frames);

}  // namespace gentrace::unwind

#endif  // GENTRACE_UNWIND_NATIVE_UNWINDER_H_
