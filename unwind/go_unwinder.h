#ifndef GENTRACE_UNWIND_GO_UNWINDER_H_
#define GENTRACE_UNWIND_GO_UNWINDER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "arch/arch.h"
#include "symtab/address_space.h"
#include "symtab/func_id.h"
#include "symtab/pclntab.h"

namespace gentrace::unwind {

// Why a walk ended.
enum class StopReason {
  kNone,              // still walking
  kTopOfStack,        // goexit, mstart, rt0_go (TOPFRAME)
  kUnknownPc,         // a pc in no Go function
  kUnreadableMemory,  // a stack word could not be read
  kStackSwitch,       // mcall, morestack, systemstack: the caller is on
                      // another stack (g0 or the goroutine's)
  kSpWrite,           // another function that rewrites SP
  kFrameLimit,
  kNoProgress,        // the stack did not move, or moved backwards
  kCorruptMetadata,   // the function's pcsp table did not decode
  kUnrecognizedCode,  // runtime.jmpdefer's instructions are not understood
};
absl::string_view StopReasonName(StopReason reason);

// How a frame's pc and sp were obtained.
enum class FrameSource {
  kRegisters,       // where the walk was started (a thread's registers)
  kPcsp,            // a return address found through the pcsp table
  kLinkRegister,    // a return address still in LR
  kGoroutineSched,  // g.sched or g.syscallsp/pc
  kSignalContext,   // the registers a signal interrupted (a ucontext)
  kNative,          // native unwinding (libunwind)
  kRuntimeText,     // a frame the runtime printed (its crash text)
};

// What a walk may do beyond the runtime's own (Go's unwindFlags).
enum UnwindFlags : uint8_t {
  // The start pc is an interrupted instruction, not a return address.
  kUnwindTrap = 1 << 0,
  // Through runtime.sigtrampgo: on at the registers its signal interrupted
  // (the ucontext of its ctx argument), as an interrupted instruction.
  kUnwindSignalFrames = 1 << 1,
  // At a stack switch (mcall, morestack, systemstack: the thread is on the
  // scheduler stack), on once at UnwindStart::jump, the g.sched of the
  // goroutine whose stack the thread left; and at once there when a signal
  // interrupted code off that goroutine's stack.
  kUnwindJumpStack = 1 << 2,
};

// Where a walk begins, and how it may go on.
struct UnwindStart {
  uint64_t pc = 0;
  uint64_t sp = 0;
  uint64_t lr = 0;  // 0 where there is no link register or it is unknown
  uint8_t flags = 0;
  FrameSource source = FrameSource::kRegisters;
  // With kUnwindJumpStack: the goroutine's g.sched (pc, sp, lr; sp 0 when
  // it has none) and its stack's bounds [stack_lo, stack_hi) (empty: signals
  // do not jump).
  struct Sched {
    uint64_t pc = 0;
    uint64_t sp = 0;
    uint64_t lr = 0;
  } jump = {};
  uint64_t stack_lo = 0;
  uint64_t stack_hi = 0;
  // The M's signal stack (its gsignal's; empty if unknown): a signal that
  // came while the thread was there came inside another signal's handler,
  // and the walk goes on there instead of jumping to g.sched.
  uint64_t signal_stack_lo = 0;
  uint64_t signal_stack_hi = 0;
};

// One physical Go frame, with the runtime's names: `sp` is the frame's
// stack pointer, `fp` the caller's (what a traceback prints as fp=).
struct GoFrame {
  uint64_t pc = 0;
  uint64_t sp = 0;
  uint64_t fp = 0;
  uint64_t entry = 0;
  symtab::FuncId func_id = symtab::FuncId::kNormal;
  uint8_t flags = 0;
  // `pc` is the interrupted instruction itself (the innermost frame of a
  // trap, or the frame a signal handler's injected call sits on), not a
  // return address: symbolize it as is rather than as pc-1.
  bool exact_pc = false;
  FrameSource source = FrameSource::kRegisters;
  // runtime.sigtrampgo, met with kUnwindSignalFrames: the walk goes on at
  // the registers its signal interrupted when their ucontext is readable.
  bool signal_handler = false;
  // Where the runtime's traceback looks the frame up (function, line,
  // inlining, argument liveness): `pc` for the innermost frame of a trap
  // and for a frame sigpanic was injected into, else pc-1 (unless pc is the
  // entry). Unlike `exact_pc`, a frame asyncPreempt or debugCallV2
  // interrupted gets pc-1 before Go 1.21: those runtimes printed it so.
  uint64_t trace_pc = 0;
};

// Walks Go frames the way the runtime's unwinder does (src/runtime/
// traceback.go), over any memory: the pcsp table gives each frame's size,
// the return address comes from the stack or the link register, injected
// sigpanic/asyncPreempt calls are stepped over, TOPFRAME and SPWRITE
// functions end the walk. Unlike the runtime, it walks on from every
// instruction of runtime.jmpdefer (golang/go#8153), and with UnwindFlags
// through signal handlers and stack switches. Bounded: at most `max_frames`
// frames, at most kMaxJumps jumps, and within a stretch between jumps the
// stack pointer must never move down.
//
//   GoUnwinder u(table, arch, memory);
//   for (u.Start(pc, sp, lr, /*trap=*/true); u.valid(); u.Next())
//   use(u.frame()); u.stop_reason();
//
// Not thread-safe (one walk at a time); after construction it allocates
// only the text of a stop's detail and the argument values of a signal
// handler's frame.
class GoUnwinder {
 public:
  GoUnwinder(const symtab::Pclntab& table, const arch::ArchInfo& arch,
             const symtab::AddressSpace& memory, int max_frames = 100000)
      : table_(table), arch_(arch), memory_(memory), max_frames_(max_frames) {}

  // Jumps to other stacks a walk takes at most (signal frames, g.sched).
  static constexpr int kMaxJumps = 8;

  void Start(const UnwindStart& start);
  // Begins at a register state. `lr` is the link register (0 where there is
  // none or it is unknown); `trap` says pc is an interrupted instruction.
  void Start(uint64_t pc, uint64_t sp, uint64_t lr, bool trap) {
    UnwindStart start;
    start.pc = pc;
    start.sp = sp;
    start.lr = lr;
    start.flags = trap ? kUnwindTrap : 0;
    Start(start);
  }
  bool valid() const { return valid_; }
  const GoFrame& frame() const { return frame_; }
  void Next();
  StopReason stop_reason() const { return stop_; }
  const std::string& stop_detail() const { return detail_; }
  // After the walk, when it stopped at a pc in no Go function: that pc and
  // its SP, and how they were obtained (kSignalContext: the registers a
  // signal interrupted in non-Go code, whose ucontext is signal_context()).
  const GoFrame& unresolved() const { return frame_; }
  // The ucontext of the last signal the walk went through, or 0.
  uint64_t signal_context() const { return signal_context_; }

 private:
  // Begins a stretch of the walk at a register state.
  void Begin(uint64_t pc, uint64_t sp, uint64_t lr, bool trap,
             FrameSource source);
  // Past the current frame onto another stack, if the flags allow it:
  // through a signal handler, or from a stack switch to g.sched.
  bool Jump();
  // Fills frame_ for pc/sp/lr: finds the function and the caller's pc.
  void Resolve();
  // Resolve for a frame inside runtime.jmpdefer, from the binary's own
  // instructions (defer/jmpdefer.h).
  void ResolveJmpdefer();
  bool InDirectSystemstackCall() const;
  void Stop(StopReason reason, std::string detail);
  // Frames sit next to each other: most reads fall in the region the last
  // one found, whose bytes stay valid as long as the address space does.
  // Those are read inline: a call returning the std::optional through
  // memory stalled every frame on loading what it had just stored.
  std::optional<uint64_t> ReadWord(uint64_t address) const {
    if (address >= window_start_ &&
        window_.Contains(address - window_start_, arch_.ptr_size)) {
      return window_.Word(address - window_start_, arch_.ptr_size);
    }
    return ReadWordElsewhere(address);
  }
  std::optional<uint64_t> ReadWordElsewhere(uint64_t address) const;
  // Where the binary's code and funcdata are read: its own image when the
  // table has one, else the target's memory.
  const symtab::AddressSpace& CodeMemory() const;

  const symtab::Pclntab& table_;
  const arch::ArchInfo& arch_;
  const symtab::AddressSpace& memory_;
  const int max_frames_;
  // The readable region of memory_ that ReadWord last found, from
  // window_start_.
  mutable symtab::ByteReader window_;
  mutable uint64_t window_start_ = 0;

  UnwindStart start_;
  int jumps_ = 0;
  bool jumped_to_sched_ = false;
  uint64_t signal_context_ = 0;
  GoFrame frame_;
  uint64_t lr_ = 0;              // caller's pc, once resolved (0: last frame)
  bool lr_in_register_ = false;  // lr_ is the link register's value
  bool innermost_ = true;
  // SP and LR of the frame being resolved are the interrupted registers:
  // the innermost frame, or one a signal handler injected a call into.
  bool registers_known_ = true;
  bool trace_exact_ = false;  // trace_pc of the frame being resolved is pc
  int frames_ = 0;
  bool valid_ = false;
  StopReason stop_ = StopReason::kNone;
  std::string detail_;
};

}  // namespace gentrace::unwind

#endif  // GENTRACE_UNWIND_GO_UNWINDER_H_
