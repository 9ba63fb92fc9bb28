#ifndef GENTRACE_TRACEBACK_GOROUTINES_H_
#define GENTRACE_TRACEBACK_GOROUTINES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "arch/arch.h"
#include "goruntime/runtime_layout.h"
#include "proto/gentrace.pb.h"
#include "symtab/address_space.h"
#include "symtab/binary.h"
#include "target/target.h"
#include "traceback/frame.h"
#include "unwind/native_unwinder.h"

namespace gentrace::traceback {

// Native (C) frames of a thread from a register state, for stitching them
// into the goroutine that was in a cgo call: given by whoever can run a
// native unwinder over the memory (libunwind over a core file, say),
// symbolized, innermost first.
class NativeFrameSource {
 public:
  virtual ~NativeFrameSource() = default;
  // `pc_is_return`: the pc in `registers` is a return address (look its
  // function up at pc-1), not an interrupted instruction.
  virtual std::vector<Frame> FromRegisters(const arch::Registers& registers,
                                           bool pc_is_return) const = 0;
};

// What the runtime's crash report prints before its goroutines.
struct ReportHead {
  // Fatal errors thrown on an M's scheduler stack (a deadlock found in the
  // scheduler, a signal in the runtime or in C code): for each thread in
  // runtime.fatalthrow on its g0, that g0 (goroutine 0; id and address 0
  // when the thread's M is not found) with what was thrown, the signal
  // behind the throw (g0.sig) and its frames from the thrower on, which the
  // runtime prints as "runtime stack:". The M's goroutine (m.curg), if it
  // has one, is then the first goroutine, as the runtime prints it first.
  std::vector<Goroutine> runtime_stacks;
  // The report a signal made the runtime print, when it was one the
  // runtime does not turn into a panic (SIGQUIT under GOTRACEBACK=crash
  // relays itself to every M; a crash in C code): one SignalReport per
  // thread stopped in the runtime's signal handler (runtime.sigtrampgo),
  // read from its signal frame (the signal, its siginfo, the interrupted
  // registers), with the g it interrupted (named by the register Go code
  // keeps g in, and held to that g's M running on the thread) walked from
  // those registers, and the registers as dumpregs prints them. In M order:
  // the kernel hands the outside SIGQUIT to the main thread (m0) and each
  // relayed one to the next thread that has not blocked it, in the order
  // the threads were made; the core does not record the order. A thread
  // still waiting in runtime.startpanic_m for another's report to end has
  // printed nothing and is left out. Empty when no thread is in the
  // handler.
  std::vector<SignalReport> signal_reports;
};

struct GoroutineReadOptions {
  // Read each frame's pending deferred calls (Frame.defers).
  bool pending_defers = false;
  // With a source: a goroutine in a cgo call whose thread took a signal in
  // C gets the C frames the signal interrupted before its Go frames, and a
  // goroutine called back from C gets the C frames between the callback
  // (runtime.cgocallback) and the cgo call below it.
  const NativeFrameSource* native_frames = nullptr;
  // How the runtime's struct layout is chosen (tests force one or hide the
  // table's newest rows).
  goruntime::RuntimeLayoutOptions layout = {};
  // With a head: filled before the first goroutine is visited.
  ReportHead* report_head = nullptr;
  // Past it, the walk ends with DeadlineExceededError before the next
  // goroutine (the service's bound on one request's work).
  absl::Time deadline = absl::InfiniteFuture();
};

// Every live goroutine of a stopped Go program, in the order the runtime's
// crash report prints them (the goroutine the report is about, if any, then
// allgs order), each unwound from where it stopped and symbolized as a
// GOTRACEBACK=crash traceback shows it, with its panics in progress and the
// signal its panic came from:
//  - parked or runnable ones from g.sched, those in a system call from
//    g.syscallsp/pc;
//  - a running one from the registers of the thread whose id its M holds,
//    continued on the goroutine's own stack where the thread was on the
//    scheduler stack (systemstack), and starting, like the runtime's own
//    report of a fatal panic or throw, at the caller of fatalpanic or
//    fatalthrow.
// `binary` is the program's executable, attached to `target`
// (Target::AttachExecutable: its symbols are shifted by the load bias); the
// target's clock, when it has one, gives long waits their minutes.
// Appends them to `trace`, with notes of how runtime.allgs was found and
// where the runtime's struct layout came from.
absl::Status ReadGoroutines(const symtab::Binary& binary,
                            const target::Target& target,
                            gentrace::Trace* trace,
                            const GoroutineReadOptions& options = {});

// The same, one goroutine at a time: `visit` sees each (and may take its
// contents) before the next is read, so memory stays that of one
// goroutine. `notes` gets how runtime.allgs was found, where the
// runtime's struct layouts came from, and what of the report's head could
// not be read (a thread whose g is not found, a thread in the signal
// handler that had printed nothing yet).
absl::Status ForEachGoroutine(
    const symtab::Binary& binary, const target::Target& target,
    absl::FunctionRef<void(gentrace::Goroutine&)> visit,
    std::vector<std::string>* notes, const GoroutineReadOptions& options = {});

// The goroutine whose cgo call a captured thread was in (a capture the
// crash handler took in C code: it found the g where runtime.asmcgocall
// saved it, and kept the g, its M and its stack), as a GOTRACEBACK=crash
// traceback shows it, with `c_frames` (the thread's C frames, innermost
// first, up to where C returns into Go) before its Go frames. `binary` is
// attached to `target`; `notes` gets where the runtime's struct layout
// came from.
absl::StatusOr<gentrace::Goroutine> TraceCgoCaller(
    const symtab::Binary& binary, const target::Target& target, uint64_t g,
    std::vector<Frame> c_frames, std::vector<std::string>* notes,
    const goruntime::RuntimeLayoutOptions& layout = {});

}  // namespace gentrace::traceback

#endif  // GENTRACE_TRACEBACK_GOROUTINES_H_
