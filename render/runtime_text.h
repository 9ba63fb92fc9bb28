#ifndef GENTRACE_RENDER_RUNTIME_TEXT_H_
#define GENTRACE_RENDER_RUNTIME_TEXT_H_

#include <string>

#include "proto/gentrace.pb.h"

namespace gentrace::render {

struct RuntimeTextOptions {
  // The Go release whose format to follow (1.<go_minor>).
  int go_minor = 0;
  // GOTRACEBACK=crash (and system) print fp= sp= pc= on each frame.
  bool frame_addresses = true;
  // The frames of goroutines running on other threads than the reporting
  // one, which the runtime does not print ("goroutine running on other
  // thread; stack unavailable").
  bool running_stacks = false;
  // gentrace's addition (core/pid --defers): each frame's pending deferred
  // calls under it, in the order they will run.
  bool defers = false;
};

// The goroutine's creator as the runtime shows it: none for the main
// goroutine, or when it was not symbolized.
const Location* ShownCreator(const Goroutine& goroutine);

// One goroutine as the runtime prints it in a traceback:
//
//   goroutine 18 [chan receive]:
//   main.worker(0xc000012345, 0x3?)
//   	/src/main.go:12 +0x1d fp=0xc00004a7d0 sp=0xc00004a7a0 pc=0x45a0ad
//   created by main.main
//   	/src/main.go:30 +0x45
//
// Inlined calls print as "f(...)" with their position only; runtime.gopanic
// prints as "panic"; generic type arguments as "[...]"; deep stacks are cut
// as the release cuts them. From 1.22 the header also names the g and its M
// ("goroutine 18 gp=0xc000007340 m=nil [chan receive]:"). No trailing blank
// line.
void AppendGoroutineText(const Goroutine& goroutine,
                         const RuntimeTextOptions& options, std::string* out);

// What the runtime's report of a fatal panic or throw prints above the
// goroutine it is about, when `goroutine` is that one: each panic in
// progress, oldest first, nested ones after a tab, as printpanics prints
// them (for a throw only from 1.26, and only before a fatal error the
// program is blamed for, which follows them after a tab); a throw's "fatal
// error: " line; then the signal the panic or throw came from; then the
// blank line before the goroutine:
//
//   panic: runtime error: invalid memory address or nil pointer dereference
//   [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4741a0]
//
// Nothing for any other goroutine.
void AppendPanicReport(const Goroutine& goroutine,
                       const RuntimeTextOptions& options, std::string* out);

// A throw on an M's scheduler stack (Trace.runtime_stacks: that g0) as the
// runtime prints it before the goroutines: its report head as above, then
// the stack from the thrower on; only the "fatal error:" line while its
// report is pending. No trailing blank line.
//
//   fatal error: all goroutines are asleep - deadlock!
//
//   runtime stack:
//   runtime.fatal({0x4a166b, 0x25})
//   	runtime/panic.go:1267 +0x74 fp=0x1869e119fc98 sp=... pc=0x444054
void AppendRuntimeStackText(const Goroutine& g0,
                            const RuntimeTextOptions& options,
                            std::string* out);

// One thread's part of the report a signal made (SignalReport): the
// signal's name, "PC=0x... m=N sigcode=N" (with " addr=0x..." for a fault),
// "signal arrived during cgo execution" when it came in C code, for SIGILL
// and SIGFPE "instruction bytes: 0x.. ...", a blank line, the goroutine the
// signal interrupted with its frames, and, except on the `first` thread (which
// lists every goroutine there instead), the M's running goroutine when the
// signal came on its g0:
//
//   SIGQUIT: quit
//   PC=0x46d097 m=0 sigcode=0
//
//   goroutine 0 gp=0x557e80 m=0 mp=0x558b00 [idle]:
//   runtime.usleep(0x3)
//   	runtime/sys_linux_amd64.s:135 +0x37 fp=0x7ffe463a25c8 sp=... pc=...
void AppendSignalReportHead(const SignalReport& report, bool first,
                            const RuntimeTextOptions& options,
                            std::string* out);
// Its registers as dumpregs prints them ("rax    0x0"), a line each or two
// to a line, as Register.separator says.
void AppendSignalReportRegisters(const SignalReport& report, std::string* out);

// Goroutines collapsed into one block (--group): the count, the members'
// state with their range of wait minutes and their ids (runs as ranges), then
// the stack as AppendGoroutineText prints it without per-goroutine
// addresses (fp= sp= pc=, gp= m=, a deferred call's closure), with `*`
// for a value the members do not all share (an argument; a line or an
// offset when grouped by functions; the creator's goroutine):
//
//   3 goroutines [chan receive, 2-5 minutes]: 18, 20-21
//   main.worker(*, 0x3?)
//   	/src/main.go:12 +0x1d
//   created by main.main in goroutine 1
//   	/src/main.go:30 +0x45
void AppendGroupText(const GoroutineGroup& group,
                     const RuntimeTextOptions& options, std::string* out);

// Whether the text shows "goroutine running on other thread; stack
// unavailable" instead of the goroutine's frames.
bool StackHidden(const Goroutine& goroutine, const RuntimeTextOptions& options);

}  // namespace gentrace::render

#endif  // GENTRACE_RENDER_RUNTIME_TEXT_H_
