#ifndef GENTRACE_TRACEBACK_FRAME_H_
#define GENTRACE_TRACEBACK_FRAME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "goruntime/pending_defers.h"
#include "symtab/func_id.h"
#include "symtab/pclntab.h"
#include "unwind/go_unwinder.h"

namespace gentrace::traceback {

// The trace as traceback/ assembles it: goroutines and threads of frames,
// cut and stitched here, then written once into the protobuf schema at the
// edge (proto/convert.h), which carries the same fields.

using unwind::FrameSource;

// A source position: a function and where in it. The names are views of
// the binary's tables or of native modules' symbols, which outlive the model
// (traceback/ writes it into the protobuf schema before it returns).
struct Location {
  absl::string_view function;
  absl::string_view file;
  int64_t line = 0;
  bool inlined = false;    // an inlined call, not the physical function
  int32_t start_line = 0;  // of its func keyword; 0 if unknown
};

Location LocationOf(const symtab::SourceFrame& frame);

// A deferred call pending on a frame, symbolized.
struct DeferredCall {
  goruntime::PendingCall call;
  std::optional<Location> function = std::nullopt;  // at its entry (call.fn)
};

// One physical frame, Go or native.
struct Frame {
  uint64_t pc = 0;
  uint64_t sp = 0;
  uint64_t fp = 0;
  uint64_t entry = 0;  // 0 when the pc is in no Go function
  symtab::FuncId func_id = symtab::FuncId::kNormal;
  uint8_t func_flags = 0;
  FrameSource source = FrameSource::kRegisters;
  // The pc is the interrupted instruction, not a return address.
  bool trap = false;
  // Inlined calls first, physical last; the usual one or two are stored
  // inline.
  absl::InlinedVector<Location, 2> locations;
  std::string arguments;  // as the runtime prints them
  std::vector<DeferredCall> defers;

  // The physical function's name, or empty.
  absl::string_view function() const {
    return locations.empty() ? absl::string_view() : locations.back().function;
  }
};

// Where a walk of frames ended, and why.
struct Stop {
  unwind::StopReason reason = unwind::StopReason::kNone;
  std::string detail;
};

struct Thread {
  int64_t tid = 0;
  std::vector<Frame> frames;  // innermost first
  Stop stop;
};

struct Ancestor {
  int64_t id = 0;
  std::vector<Frame> frames;
  uint64_t created_by_pc = 0;
  std::optional<Location> created_by;
  uint64_t created_by_entry = 0;
};

// A panic in progress on a goroutine (its _panic record).
struct PanicValue {
  std::string value;  // as the runtime prints it after "panic: "
  bool recovered = false;
  bool repanicked = false;
  bool goexit = false;
};

// The signal a goroutine's panic came from (g.sig and its siginfo).
struct Signal {
  uint32_t number = 0;
  std::string name;  // the runtime's ("SIGSEGV: segmentation violation")
  uint64_t code = 0;
  uint64_t addr = 0;
  uint64_t pc = 0;
};

// Why the runtime is reporting from a goroutine's thread.
enum class ReportCause { kNone, kPanic, kThrow, kSignal };

// What a throw threw: its message as "fatal error: " prints it, whether
// runtime.fatal threw it (an error the runtime blames on the program), and
// whether the thrower was still waiting to start its report.
struct FatalError {
  std::string message;
  bool by_program = false;
  bool report_pending = false;
};

struct Goroutine {
  int64_t id = 0;
  std::string status;
  std::string wait_reason;
  int64_t wait_minutes = 0;
  std::vector<Frame> frames;  // innermost first
  Stop stop;
  uint64_t created_by_pc = 0;
  int64_t parent_id = 0;
  std::optional<Location> created_by;
  uint64_t created_by_entry = 0;
  uint64_t address = 0;
  uint64_t m_address = 0;
  int64_t m_id = 0;
  bool reporting = false;
  std::vector<Ancestor> ancestors;
  bool panicking = false;
  std::vector<std::string> defer_problems;
  int32_t panics = 0;
  bool panic_recovered = false;
  std::vector<PanicValue> panic_values;  // newest first
  std::optional<Signal> signal;
  ReportCause report_cause = ReportCause::kNone;
  std::optional<FatalError> fatal_error;  // with kThrow
};

// What one thread's signal handler printed when a signal the runtime does
// not turn into a panic (SIGQUIT; a crash outside Go code) made it report:
// the signal, the g it interrupted with that g's frames from the signal's
// registers, and the registers.
struct SignalReport {
  int64_t tid = 0;
  // The code as the runtime prints it (si_code widened as a signed number
  // to the word size), and whether the address is printed (SIGSEGV and
  // SIGBUS, from Go 1.22).
  Signal signal;
  bool fault_address = false;
  // For SIGILL and SIGFPE: the bytes at the signal's pc the runtime prints
  // (16, or up to the end of the page).
  std::string instruction_bytes;
  // The signal came while the M ran C code (a cgo call): `interrupted` is
  // the goroutine that made the call.
  bool in_cgo = false;
  // It passed the signal on to another M: every thread but the last to
  // report, and the last too when a thread that had the signal was still
  // waiting to report.
  bool relayed = false;
  // The signal came by such a relay from another M: a SIGQUIT the process
  // sent itself (the runtime's raiseproc: kill(getpid()), SI_USER from the
  // id of one of its own threads, the main one). A crash's own SIGQUIT, sent
  // by another process or to one thread (tgkill), is not.
  bool came_by_relay = false;
  int64_t m_id = 0;
  Goroutine interrupted;
  // The M's goroutine, running while the signal came on the M's g0.
  std::optional<Goroutine> running;
  // dumpregs' registers: the label as printed (padded), the value, what
  // follows it.
  struct Register {
    std::string label;
    uint64_t value = 0;
    char separator = '\n';
  };
  std::vector<Register> registers;
};

}  // namespace gentrace::traceback

#endif  // GENTRACE_TRACEBACK_FRAME_H_
