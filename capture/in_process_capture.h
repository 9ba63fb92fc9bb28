#ifndef GENTRACE_CAPTURE_IN_PROCESS_CAPTURE_H_
#define GENTRACE_CAPTURE_IN_PROCESS_CAPTURE_H_

#include <signal.h>

#include <cstddef>

#include "absl/status/status.h"

namespace gentrace::capture {

struct CaptureRequest {
  // From a signal handler: the context and info it received (the capture
  // is then of the interrupted state). Null: the caller's own state.
  const void* signal_context = nullptr;
  const siginfo_t* signal_info = nullptr;
  // How much of the stack above SP to keep (less where the mapping ends).
  size_t stack_bytes = 64 << 10;
};

// Writes one Capture message (proto/gentrace.proto, binary encoding) of the
// calling thread to `fd`: its registers, its stack above SP, its native
// frames (libunwind, in-process), the ELF modules the process has mapped
// (from /proc/self/maps) and the signal. In a Go program's C code (a cgo
// call), once InstallCrashHandler has read the executable, also the
// goroutine whose call it is: its g, its m and its stack (up to 256 KiB),
// found where runtime.asmcgocall saved the g. `gentrace render
// --capture=FILE` symbolizes it afterwards.
//
// Async-signal-safe: no malloc, no locks of its own, no stdio; the message
// is encoded in a fixed static buffer (one capture at a time: false while
// another is being written) and written with write(2); memory that may
// not be readable is probed with process_vm_readv. (libunwind, which finds
// unwind tables through dl_iterate_phdr, may take the dynamic loader's
// lock.) amd64 hosts only for now: elsewhere it writes nothing and returns
// false. False too if a write fails.
bool CaptureCurrentThread(int fd, const CaptureRequest& request = {});

// Writes a minidump (Breakpad's format, as its Linux writer lays it out)
// of the calling thread to `fd`, for crash backends that take minidumps:
// the system information, the thread (its registers as the context, its
// stack above SP as its memory), the signal as the exception, the ELF
// modules from /proc/self/maps with their GNU build IDs (read from their
// notes in memory) as CodeView records, and the process's maps and auxv.
// Async-signal-safe under the same terms as CaptureCurrentThread (module
// paths' bytes go in as UTF-16 code units one to one: exact for ASCII).
// amd64 hosts only: elsewhere it writes nothing and returns false.
bool WriteMinidumpOfCurrentThread(int fd, const CaptureRequest& request = {});

// Installs a handler for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT that
// writes a capture of the crashing thread to `fd` (opened beforehand, kept
// open), then gives the signal to the handler installed before it, or to
// the default action (which ends the process, with a core if enabled). In
// a Go program (called through cgo once the runtime has started, so that
// the runtime's handler is the one before) the runtime then reports the
// crash as it would have. The handler runs on the thread's alternate
// signal stack: its own (256 KiB) where the thread had none, so a stack
// overflow is captured too; a Go thread keeps the runtime's. Call once;
// later calls replace `fd` only. Reads the executable (is it Go, where is
// runtime.asmcgocall, the runtime's struct layout) first: not
// async-signal-safe.
//
// `after_capture`, if given, runs in the handler once the capture is
// written (it must be async-signal-safe too: fork and exec a symbolizer,
// say) and before the signal goes on.
//
// `minidump_fd`, if not -1, gets a minidump of the crash as well (or, with
// `fd` -1, instead): WriteMinidumpOfCurrentThread's.
absl::Status InstallCrashHandler(int fd,
                                 void (*after_capture)(int signal) = nullptr,
                                 int minidump_fd = -1);

// Whether this process's crash handler is running now (async-signal-safe;
// for tests that check the handler allocates nothing).
bool CrashHandlerRunning();

}  // namespace gentrace::capture

#endif  // GENTRACE_CAPTURE_IN_PROCESS_CAPTURE_H_
