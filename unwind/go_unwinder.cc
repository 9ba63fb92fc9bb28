#include "unwind/go_unwinder.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "unwind/frame_arguments.h"
#include "unwind/jmpdefer.h"
#include "unwind/signal_frame.h"

namespace gentrace::unwind {

using symtab::FuncId;

absl::string_view StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kNone:
      return "none";
    case StopReason::kTopOfStack:
      return "top of stack";
    case StopReason::kUnknownPc:
      return "unknown pc";
    case StopReason::kUnreadableMemory:
      return "unreadable memory";
    case StopReason::kStackSwitch:
      return "stack switch";
    case StopReason::kSpWrite:
      return "function writes SP";
    case StopReason::kFrameLimit:
      return "frame limit";
    case StopReason::kNoProgress:
      return "stack did not advance";
    case StopReason::kCorruptMetadata:
      return "corrupt metadata";
    case StopReason::kUnrecognizedCode:
      return "unrecognized code";
  }
  return "?";
}

const symtab::AddressSpace& GoUnwinder::CodeMemory() const {
  return table_.memory() != nullptr ? *table_.memory() : memory_;
}

std::optional<uint64_t> GoUnwinder::ReadWordElsewhere(uint64_t address) const {
  std::optional<symtab::ByteReader> tail = memory_.ReadToEnd(address);
  if (!tail) return std::nullopt;
  window_ = symtab::ByteReader(tail->data(), arch_.byte_order);
  window_start_ = address;
  return window_.Word(0, arch_.ptr_size);
}

void GoUnwinder::Stop(StopReason reason, std::string detail) {
  stop_ = reason;
  detail_ = std::move(detail);
}

void GoUnwinder::Start(const UnwindStart& start) {
  start_ = start;
  jumps_ = 0;
  jumped_to_sched_ = false;
  signal_context_ = 0;
  frames_ = 0;
  Begin(start.pc, start.sp, start.lr, (start.flags & kUnwindTrap) != 0,
        start.source);
}

void GoUnwinder::Begin(uint64_t pc, uint64_t sp, uint64_t lr, bool trap,
                       FrameSource source) {
  frame_ = GoFrame();
  frame_.pc = pc;
  frame_.sp = sp;
  frame_.exact_pc = trap;
  frame_.source = source;
  lr_ = lr;
  lr_in_register_ = false;
  innermost_ = true;
  registers_known_ = true;
  trace_exact_ = trap;
  stop_ = StopReason::kNone;
  detail_.clear();
  valid_ = true;
  Resolve();
}

bool GoUnwinder::Jump() {
  if (jumps_ >= kMaxJumps) return false;
  const bool may_jump_stack = (start_.flags & kUnwindJumpStack) != 0 &&
                              !jumped_to_sched_ && start_.jump.sp != 0;
  const auto to_sched = [&] {
    jumped_to_sched_ = true;
    Begin(start_.jump.pc, start_.jump.sp, start_.jump.lr, /*trap=*/false,
          FrameSource::kGoroutineSched);
  };
  if (frame_.signal_handler) {
    // sigtrampgo(sig, info, ctx): sigtramp, its caller, is a TOPFRAME; the
    // walk goes on where the signal came in instead.
    const std::vector<std::optional<uint64_t>> args =
        ArgumentValues(table_, CodeMemory(), memory_, arch_, frame_);
    const std::optional<InterruptedRegisters> interrupted =
        args.size() >= 3 && args[2]
            ? ReadSignalContext(arch_, memory_, *args[2])
            : std::nullopt;
    if (!interrupted) return false;
    ++jumps_;
    signal_context_ = *args[2];
    // The signal came while the thread was off the goroutine's stack (on
    // the scheduler stack, in systemstack): the runtime shows the goroutine
    // from where it left its stack, g.sched, and so does this.
    const bool off_own_stack = start_.stack_lo < start_.stack_hi &&
                               (interrupted->sp < start_.stack_lo ||
                                interrupted->sp >= start_.stack_hi);
    const bool in_handler = interrupted->sp >= start_.signal_stack_lo &&
                            interrupted->sp < start_.signal_stack_hi;
    if (off_own_stack && may_jump_stack && !in_handler) {
      to_sched();
    } else {
      Begin(interrupted->pc, interrupted->sp, interrupted->lr, /*trap=*/true,
            FrameSource::kSignalContext);
    }
    return true;
  }
  if (stop_ == StopReason::kStackSwitch && may_jump_stack) {
    ++jumps_;
    to_sched();
    return true;
  }
  return false;
}

void GoUnwinder::Resolve() {
  absl::StatusOr<symtab::Pclntab::FrameAtPc> at = table_.FrameAt(frame_.pc);
  if (!at.ok()) {
    valid_ = false;
    Stop(StopReason::kUnknownPc, std::string(at.status().message()));
    return;
  }
  const symtab::Pclntab::FrameFacts* facts = at->facts;
  frame_.entry = facts->entry;
  frame_.trace_pc =
      trace_exact_ || frame_.pc == frame_.entry ? frame_.pc : frame_.pc - 1;
  frame_.func_id = facts->func_id;
  frame_.flags = facts->flags;
  frame_.signal_handler =
      (start_.flags & kUnwindSignalFrames) != 0 && facts->signal_handler;
  const absl::StatusOr<int32_t>& spdelta = at->sp_delta;
  // ptr_size is a power of two.
  if (!spdelta.ok() || *spdelta < 0 || (*spdelta & (arch_.ptr_size - 1)) != 0) {
    valid_ = false;
    Stop(StopReason::kCorruptMetadata,
         spdelta.ok() ? absl::StrCat("implausible SP delta ", *spdelta)
                      : std::string(spdelta.status().message()));
    return;
  }
  // Frame layout (runtime/traceback.go): the caller's SP is above this frame's
  // locals, plus the pushed return address on x86.
  frame_.fp = frame_.sp + *spdelta + (arch_.uses_lr ? 0 : arch_.ptr_size);

  // The caller's pc (runtime/traceback.go, unwinder.next). The walk ends after
  // a TOPFRAME function and at an SPWRITE one, whose frame size says nothing of
  // where its caller's frame is. Tables before Go 1.17 have no flags: their
  // runtime ends at mcall and morestack too (its topofstack), which later
  // releases mark SPWRITE.
  const bool flagless_switch =
      frame_.flags == 0 && (frame_.func_id == FuncId::kMcall ||
                            frame_.func_id == FuncId::kMorestack);
  const bool top = (frame_.flags & symtab::kFuncFlagTopFrame) ||
                   frame_.func_id == FuncId::kGoexit ||
                   frame_.func_id == FuncId::kMstart ||
                   frame_.func_id == FuncId::kRt0Go || flagless_switch;
  if (top) {
    lr_ = 0;
    Stop(StopReason::kTopOfStack, "");
    return;
  }
  if (frame_.func_id == FuncId::kJmpdefer && registers_known_) {
    ResolveJmpdefer();
    return;
  }
  // cgocallback writes SP to go from g0 to the goroutine's stack, but keeps
  // a frame to unwind through on both (the runtime clears its SPWRITE too).
  if ((frame_.flags & symtab::kFuncFlagSpWrite) &&
      frame_.func_id != FuncId::kCgocallback && !InDirectSystemstackCall()) {
    lr_ = 0;
    absl::StatusOr<symtab::Func> func = table_.FindFunc(frame_.pc);
    absl::StatusOr<absl::string_view> name =
        func.ok() ? func->Name() : absl::StatusOr<absl::string_view>("?");
    const bool switches_stack = frame_.func_id == FuncId::kMcall ||
                                frame_.func_id == FuncId::kMorestack ||
                                frame_.func_id == FuncId::kSystemstack;
    Stop(switches_stack ? StopReason::kStackSwitch : StopReason::kSpWrite,
         std::string(name.ok() ? *name : "?"));
    return;
  }
  lr_in_register_ = false;
  if (arch_.uses_lr) {
    // Once the prologue has allocated the frame, the saved LR is at 0(SP);
    // before that (or in a leaf), it is still in the register.
    if ((innermost_ && frame_.sp < frame_.fp) || lr_ == 0) {
      std::optional<uint64_t> saved = ReadWord(frame_.sp);
      if (!saved) {
        Stop(StopReason::kUnreadableMemory,
             absl::StrCat("return address at 0x", absl::Hex(frame_.sp)));
        lr_ = 0;
        return;
      }
      lr_ = *saved;
    } else {
      lr_in_register_ = true;
    }
  } else if (lr_ == 0) {
    std::optional<uint64_t> ret = ReadWord(frame_.fp - arch_.ptr_size);
    if (!ret) {
      Stop(StopReason::kUnreadableMemory,
           absl::StrCat("return address at 0x",
                        absl::Hex(frame_.fp - arch_.ptr_size)));
      return;
    }
    lr_ = *ret;
  }
}

// runtime.systemstack called on the system stack calls fn there and
// returns: on ppc64 with a call (it cannot tail-call in shared mode, as
// the other ports do), from an ordinary frame on the same stack. That call
// is its last: no call follows its return address, as calls follow the
// switched one (save_g and the like).
bool GoUnwinder::InDirectSystemstackCall() const {
  if (frame_.func_id != FuncId::kSystemstack ||
      arch_.instruction_set != arch::InstructionSet::kPpc64) {
    return false;
  }
  absl::StatusOr<const symtab::Pclntab::FrameFacts*> facts =
      table_.FrameFactsAt(frame_.pc);
  if (!facts.ok() || (*facts)->end <= frame_.pc) return false;
  std::optional<symtab::ByteReader> code =
      CodeMemory().Read(frame_.pc, (*facts)->end - frame_.pc);
  if (!code) return false;
  constexpr uint32_t kBranch = 18, kBranchConditional = 16,
                     kBranchToRegister = 19;
  constexpr uint32_t kToLr = 16, kToCtr = 528, kToTar = 560;
  for (uint64_t at = 0; at + 4 <= code->size(); at += 4) {
    const uint32_t word = *code->U32(at);
    const uint32_t opcode = word >> 26;
    const uint32_t extended = (word >> 1) & 0x3ff;
    const bool links = (word & 1) != 0;  // LK: the branch is a call
    if (links &&
        (opcode == kBranch || opcode == kBranchConditional ||
         (opcode == kBranchToRegister &&
          (extended == kToLr || extended == kToCtr || extended == kToTar)))) {
      return false;
    }
  }
  return true;
}

void GoUnwinder::ResolveJmpdefer() {
  absl::StatusOr<const symtab::Pclntab::FrameFacts*> facts =
      table_.FrameFactsAt(frame_.pc);
  std::optional<symtab::ByteReader> code =
      facts.ok()
          ? CodeMemory().Read((*facts)->entry, (*facts)->end - (*facts)->entry)
          : std::nullopt;
  if (!code) {
    lr_ = 0;
    Stop(StopReason::kUnreadableMemory, "runtime.jmpdefer's instructions");
    return;
  }
  const JmpdeferModel model = JmpdeferModel::Decode(*code, arch_);
  absl::StatusOr<JmpdeferCaller> caller =
      model.CallerAt(frame_.pc - frame_.entry);
  if (!caller.ok()) {
    lr_ = 0;
    Stop(StopReason::kUnrecognizedCode, std::string(caller.status().message()));
    return;
  }
  uint64_t base = frame_.sp;
  if (caller->sp_from_stack_word) {
    std::optional<uint64_t> argp = ReadWord(frame_.sp + caller->sp_word_offset);
    if (!argp) {
      lr_ = 0;
      Stop(StopReason::kUnreadableMemory,
           absl::StrCat("jmpdefer's argp at 0x",
                        absl::Hex(frame_.sp + caller->sp_word_offset)));
      return;
    }
    base = *argp;
  }
  frame_.fp = base + caller->sp_adjust;
  // With SP already at argp, the deferring frame's SP is MinFrameSize below
  // it: the one place a caller's SP may sit under its callee's.
  if (frame_.fp + arch_.min_frame_size < frame_.sp) {
    lr_ = 0;
    Stop(StopReason::kNoProgress,
         absl::StrCat("jmpdefer's argp 0x", absl::Hex(base),
                      " is below its SP 0x", absl::Hex(frame_.sp)));
    return;
  }
  lr_in_register_ = caller->pc_in_link_register;
  if (!caller->pc_in_link_register) {
    std::optional<uint64_t> ret = ReadWord(frame_.sp);
    if (!ret) {
      lr_ = 0;
      Stop(StopReason::kUnreadableMemory,
           absl::StrCat("return address at 0x", absl::Hex(frame_.sp)));
      return;
    }
    lr_ = *ret;
  }
}

void GoUnwinder::Next() {
  if (!valid_) return;
  // Only a signal handler's frame and a stack switch may go on elsewhere.
  const bool may_jump =
      frame_.signal_handler || stop_ == StopReason::kStackSwitch;
  if (!may_jump && (stop_ != StopReason::kNone || lr_ == 0)) {
    valid_ = false;
    if (stop_ == StopReason::kNone) Stop(StopReason::kTopOfStack, "");
    return;
  }
  if (++frames_ >= max_frames_) {
    valid_ = false;
    Stop(StopReason::kFrameLimit, absl::StrCat(frames_, " frames"));
    return;
  }
  if (may_jump) {
    if (Jump()) return;
    if (stop_ != StopReason::kNone || lr_ == 0) {
      valid_ = false;
      if (stop_ == StopReason::kNone) Stop(StopReason::kTopOfStack, "");
      return;
    }
  }
  const uint64_t callee_pc = frame_.pc;
  const uint64_t callee_sp = frame_.sp;
  const uint64_t callee_fp = frame_.fp;
  const FuncId callee_func_id = frame_.func_id;
  if (lr_ == callee_pc && callee_fp == callee_sp) {
    valid_ = false;
    Stop(StopReason::kNoProgress, "traceback stuck");
    return;
  }
  // A signal handler that injects sigpanic (or asyncPreempt, debugCallV2)
  // makes the interrupted pc look like a call site: it is exact.
  const bool injected = callee_func_id == FuncId::kSigpanic ||
                        callee_func_id == FuncId::kAsyncPreempt ||
                        callee_func_id == FuncId::kDebugCallV2;
  frame_ = GoFrame();
  frame_.pc = lr_;
  frame_.sp = callee_fp;
  frame_.exact_pc = injected;
  frame_.source =
      lr_in_register_ ? FrameSource::kLinkRegister : FrameSource::kPcsp;
  lr_ = 0;
  innermost_ = false;
  registers_known_ = injected;
  // The runtime looks a frame a call was injected into up at its exact pc:
  // after sigpanic always, after asyncPreempt and debugCallV2 from Go 1.21
  // (before, it backed up as for a call).
  const std::optional<symtab::GoVersion>& version = table_.go_version();
  trace_exact_ = callee_func_id == FuncId::kSigpanic ||
                 (injected && (!version || version->AtLeast(21)));
  if (injected && arch_.uses_lr) {
    // The handler pushed the interrupted LR below the faked call (as the
    // signal handler's pushCall does): skip that slot; if the interrupted
    // function had not yet allocated its frame, the saved value is its return
    // address.
    std::optional<uint64_t> saved = ReadWord(frame_.sp);
    if (!saved) {
      valid_ = false;
      Stop(StopReason::kUnreadableMemory,
           absl::StrCat("saved LR at 0x", absl::Hex(frame_.sp)));
      return;
    }
    const uint64_t align = arch_.stack_align;
    frame_.sp += (arch_.min_frame_size + align - 1) / align * align;
    absl::StatusOr<symtab::Pclntab::FrameAtPc> at = table_.FrameAt(frame_.pc);
    if (at.ok() && at->sp_delta.ok() && *at->sp_delta == 0) lr_ = *saved;
  }
  const uint64_t slack =
      callee_func_id == FuncId::kJmpdefer ? arch_.min_frame_size : 0;
  if (frame_.sp + slack < callee_sp) {
    valid_ = false;
    Stop(StopReason::kNoProgress,
         absl::StrCat("sp moved down from 0x", absl::Hex(callee_sp), " to 0x",
                      absl::Hex(frame_.sp)));
    return;
  }
  Resolve();
}

}  // namespace gentrace::unwind
