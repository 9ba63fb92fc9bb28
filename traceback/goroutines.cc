#include "traceback/goroutines.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "arch/linux_signals.h"
#include "goruntime/defer_layout.h"
#include "goruntime/goroutines.h"
#include "goruntime/panics.h"
#include "goruntime/pending_defers.h"
#include "proto/convert.h"
#include "traceback/walk.h"
#include "unwind/frame_arguments.h"
#include "unwind/go_unwinder.h"
#include "unwind/signal_frame.h"

namespace gentrace::traceback {
namespace {

// What the runtime reports from the caller of a frame's function: a fatal
// panic or throw.
ReportCause FatalReportAt(const Frame& frame) {
  const absl::string_view name = frame.function();
  if (name == "runtime.fatalpanic") return ReportCause::kPanic;
  if (name == "runtime.fatalthrow") return ReportCause::kThrow;
  return ReportCause::kNone;
}

// Reads one program's goroutines: what every step needs, held once.
class GoroutineTracer {
 public:
  GoroutineTracer(const symtab::Binary& binary, const target::Target& target,
                  const goruntime::GoroutineReader& reader,
                  const GoroutineReadOptions& options)
      : binary_(binary),
        arch_(target.arch()),
        memory_(target.memory()),
        threads_(target.threads()),
        nanotime_(target.nanotime()),
        page_size_(target.page_size()),
        // The release whose formats the report follows; the newest the
        // layout table knows when the binary does not say.
        go_minor_(binary.go_version()
                      ? binary.go_version()->minor
                      : goruntime::kRuntimeLayoutTableNewestMinor),
        reader_(reader),
        options_(options) {}

  absl::Status Run(absl::FunctionRef<void(gentrace::Goroutine&)> visit,
                   std::vector<std::string>* notes);
  // The goroutine at `g` alone, `c_frames` before its own.
  absl::StatusOr<Goroutine> TraceCgoCaller(uint64_t g,
                                           std::vector<Frame> c_frames,
                                           std::vector<std::string>* notes);

 private:
  // The signal reports of the threads in the runtime's signal handler.
  std::vector<SignalReport> SignalReports(std::vector<std::string>* notes);
  // The throws on threads' scheduler stacks (ReportHead::runtime_stacks);
  // sets shown_first_ to the first one's M's goroutine.
  std::vector<Goroutine> RuntimeStacks(
      absl::Span<const goruntime::Goroutine> gs,
      std::vector<std::string>* notes);
  // What the frame of a thrower (runtime.throw, runtime.fatal) threw.
  FatalError ThrownBy(const Frame& thrower) const;
  // The g the thread pointer of `thread` leads to, where the architecture
  // says how (the M's g0 or gsignal while in the runtime).
  std::optional<uint64_t> ThreadPointerG(const target::Thread& thread) const;
  // The first of `candidates` (g addresses) that is a g of the M running
  // on `thread`.
  std::optional<goruntime::Goroutine> GOfThreadsM(
      const target::Thread& thread,
      absl::Span<const std::optional<uint64_t>> candidates) const;
  void TraceGoroutine(const goruntime::Goroutine& g,
                      std::vector<std::string>* notes, Goroutine* out);
  // Its header and creator (what the runtime prints around its frames).
  void Describe(const goruntime::Goroutine& g, std::vector<std::string>* notes,
                Goroutine* out);

  // A thread's outermost runtime.sigtrampgo(sig, info, ctx): the report's
  // signal (SIGABRT raised while reporting nests inside it).
  struct HandlerFrame {
    std::vector<std::optional<uint64_t>> args;  // sig, info, ctx
    std::optional<uint64_t> interrupted_g;      // runtime.sighandler's gp
    // Still in runtime.startpanic_m, waiting for the report another thread
    // prints to end: it has printed nothing yet.
    bool waiting = false;
  };
  std::optional<HandlerFrame> OutermostSignalHandler(
      const target::Thread& thread) const;
  // The g that `handler`'s signal interrupted: one of the M's on the
  // thread, whose stack holds the interrupted sp. `registers` is where the
  // signal context keeps the registers (unwind::SignalRegistersBase).
  absl::StatusOr<goruntime::Goroutine> InterruptedG(
      const target::Thread& thread, const HandlerFrame& handler,
      uint64_t registers, uint64_t interrupted_sp) const;
  // The bytes at `pc` that the runtime's report of a SIGILL or SIGFPE
  // shows: 16, or up to the end of the page.
  std::string InstructionBytes(uint64_t pc) const;
  void WalkRunning(const goruntime::Goroutine& g, const target::Thread& thread,
                   Goroutine* out) const;
  template <typename Message>
  void SetCreatedBy(uint64_t go_pc, Message* message);
  void AddAncestor(const goruntime::GoroutineAncestor& ancestor, Ancestor* out);
  std::vector<Frame> CFramesFrom(const arch::Registers& registers,
                                 bool pc_is_return) const;
  std::vector<Frame> InterruptedCFrames(const goruntime::Goroutine& g,
                                        int thread_index) const;
  std::vector<Frame> CallbackCFrames(const goruntime::Goroutine& g,
                                     uint64_t cgocallback_entry) const;
  void InsertCallbackCFrames(const goruntime::Goroutine& g,
                             Goroutine* out) const;
  void AddPendingDefers(uint64_t g, Goroutine* out);
  void AddPanics(const goruntime::Goroutine& g, Goroutine* out) const;

  const symtab::Binary& binary_;
  const arch::ArchInfo& arch_;
  const symtab::AddressSpace& memory_;
  const absl::Span<const target::Thread> threads_;
  const std::optional<int64_t> nanotime_;
  const std::optional<uint64_t> page_size_;
  const int go_minor_;
  const goruntime::GoroutineReader& reader_;
  const GoroutineReadOptions& options_;
  std::optional<goruntime::DeferLayout> defer_layout_;
  // The goroutine of the M that reports while on its scheduler stack (it
  // threw there, or a signal came there), if any: the runtime prints it
  // first among the goroutines, from where it left its stack.
  uint64_t shown_first_ = 0;
  std::vector<symtab::SourceFrame> locations_;  // scratch
};

// A running goroutine's frames from its thread's registers: through the
// signal handlers the thread may be in (to the registers each signal
// interrupted) and off the scheduler stack (systemstack) back to the
// goroutine's own; then cut where the runtime's own crash report starts.
void GoroutineTracer::WalkRunning(const goruntime::Goroutine& g,
                                  const target::Thread& thread,
                                  Goroutine* out) const {
  const arch::Registers& regs = thread.registers;
  std::optional<uint64_t> pc = regs.pc();
  std::optional<uint64_t> sp = regs.sp();
  if (!pc || !sp) {
    out->stop = {unwind::StopReason::kUnreadableMemory,
                 "the thread has no pc or sp"};
    return;
  }
  unwind::UnwindStart start{.pc = *pc,
                            .sp = *sp,
                            .lr = regs.lr(),
                            .flags = unwind::kUnwindTrap |
                                     unwind::kUnwindSignalFrames |
                                     unwind::kUnwindJumpStack,
                            .jump = {g.sched_pc, g.sched_sp, g.sched_lr},
                            .stack_lo = g.stack_lo,
                            .stack_hi = g.stack_hi};
  if (g.m_gsignal != 0) {
    if (absl::StatusOr<goruntime::Goroutine> gsignal =
            reader_.ReadG(g.m_gsignal);
        gsignal.ok()) {
      start.signal_stack_lo = gsignal->stack_lo;
      start.signal_stack_hi = gsignal->stack_hi;
    }
  }
  std::vector<Frame>& frames = out->frames;
  WalkEnd end = AppendWalk(binary_, arch_, memory_, start, &frames);
  // The outermost signal handler's frame.
  const int last_handler = end.signal_handler;
  out->stop = std::move(end.stop);
  // The runtime reports a crash from where it arose: the caller of
  // fatalpanic or fatalthrow, or else the instruction the (outermost)
  // signal interrupted.
  int report_start = last_handler;
  out->report_cause =
      last_handler >= 0 ? ReportCause::kSignal : ReportCause::kNone;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (const ReportCause cause = FatalReportAt(frames[i]);
        cause != ReportCause::kNone) {
      report_start = static_cast<int>(i);
      out->report_cause = cause;
      break;
    }
  }
  if (report_start >= 0) {
    frames.erase(frames.begin(), frames.begin() + report_start + 1);
  }
  out->reporting = report_start >= 0;
  if (out->report_cause == ReportCause::kThrow && !frames.empty()) {
    out->fatal_error = ThrownBy(frames.front());
  }
}

FatalError GoroutineTracer::ThrownBy(const Frame& thrower) const {
  const absl::string_view name = thrower.function();
  FatalError thrown{.message = "", .by_program = name == "runtime.fatal"};
  // The thrower's frame holds the closure it prints its message with on
  // the system stack: a word that is the entry of <thrower>.func1. A frame
  // of a few words; the bound keeps a wild one short.
  constexpr uint64_t kMaxFrameWords = 64;
  const std::string closure = absl::StrCat(name, ".func1");
  const uint64_t p = arch_.ptr_size;
  absl::Status problem = absl::NotFoundError(
      absl::StrCat("no ", closure, " closure in its frame"));
  for (uint64_t at = thrower.sp;
       at + p <= thrower.fp && at < thrower.sp + kMaxFrameWords * p; at += p) {
    std::optional<uint64_t> word = memory_.ReadWord(at, p, arch_.byte_order);
    if (!word) break;
    absl::StatusOr<symtab::Func> func = binary_.pclntab().FindFunc(*word);
    if (!func.ok() || func->entry() != *word ||
        func->Name().value_or("") != closure) {
      continue;
    }
    absl::StatusOr<std::string> message = goruntime::ThrowMessageText(
        memory_, arch_, at, thrown.by_program, go_minor_);
    if (message.ok()) {
      thrown.message = *std::move(message);
      return thrown;
    }
    problem = message.status();
    break;
  }
  // The closest true thing the report can say.
  thrown.message = absl::StrCat(
      "(a message gentrace could not read: ", problem.message(), ")");
  return thrown;
}

// The `go` statement at `go_pc` as the runtime names it in "created by":
// the physical function, the innermost position of the call (go_pc - 1).
// `message` is a Goroutine or an Ancestor.
template <typename Message>
void GoroutineTracer::SetCreatedBy(uint64_t go_pc, Message* message) {
  message->created_by_pc = go_pc;
  absl::StatusOr<symtab::Func> func = binary_.pclntab().FindFunc(go_pc);
  if (!func.ok()) return;
  const uint64_t trace_pc =
      go_pc > func->entry() ? go_pc - arch_.pc_quantum : go_pc;
  locations_.clear();
  if (!binary_.Symbolize(trace_pc, &locations_).ok() || locations_.empty()) {
    return;
  }
  message->created_by =
      Location{locations_.back().function, locations_.front().file,
               locations_.front().line};
  message->created_by_entry = func->entry();
}

// A recorded ancestor. Its pcs are return addresses and inlined call sites
// plus one; the runtime prints each as the innermost function at the pc
// itself, and so does this.
void GoroutineTracer::AddAncestor(const goruntime::GoroutineAncestor& ancestor,
                                  Ancestor* out) {
  out->id = ancestor.goid;
  for (uint64_t pc : ancestor.pcs) {
    Frame& frame = out->frames.emplace_back();
    frame.pc = pc;
    frame.trap = true;
    absl::StatusOr<symtab::Func> func = binary_.pclntab().FindFunc(pc);
    locations_.clear();
    if (!func.ok() || !binary_.Symbolize(pc, &locations_).ok() ||
        locations_.empty()) {
      continue;
    }
    frame.entry = func->entry();
    frame.locations.push_back({locations_.front().function,
                               locations_.front().file, locations_.front().line,
                               /*inlined=*/locations_.size() > 1});
  }
  SetCreatedBy(ancestor.go_pc, out);
}

// The C frames from a register state, up to where the C code returns
// into Go (the first pc the pclntab knows).
std::vector<Frame> GoroutineTracer::CFramesFrom(
    const arch::Registers& registers, bool pc_is_return) const {
  std::vector<Frame> frames =
      options_.native_frames->FromRegisters(registers, pc_is_return);
  for (size_t i = 0; i < frames.size(); ++i) {
    if (binary_.pclntab().FindFunc(frames[i].pc).ok()) {
      frames.resize(i);
      break;
    }
  }
  return frames;
}

// The C frames of the cgo call `thread` was in, up to where C returns into
// Go's side of the call (the first frame in Go code). The C state is the
// thread's own registers when it was stopped in C (a live process, say);
// else the walk goes from them through each signal handler's context (the
// runtime's crash path raises a second signal) and, where the crash path
// ran on the scheduler stack, on from where the M's gsignal left its stack,
// to a signal context whose pc is outside Go (all its registers), or to the
// frame the runtime injected a call to sigpanic into.
std::vector<Frame> GoroutineTracer::InterruptedCFrames(
    const goruntime::Goroutine& g, int thread_index) const {
  const target::Thread& thread = threads_[thread_index];
  std::optional<uint64_t> pc = thread.registers.pc();
  std::optional<uint64_t> sp = thread.registers.sp();
  if (!pc || !sp) return {};
  const symtab::Pclntab& table = binary_.pclntab();
  if (!table.FindFunc(*pc).ok()) {
    return CFramesFrom(thread.registers, /*pc_is_return=*/false);
  }
  unwind::UnwindStart start{
      .pc = *pc,
      .sp = *sp,
      .lr = thread.registers.lr(),
      .flags = unwind::kUnwindTrap | unwind::kUnwindSignalFrames};
  if (g.m_gsignal != 0) {
    if (absl::StatusOr<goruntime::Goroutine> gsignal =
            reader_.ReadG(g.m_gsignal);
        gsignal.ok()) {
      start.flags |= unwind::kUnwindJumpStack;
      start.jump = {gsignal->sched_pc, gsignal->sched_sp, gsignal->sched_lr};
    }
  }
  unwind::GoUnwinder unwinder(table, arch_, memory_);
  std::optional<unwind::GoFrame> last;
  for (unwinder.Start(start); unwinder.valid(); unwinder.Next()) {
    last = unwinder.frame();
  }
  if (unwinder.stop_reason() != unwind::StopReason::kUnknownPc) return {};
  const unwind::GoFrame& at = unwinder.unresolved();
  if (at.source == unwind::FrameSource::kSignalContext &&
      !table.FindFunc(at.pc).ok()) {
    return CFramesFrom(unwind::ReadSignalContextRegisters(
                           arch_, memory_, unwinder.signal_context()),
                       /*pc_is_return=*/false);
  }
  if (!last || last->func_id != symtab::FuncId::kSigpanic) return {};
  // The faulting C code seems to have called sigpanic: `at` is the faulting
  // pc and its SP (on LR machines the walk has stepped over the frame the
  // runtime pushed the LR in, preparePanic's, whose base is sigpanic's fp).
  arch::Registers c_state(arch_);
  c_state.Set(arch_.pc, at.pc);
  c_state.Set(arch_.sp, at.sp);
  if (arch_.uses_lr) {
    std::optional<uint64_t> lr =
        memory_.ReadWord(last->fp, arch_.ptr_size, arch_.byte_order);
    if (!lr) return {};
    c_state.Set(arch_.lr, *lr);
  }
  return CFramesFrom(c_state, /*pc_is_return=*/false);
}

// The C frames between a callback into Go and the cgo call below it: C
// called crosscall2, which called runtime.cgocallback on the scheduler
// stack (g0), which saved that stack's SP in g0.sched.sp and went on in Go.
// From there, over cgocallback's and crosscall2's frames (the pclntab
// knows their sizes; the architecture table crosscall2's where it does
// not), to the C code that made the callback: its SP is
// crosscall2's caller's, its pc where crosscall2 left the return address
// (ArchInfo::crosscall2_return_offset). Then native unwinding until a pc is
// back in Go (asmcgocall). (A panic in the callback unwinds it and
// restores g0.sched.sp first: then the C frames are gone, and none are
// found.)
std::vector<Frame> GoroutineTracer::CallbackCFrames(
    const goruntime::Goroutine& g, uint64_t cgocallback_entry) const {
  if (arch_.crosscall2_return_offset == 0 || g.m_g0 == 0) return {};
  absl::StatusOr<goruntime::Goroutine> g0 = reader_.ReadG(g.m_g0);
  if (!g0.ok() || g0->sched_sp == 0) return {};
  const symtab::Pclntab& table = binary_.pclntab();
  absl::StatusOr<const symtab::Pclntab::FrameFacts*> callback =
      table.FrameFactsAt(cgocallback_entry);
  if (!callback.ok() || (*callback)->sp_deltas.values().empty()) return {};
  const std::vector<int32_t>& deltas = (*callback)->sp_deltas.values();
  const int32_t frame_size = *std::max_element(deltas.begin(), deltas.end());
  const auto word = [&](uint64_t address) {
    return memory_.ReadWord(address, arch_.ptr_size, arch_.byte_order);
  };
  // A Go frame's return address: on the stack above it (x86), or its LR
  // saved at its SP.
  const uint64_t return_slot = arch_.uses_lr ? 0 : arch_.ptr_size;
  const uint64_t crosscall2_sp = g0->sched_sp + frame_size + return_slot;
  std::optional<uint64_t> crosscall2_pc =
      word(arch_.uses_lr ? g0->sched_sp : crosscall2_sp - arch_.ptr_size);
  if (!crosscall2_pc) return {};
  absl::StatusOr<int32_t> delta = arch_.crosscall2_frame_size;
  if (arch_.crosscall2_frame_size == 0) {
    absl::StatusOr<const symtab::Pclntab::FrameFacts*> crosscall2 =
        table.FrameFactsAt(*crosscall2_pc);
    if (!crosscall2.ok()) return {};
    delta = (*crosscall2)->sp_deltas.ValueAt(*crosscall2_pc);
  }
  if (!delta.ok() || *delta < 0) return {};
  const uint64_t c_sp = crosscall2_sp + *delta + return_slot;
  std::optional<uint64_t> c_pc = word(c_sp + arch_.crosscall2_return_offset);
  if (!c_pc || table.FindFunc(*c_pc).ok()) return {};
  arch::Registers c_state(arch_);
  c_state.Set(arch_.pc, *c_pc);
  c_state.Set(arch_.sp, c_sp);
  return CFramesFrom(c_state, /*pc_is_return=*/true);
}

// Inserts the C frames of a callback after the goroutine's
// runtime.cgocallback frame.
void GoroutineTracer::InsertCallbackCFrames(const goruntime::Goroutine& g,
                                            Goroutine* out) const {
  std::vector<Frame>& frames = out->frames;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].func_id != symtab::FuncId::kCgocallback) continue;
    std::vector<Frame> c_frames = CallbackCFrames(g, frames[i].entry);
    frames.insert(frames.begin() + i + 1,
                  std::make_move_iterator(c_frames.begin()),
                  std::make_move_iterator(c_frames.end()));
    return;
  }
}

// Each frame's pending deferred calls (goruntime/pending_defers.h),
// symbolized at the deferred function's entry.
void GoroutineTracer::AddPendingDefers(uint64_t g, Goroutine* out) {
  std::vector<goruntime::DeferFrame> frames;
  frames.reserve(out->frames.size());
  for (const Frame& f : out->frames) {
    frames.push_back({.lookup_pc = f.trap || f.pc == f.entry ? f.pc : f.pc - 1,
                      .sp = f.sp,
                      .fp = f.fp});
  }
  goruntime::PendingDefers pending = goruntime::FindPendingDefers(
      binary_.pclntab(), memory_, *defer_layout_, arch_, g, frames);
  out->panicking = pending.panics > 0;
  out->panics = pending.panics;
  out->panic_recovered = pending.newest_panic_recovered;
  out->defer_problems = std::move(pending.problems);
  for (const goruntime::PendingCall& call : pending.calls) {
    DeferredCall& d =
        out->frames[call.frame].defers.emplace_back(DeferredCall{call});
    locations_.clear();
    if (binary_.Symbolize(call.fn, &locations_).ok() && !locations_.empty()) {
      d.function = LocationOf(locations_.back());
    }
  }
}

absl::Status GoroutineTracer::Run(
    absl::FunctionRef<void(gentrace::Goroutine&)> visit,
    std::vector<std::string>* notes) {
  absl::StatusOr<std::vector<goruntime::Goroutine>> gs = reader_.ReadAll();
  if (!gs.ok()) return gs.status();
  notes->push_back(
      absl::StrCat("runtime.allgs: found by ", reader_.allgs_method()));
  notes->push_back(absl::StrCat("goroutine layout: ", reader_.layout_source()));
  absl::StatusOr<goruntime::DeferLayout> layout =
      binary_.go_version()
          ? goruntime::DeferLayoutFor(*binary_.go_version(), arch_.ptr_size)
          : absl::NotFoundError("the binary names no Go release");
  if (layout.ok()) {
    defer_layout_ = *layout;
  } else {
    notes->push_back(absl::StrCat(options_.pending_defers
                                      ? "pending defers and panics not read: "
                                      : "panics not read: ",
                                  layout.status().message()));
  }
  // The runtime prints first the goroutine a throw on its M's scheduler
  // stack interrupted, or the one whose panic or throw it reports.
  if (options_.report_head != nullptr) {
    options_.report_head->runtime_stacks = RuntimeStacks(*gs, notes);
    options_.report_head->signal_reports = SignalReports(notes);
    // The first signal report lists the goroutines; when the signal came
    // on its M's g0, the M's goroutine comes first.
    const std::vector<SignalReport>& reports =
        options_.report_head->signal_reports;
    if (shown_first_ == 0 && !reports.empty() &&
        reports.front().interrupted.id == 0) {
      if (absl::StatusOr<goruntime::Goroutine> g0 =
              reader_.ReadG(reports.front().interrupted.address);
          g0.ok()) {
        shown_first_ = g0->m_curg;
      }
    }
  }
  const uint64_t first = shown_first_;
  Goroutine scratch;
  const auto trace = [&](const goruntime::Goroutine& g) -> Goroutine& {
    // A fresh goroutine that keeps the last one's frame storage.
    std::vector<Frame> frames = std::move(scratch.frames);
    frames.clear();
    scratch = Goroutine();
    scratch.frames = std::move(frames);
    TraceGoroutine(g, notes, &scratch);
    return scratch;
  };
  gentrace::Goroutine message;
  size_t emitted = 0;
  const auto past_deadline = [&] {
    return options_.deadline != absl::InfiniteFuture() &&
           absl::Now() > options_.deadline;
  };
  const auto deadline_error = [&] {
    return absl::DeadlineExceededError(
        absl::StrCat("past the deadline with ", emitted, " goroutines listed"));
  };
  const auto emit = [&](const goruntime::Goroutine& g, Goroutine& traced) {
    ++emitted;
    if (defer_layout_) {
      AddPanics(g, &traced);
      if (options_.pending_defers) AddPendingDefers(g.address, &traced);
    }
    message.Clear();
    ToProto(std::move(traced), &message);
    visit(message);
  };
  const auto state = [](const goruntime::Goroutine& g) {
    return g.status & ~static_cast<uint32_t>(goruntime::kGscan);
  };
  // The runtime's report of a crash starts with the goroutine it is about,
  // then goes through allgs without it: find that one among the running,
  // keeping the others traced for their turn.
  std::vector<std::pair<uint64_t, Goroutine>> running;
  uint64_t reported = 0;
  for (const goruntime::Goroutine& g : *gs) {
    if (first != 0 ? g.address != first : state(g) != goruntime::kGrunning) {
      continue;
    }
    if (past_deadline()) return deadline_error();
    Goroutine& traced = trace(g);
    if (traced.reporting || g.address == first) {
      reported = g.address;
      emit(g, traced);
      break;
    }
    running.emplace_back(g.address, std::move(traced));
  }
  size_t next_running = 0;
  for (const goruntime::Goroutine& g : *gs) {
    const uint32_t g_state = state(g);
    if (g_state == goruntime::kGdead || g_state == goruntime::kGdeadextra ||
        g.address == reported) {
      continue;
    }
    if (past_deadline()) return deadline_error();
    if (next_running < running.size() &&
        running[next_running].first == g.address) {
      emit(g, running[next_running++].second);
    } else {
      emit(g, trace(g));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Goroutine> GoroutineTracer::TraceCgoCaller(
    uint64_t g, std::vector<Frame> c_frames, std::vector<std::string>* notes) {
  absl::StatusOr<goruntime::Goroutine> read = reader_.ReadG(g);
  if (!read.ok()) return read.status();
  notes->push_back(absl::StrCat("goroutine layout: ", reader_.layout_source()));
  Goroutine out;
  TraceGoroutine(*read, notes, &out);
  out.frames.insert(out.frames.begin(),
                    std::make_move_iterator(c_frames.begin()),
                    std::make_move_iterator(c_frames.end()));
  return out;
}

// The goroutine's panics in progress, each value as the runtime prints it.
void GoroutineTracer::AddPanics(const goruntime::Goroutine& g,
                                Goroutine* out) const {
  absl::StatusOr<std::vector<goruntime::PanicRecord>> chain =
      goruntime::ReadPanicChain(memory_, *defer_layout_, arch_, g.address);
  if (!chain.ok()) {
    out->defer_problems.push_back(std::string(chain.status().message()));
    return;
  }
  if (chain->empty()) return;
  std::optional<uint64_t> types = binary_.FindGoTypes();
  if (types) *types += binary_.load_bias();
  for (const goruntime::PanicRecord& record : *chain) {
    PanicValue& panic = out->panic_values.emplace_back();
    panic.recovered = record.recovered;
    panic.repanicked = record.repanicked;
    panic.goexit = record.goexit;
    if (record.goexit) continue;
    absl::StatusOr<std::string> value =
        goruntime::PanicValueText(memory_, arch_, types, go_minor_, record);
    if (value.ok()) {
      panic.value = *std::move(value);
    } else {
      // The closest true thing the report can say.
      panic.value = absl::StrCat(
          "(a value gentrace could not read: ", value.status().message(), ")");
    }
  }
}

void GoroutineTracer::Describe(const goruntime::Goroutine& g,
                               std::vector<std::string>* notes,
                               Goroutine* out) {
  const uint32_t state = g.status & ~static_cast<uint32_t>(goruntime::kGscan);
  out->id = g.goid;
  out->address = g.address;
  out->m_address = g.m;
  out->m_id = g.m_id;
  out->status = reader_.StatusText(g, nanotime_);
  if (nanotime_) {
    out->wait_minutes = goruntime::GoroutineReader::WaitMinutes(g, *nanotime_);
  }
  if (state == goruntime::kGwaiting) {
    out->wait_reason = reader_.WaitReasonText(g.wait_reason);
  }
  out->parent_id = g.parent_goid;
  if (g.sig != 0) {
    out->signal = Signal{.number = g.sig,
                         .name = arch::LinuxSignalName(arch_, g.sig),
                         .code = g.sigcode0,
                         .addr = g.sigcode1,
                         .pc = g.sigpc};
  }
  SetCreatedBy(g.go_pc, out);
  if (absl::StatusOr<std::vector<goruntime::GoroutineAncestor>> ancestors =
          reader_.ReadAncestors(g);
      ancestors.ok()) {
    for (const goruntime::GoroutineAncestor& a : *ancestors) {
      AddAncestor(a, &out->ancestors.emplace_back());
    }
  } else {
    notes->push_back(std::string(ancestors.status().message()));
  }
}

void GoroutineTracer::TraceGoroutine(const goruntime::Goroutine& g,
                                     std::vector<std::string>* notes,
                                     Goroutine* out) {
  Describe(g, notes, out);
  const uint32_t state = g.status & ~static_cast<uint32_t>(goruntime::kGscan);
  // The thread of the goroutine's M, if it has one here.
  int thread_index = -1;
  for (size_t t = 0; t < threads_.size() && g.m != 0; ++t) {
    if (static_cast<uint64_t>(threads_[t].tid) == g.m_procid) {
      thread_index = static_cast<int>(t);
    }
  }
  if (state == goruntime::kGrunning && g.address == shown_first_) {
    // Its M reports from the scheduler stack: the runtime shows it from
    // where it left its stack, as the report's first goroutine.
    out->reporting = true;
    out->stop = AppendWalk(binary_, arch_, memory_,
                           {.pc = g.sched_pc,
                            .sp = g.sched_sp,
                            .lr = g.sched_lr,
                            .source = FrameSource::kGoroutineSched},
                           &out->frames)
                    .stop;
    return;
  }
  if (state == goruntime::kGrunning) {
    if (thread_index < 0) {
      out->stop.detail = "running on another thread";
      return;
    }
    WalkRunning(g, threads_[thread_index], out);
    if (options_.native_frames != nullptr) InsertCallbackCFrames(g, out);
    return;
  }
  const bool in_syscall = state == goruntime::kGsyscall;
  if (in_syscall && options_.native_frames != nullptr && thread_index >= 0) {
    out->frames = InterruptedCFrames(g, thread_index);
  }
  WalkEnd end = AppendWalk(
      binary_, arch_, memory_,
      {in_syscall ? g.syscall_pc : g.sched_pc,
       in_syscall ? g.syscall_sp : g.sched_sp, in_syscall ? 0 : g.sched_lr,
       /*trap=*/false, FrameSource::kGoroutineSched},
      &out->frames);
  out->stop = std::move(end.stop);
}

std::optional<GoroutineTracer::HandlerFrame>
GoroutineTracer::OutermostSignalHandler(const target::Thread& thread) const {
  std::optional<uint64_t> pc = thread.registers.pc();
  std::optional<uint64_t> sp = thread.registers.sp();
  if (!pc || !sp) return std::nullopt;
  unwind::GoUnwinder unwinder(binary_.pclntab(), arch_, memory_);
  unwinder.Start({.pc = *pc,
                  .sp = *sp,
                  .lr = thread.registers.lr(),
                  .flags = unwind::kUnwindTrap | unwind::kUnwindSignalFrames});
  std::optional<HandlerFrame> handler;
  // runtime.sighandler(sig, info, ctxt, gp), which the handler calls: gp is
  // the g the signal interrupted.
  std::optional<uint64_t> callee_gp;
  // Frames since the last handler's: the SIGABRT that runtime.dieFromSignal
  // raises to end the process passes through the handler too, and is no
  // report.
  int since_handler = -1;
  bool waiting = false;  // in startpanic_m since the last handler's frame
  for (; unwinder.valid(); unwinder.Next()) {
    const unwind::GoFrame& frame = unwinder.frame();
    absl::StatusOr<symtab::Func> func = binary_.pclntab().FindFunc(frame.pc);
    const absl::string_view name = func.ok() ? func->Name().value_or("") : "";
    if (since_handler >= 0 && ++since_handler <= 3 &&
        name == "runtime.dieFromSignal") {
      handler.reset();
      since_handler = -1;
    }
    waiting = waiting || name == "runtime.startpanic_m";
    if (frame.signal_handler) {
      handler = HandlerFrame{
          .args = unwind::ArgumentValues(binary_.pclntab(), binary_.image(),
                                         memory_, arch_, frame),
          .interrupted_g = callee_gp,
          .waiting = waiting};
      since_handler = 0;
      waiting = false;
    }
    callee_gp.reset();
    if (name == "runtime.sighandler") {
      std::vector<std::optional<uint64_t>> args = unwind::ArgumentValues(
          binary_.pclntab(), binary_.image(), memory_, arch_, frame);
      if (args.size() >= 4) callee_gp = args[3];
    }
  }
  return handler;
}

absl::StatusOr<goruntime::Goroutine> GoroutineTracer::InterruptedG(
    const target::Thread& thread, const HandlerFrame& handler,
    uint64_t registers, uint64_t interrupted_sp) const {
  const arch::SignalContextLayout& layout = arch_.signal_context;
  // A g of the thread's M, the first of these that is one: sighandler's
  // gp; the g register when the signal came; the g the thread pointer
  // leads to now (the M's gsignal).
  std::vector<std::optional<uint64_t>> candidates = {handler.interrupted_g};
  if (layout.g_register >= 0 && go_minor_ >= layout.g_register_since_minor) {
    candidates.push_back(memory_.ReadWord(registers + layout.g_register,
                                          layout.value_size, arch_.byte_order));
  }
  candidates.push_back(ThreadPointerG(thread));
  std::optional<goruntime::Goroutine> g = GOfThreadsM(thread, candidates);
  if (!g) {
    return absl::NotFoundError(absl::StrCat(
        "thread ", thread.tid, ": the g its signal interrupted is not found"));
  }
  // Of the M's g0, goroutine and gsignal, the one whose stack holds the
  // interrupted sp; with none (m0's g0 records only part of the main
  // thread's stack), its g0 unless a g register named the g.
  for (uint64_t candidate : {g->m_g0, g->m_curg, g->m_gsignal}) {
    if (candidate == 0) continue;
    absl::StatusOr<goruntime::Goroutine> c = reader_.ReadG(candidate);
    if (c.ok() && interrupted_sp >= c->stack_lo &&
        interrupted_sp < c->stack_hi) {
      return c;
    }
  }
  if (g->address == g->m_gsignal) {
    if (absl::StatusOr<goruntime::Goroutine> g0 = reader_.ReadG(g->m_g0);
        g0.ok()) {
      return g0;
    }
  }
  return *g;
}

std::optional<goruntime::Goroutine> GoroutineTracer::GOfThreadsM(
    const target::Thread& thread,
    absl::Span<const std::optional<uint64_t>> candidates) const {
  for (const std::optional<uint64_t>& candidate : candidates) {
    if (!candidate) continue;
    absl::StatusOr<goruntime::Goroutine> g = reader_.ReadG(*candidate);
    if (g.ok() && g->m != 0 &&
        g->m_procid == static_cast<uint64_t>(thread.tid)) {
      return *std::move(g);
    }
  }
  return std::nullopt;
}

std::optional<uint64_t> GoroutineTracer::ThreadPointerG(
    const target::Thread& thread) const {
  const arch::SignalContextLayout& layout = arch_.signal_context;
  if (layout.thread_pointer.empty()) return std::nullopt;
  std::optional<uint64_t> tp = thread.registers.Get(layout.thread_pointer);
  if (!tp) return std::nullopt;
  return memory_.ReadWord(*tp + layout.tls_g_offset, arch_.ptr_size,
                          arch_.byte_order);
}

std::vector<Goroutine> GoroutineTracer::RuntimeStacks(
    absl::Span<const goruntime::Goroutine> gs,
    std::vector<std::string>* notes) {
  std::vector<Goroutine> stacks;
  std::vector<Frame> frames;
  for (const target::Thread& thread : threads_) {
    std::optional<uint64_t> pc = thread.registers.pc();
    std::optional<uint64_t> sp = thread.registers.sp();
    if (!pc || !sp) continue;
    // The thread's own stack only (through the signal handlers it may be
    // in): a throw on a goroutine's stack is that goroutine's report.
    frames.clear();
    const WalkEnd end =
        AppendWalk(binary_, arch_, memory_,
                   {.pc = *pc,
                    .sp = *sp,
                    .lr = thread.registers.lr(),
                    .flags = unwind::kUnwindTrap | unwind::kUnwindSignalFrames},
                   &frames);
    size_t thrower = 0;
    while (thrower < frames.size() &&
           FatalReportAt(frames[thrower]) != ReportCause::kThrow) {
      ++thrower;
    }
    if (++thrower >= frames.size()) continue;
    // The M on the thread: a goroutine's, else the thread pointer's g's.
    std::optional<goruntime::Goroutine> m_g;
    for (const goruntime::Goroutine& g : gs) {
      if (g.m != 0 && g.m_procid == static_cast<uint64_t>(thread.tid)) {
        m_g = g;
        break;
      }
    }
    if (!m_g) m_g = GOfThreadsM(thread, {ThreadPointerG(thread)});
    absl::StatusOr<goruntime::Goroutine> g0 =
        m_g ? reader_.ReadG(m_g->m_g0) : absl::NotFoundError("no M");
    absl::StatusOr<goruntime::Goroutine> curg =
        m_g && m_g->m_curg != 0 ? reader_.ReadG(m_g->m_curg)
                                : absl::NotFoundError("no goroutine");
    if (curg.ok() && frames[thrower].sp >= curg->stack_lo &&
        frames[thrower].sp < curg->stack_hi) {
      continue;  // thrown on the goroutine's stack: its own report
    }
    // Still in startpanic_m (waiting for another report to end): only the
    // "fatal error:" line is printed yet.
    const bool pending = std::any_of(
        frames.begin(), frames.begin() + thrower, [](const Frame& frame) {
          return std::any_of(frame.locations.begin(), frame.locations.end(),
                             [](const Location& location) {
                               return location.function ==
                                      "runtime.startpanic_m";
                             });
        });
    Goroutine& stack = stacks.emplace_back();
    if (g0.ok()) {
      Describe(*g0, notes, &stack);
      if (shown_first_ == 0 && !pending) {
        shown_first_ = g0->m_curg;
      }
    } else {
      notes->push_back(absl::StrCat(
          "thread ", thread.tid,
          " threw on its scheduler stack; its M is not found, so neither "
          "is the signal behind the throw, if there was one"));
    }
    stack.reporting = true;
    stack.report_cause = ReportCause::kThrow;
    stack.fatal_error = ThrownBy(frames[thrower]);
    stack.fatal_error->report_pending = pending;
    stack.frames.assign(std::make_move_iterator(frames.begin() + thrower),
                        std::make_move_iterator(frames.end()));
    stack.stop = end.stop;
  }
  return stacks;
}

std::string GoroutineTracer::InstructionBytes(uint64_t pc) const {
  // The runtime reads no further than its page; where the target does not
  // say how large pages are, the smallest any Linux port has.
  constexpr uint64_t kMaxBytes = 16;
  const uint64_t page = page_size_.value_or(4096);
  const uint64_t n =
      page == 0 ? kMaxBytes : std::min(kMaxBytes, page - pc % page);
  std::optional<symtab::ByteReader> bytes = memory_.Read(pc, n);
  if (!bytes) return "";
  return std::string(reinterpret_cast<const char*>(bytes->data().data()),
                     bytes->data().size());
}

std::vector<SignalReport> GoroutineTracer::SignalReports(
    std::vector<std::string>* notes) {
  const arch::SignalContextLayout& layout = arch_.signal_context;
  std::vector<SignalReport> reports;
  int waiting_threads = 0;  // in the handler, yet to report
  for (const target::Thread& thread : threads_) {
    std::optional<HandlerFrame> handler = OutermostSignalHandler(thread);
    if (!handler) continue;
    if (handler->waiting) {
      ++waiting_threads;
      notes->push_back(absl::StrCat(
          "thread ", thread.tid,
          " is in the runtime's signal handler, waiting for another report "
          "to end: it printed nothing"));
      continue;
    }
    const std::vector<std::optional<uint64_t>>& args = handler->args;
    if (args.size() < 3 || !args[0] || !args[1] || !args[2]) {
      notes->push_back(absl::StrCat("thread ", thread.tid,
                                    ": the signal handler's arguments are "
                                    "unreadable"));
      continue;
    }
    const uint32_t sig = static_cast<uint32_t>(*args[0]);
    const uint64_t info = *args[1];
    const uint64_t context = *args[2];
    std::optional<uint64_t> registers =
        unwind::SignalRegistersBase(arch_, memory_, context);
    std::optional<unwind::InterruptedRegisters> interrupted =
        unwind::ReadSignalContext(arch_, memory_, context);
    if (!registers || !interrupted) {
      notes->push_back(absl::StrCat("thread ", thread.tid,
                                    ": the signal's registers are unreadable"));
      continue;
    }
    absl::StatusOr<goruntime::Goroutine> g =
        InterruptedG(thread, *handler, *registers, interrupted->sp);
    if (!g.ok()) {
      notes->push_back(std::string(g.status().message()));
      continue;
    }
    SignalReport& report = reports.emplace_back();
    report.tid = thread.tid;
    report.m_id = g->m_id;
    // On the g0 of an M in a cgo call: the runtime reports the goroutine
    // that made the call, which shows from where it entered it.
    if (g->m_incgo && g->address == g->m_g0 && g->m_curg != 0) {
      if (absl::StatusOr<goruntime::Goroutine> curg = reader_.ReadG(g->m_curg);
          curg.ok()) {
        report.in_cgo = true;
        g = std::move(curg);
      }
    }
    // si_code is an int32 the runtime prints as sigctxt.sigcode() gives
    // it: widened to 8 bytes, or as a uint32.
    const int32_t code = static_cast<int32_t>(
        memory_
            .ReadUnsigned(info + arch::SiginfoCodeOffset(arch_), 4,
                          arch_.byte_order)
            .value_or(0));
    const std::optional<uint64_t> sender = memory_.ReadUnsigned(
        info + arch::SiginfoSenderOffset(arch_), 4, arch_.byte_order);
    report.came_by_relay =
        arch::IsRelaySignal(arch_, sig) && code == arch::kSignalFromKill &&
        sender &&
        std::any_of(threads_.begin(), threads_.end(),
                    [&](const target::Thread& t) {
                      return static_cast<uint64_t>(t.tid) == *sender;
                    });
    report.signal = {
        .number = sig,
        .name = arch::LinuxSignalName(arch_, sig),
        .code = layout.sigcode_size == 8 ? static_cast<uint64_t>(int64_t{code})
                                         : static_cast<uint32_t>(code),
        .addr = memory_
                    .ReadWord(layout.fault_address >= 0
                                  ? *registers + layout.fault_address
                                  : info + arch::SiginfoAddrOffset(arch_),
                              arch_.ptr_size, arch_.byte_order)
                    .value_or(0),
        .pc = interrupted->pc};
    // The PC line shows a fault's address from Go 1.22.
    report.fault_address = arch::IsFaultSignal(arch_, sig) && go_minor_ >= 22;
    if (arch::IsInstructionSignal(arch_, sig)) {
      report.instruction_bytes = InstructionBytes(interrupted->pc);
      if (report.instruction_bytes.empty()) {
        notes->push_back(absl::StrCat("thread ", thread.tid,
                                      ": the instruction bytes at the "
                                      "signal's pc are unreadable"));
      }
    }
    Describe(*g, notes, &report.interrupted);
    report.interrupted.reporting = true;
    report.interrupted.report_cause = ReportCause::kSignal;
    // A goroutine in a system call shows where it entered it, as the
    // runtime's traceback shows it.
    const bool in_syscall =
        (g->status & ~static_cast<uint32_t>(goruntime::kGscan)) ==
        goruntime::kGsyscall;
    // In a cgo call, the C frames the signal interrupted come first.
    if (report.in_cgo && options_.native_frames != nullptr) {
      report.interrupted.frames = CFramesFrom(
          unwind::ReadSignalContextRegisters(arch_, memory_, context),
          /*pc_is_return=*/false);
    }
    report.interrupted.stop =
        AppendWalk(
            binary_, arch_, memory_,
            in_syscall
                ? unwind::UnwindStart{.pc = g->syscall_pc, .sp = g->syscall_sp}
                : unwind::UnwindStart{.pc = interrupted->pc,
                                      .sp = interrupted->sp,
                                      .lr = interrupted->lr,
                                      .flags = unwind::kUnwindTrap},
            &report.interrupted.frames)
            .stop;
    if (options_.native_frames != nullptr) {
      InsertCallbackCFrames(*g, &report.interrupted);
    }
    // On the M's g0 while its goroutine runs: the runtime shows that one
    // too, from where it left its stack.
    absl::StatusOr<goruntime::Goroutine> curg =
        g->m_curg != 0 && g->m_curg != g->address ? reader_.ReadG(g->m_curg)
                                                  : absl::NotFoundError("none");
    if (curg.ok() &&
        (curg->status & ~static_cast<uint32_t>(goruntime::kGscan)) ==
            goruntime::kGrunning) {
      Goroutine& running = report.running.emplace();
      Describe(*curg, notes, &running);
      running.reporting = true;
      running.report_cause = ReportCause::kSignal;
      running.stop = AppendWalk(binary_, arch_, memory_,
                                {.pc = curg->sched_pc,
                                 .sp = curg->sched_sp,
                                 .lr = curg->sched_lr},
                                &running.frames)
                         .stop;
    }
    for (const arch::DumpedRegister& reg : layout.dumped_registers) {
      report.registers.push_back(
          {.label = std::string(reg.label),
           .value = memory_
                        .ReadUnsigned(*registers + reg.offset, reg.size,
                                      arch_.byte_order)
                        .value_or(0),
           .separator = reg.separator});
    }
  }
  // The crash's own signal first, then the relays by M, the order of almost
  // every relay recorded here.
  std::stable_sort(reports.begin(), reports.end(),
                   [](const SignalReport& a, const SignalReport& b) {
                     return a.came_by_relay != b.came_by_relay
                                ? b.came_by_relay
                                : a.m_id < b.m_id;
                   });
  for (size_t i = 0; i < reports.size(); ++i) {
    reports[i].relayed = i + 1 < reports.size() || waiting_threads > 0;
  }
  return reports;
}

}  // namespace

absl::Status ReadGoroutines(const symtab::Binary& binary,
                            const target::Target& target, Trace* trace,
                            const GoroutineReadOptions& options) {
  std::vector<std::string> notes;
  absl::Status status = ForEachGoroutine(
      binary, target,
      [&](gentrace::Goroutine& g) { trace->add_goroutines()->Swap(&g); },
      &notes, options);
  if (status.ok()) {
    for (std::string& note : notes) trace->add_notes(std::move(note));
  }
  return status;
}

absl::Status ForEachGoroutine(
    const symtab::Binary& binary, const target::Target& target,
    absl::FunctionRef<void(gentrace::Goroutine&)> visit,
    std::vector<std::string>* notes, const GoroutineReadOptions& options) {
  // The binary's tables must answer in the program's addresses.
  std::unique_ptr<symtab::Binary> rebased;
  if (binary.load_bias() != target.load_bias()) {
    absl::StatusOr<std::unique_ptr<symtab::Binary>> loaded =
        binary.LoadedAt(target.load_bias());
    if (!loaded.ok()) return loaded.status();
    rebased = *std::move(loaded);
  }
  const symtab::Binary& executable = rebased ? *rebased : binary;
  absl::StatusOr<goruntime::GoroutineReader> reader =
      goruntime::GoroutineReader::Create(executable, target.arch(),
                                         target.memory(), options.layout);
  if (!reader.ok()) return reader.status();
  return GoroutineTracer(executable, target, *reader, options)
      .Run(visit, notes);
}

absl::StatusOr<gentrace::Goroutine> TraceCgoCaller(
    const symtab::Binary& binary, const target::Target& target, uint64_t g,
    std::vector<Frame> c_frames, std::vector<std::string>* notes,
    const goruntime::RuntimeLayoutOptions& layout) {
  absl::StatusOr<goruntime::GoroutineReader> reader =
      goruntime::GoroutineReader::CreateForG(binary, target.arch(),
                                             target.memory(), g, layout);
  if (!reader.ok()) return reader.status();
  const GoroutineReadOptions options = {.layout = layout};
  GoroutineTracer tracer(binary, target, *reader, options);
  absl::StatusOr<Goroutine> traced =
      tracer.TraceCgoCaller(g, std::move(c_frames), notes);
  if (!traced.ok()) return traced.status();
  gentrace::Goroutine message;
  ToProto(*std::move(traced), &message);
  return message;
}

}  // namespace gentrace::traceback
