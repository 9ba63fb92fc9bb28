#include "traceback/goroutines.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "goruntime/defer_layout.h"
#include "goruntime/goroutines.h"
#include "goruntime/pending_defers.h"
#include "proto/convert.h"
#include "traceback/walk.h"
#include "unwind/signal_frame.h"

namespace gentrace::traceback {
namespace {

// The runtime reports a fatal panic or throw from the caller of these.
bool IsFatalReport(const Frame& frame) {
  const absl::string_view name = frame.function();
  return name == "runtime.fatalpanic" || name == "runtime.fatalthrow";
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
        reader_(reader),
        options_(options) {}

  absl::Status Run(absl::FunctionRef<void(gentrace::Goroutine&)> visit,
                   std::vector<std::string>* notes);

 private:
  void TraceGoroutine(const goruntime::Goroutine& g,
                      std::vector<std::string>* notes, Goroutine* out);
  void WalkRunning(const goruntime::Goroutine& g, const target::Thread& thread,
                   Goroutine* out) const;
  template <typename Message>
  void SetCreatedBy(uint64_t go_pc, Message* message);
  void AddAncestor(const goruntime::GoroutineAncestor& ancestor, Ancestor* out);
  std::vector<Frame> CFramesFrom(
      int thread, absl::Span<const unwind::NativeRegister> registers,
      bool pc_is_return) const;
  std::vector<Frame> InterruptedCFrames(const goruntime::Goroutine& g,
                                        int thread_index) const;
  std::vector<Frame> CallbackCFrames(const goruntime::Goroutine& g,
                                     uint64_t cgocallback_entry) const;
  void InsertCallbackCFrames(const goruntime::Goroutine& g,
                             Goroutine* out) const;
  void AddPendingDefers(uint64_t g, Goroutine* out);

  const symtab::Binary& binary_;
  const arch::ArchInfo& arch_;
  const symtab::AddressSpace& memory_;
  const absl::Span<const target::Thread> threads_;
  const std::optional<int64_t> nanotime_;
  const goruntime::GoroutineReader& reader_;
  const GoroutineReadOptions& options_;
  std::optional<goruntime::DeferLayout> defer_layout_;
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
  std::vector<Frame>& frames = out->frames;
  WalkEnd end =
      AppendWalk(binary_, arch_, memory_,
                 {.pc = *pc,
                  .sp = *sp,
                  .lr = regs.lr(),
                  .flags = unwind::kUnwindTrap | unwind::kUnwindSignalFrames |
                           unwind::kUnwindJumpStack,
                  .jump = {g.sched_pc, g.sched_sp, g.sched_lr},
                  .stack_lo = g.stack_lo,
                  .stack_hi = g.stack_hi},
                 &frames);
  // The outermost signal handler's frame.
  const int last_handler = end.signal_handler;
  out->stop = std::move(end.stop);
  // The runtime reports a crash from where it arose: the caller of
  // fatalpanic or fatalthrow, or else the instruction the (outermost)
  // signal interrupted.
  int report_start = last_handler;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (IsFatalReport(frames[i])) {
      report_start = static_cast<int>(i);
      break;
    }
  }
  if (report_start >= 0) {
    frames.erase(frames.begin(), frames.begin() + report_start + 1);
  }
  out->reporting = report_start >= 0;
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
    int thread, absl::Span<const unwind::NativeRegister> registers,
    bool pc_is_return) const {
  std::vector<Frame> frames =
      options_.native_frames->FromRegisters(thread, registers, pc_is_return);
  for (size_t i = 0; i < frames.size(); ++i) {
    if (binary_.pclntab().FindFunc(frames[i].pc).ok()) {
      frames.resize(i);
      break;
    }
  }
  return frames;
}

// The C frames a signal interrupted on `thread`, if the thread took a
// signal in C code (a cgo call), up to where C returns into Go's side of the
// call (the first frame in Go code). The walk goes from the thread's
// registers through each signal handler's context (the runtime's crash
// path raises a second signal) and, where the crash path ran on the
// scheduler stack, on from where the M's gsignal left its stack. The C
// state is a signal context whose pc is outside Go (all its registers),
// or the frame the runtime injected a call to sigpanic into (pc and SP).
std::vector<Frame> GoroutineTracer::InterruptedCFrames(
    const goruntime::Goroutine& g, int thread_index) const {
  const target::Thread& thread = threads_[thread_index];
  std::optional<uint64_t> pc = thread.registers.pc();
  std::optional<uint64_t> sp = thread.registers.sp();
  if (!pc || !sp || !unwind::CanUnwindMemoryNative(arch_)) return {};
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
  unwind::GoUnwinder unwinder(binary_.pclntab(), arch_, memory_);
  std::optional<unwind::GoFrame> last;
  for (unwinder.Start(start); unwinder.valid(); unwinder.Next()) {
    last = unwinder.frame();
  }
  if (unwinder.stop_reason() != unwind::StopReason::kUnknownPc) return {};
  std::vector<unwind::NativeRegister> c_state;
  const unwind::GoFrame& at = unwinder.unresolved();
  if (at.source == unwind::FrameSource::kSignalContext &&
      !binary_.pclntab().FindFunc(at.pc).ok()) {
    c_state = unwind::NativeRegistersOf(unwind::ReadSignalContextRegisters(
        arch_, memory_, unwinder.signal_context()));
  } else if (last && last->func_id == symtab::FuncId::kSigpanic) {
    // sigpanic was called into C code: its return address is the faulting
    // pc, its caller's SP its own fp.
    std::optional<uint64_t> ret = memory_.ReadWord(
        last->fp - arch_.ptr_size, arch_.ptr_size, arch_.byte_order);
    if (!ret) return {};
    c_state = unwind::NativePcSp(*ret, last->fp);
  }
  if (c_state.empty()) return {};
  return CFramesFrom(thread_index, c_state, /*pc_is_return=*/false);
}

// The C frames between a callback into Go and the cgo call below it: C
// called crosscall2, which called runtime.cgocallback on the scheduler
// stack (g0), which saved that stack's SP in g0.sched.sp and went on in Go.
// From there, over cgocallback's and crosscall2's frames (the pclntab
// knows their sizes), to the C code that made the callback; then native
// unwinding until a pc is back in Go (asmcgocall). (A panic in the
// callback unwinds it and restores g0.sched.sp first: then the C frames
// are gone, and none are found.)
std::vector<Frame> GoroutineTracer::CallbackCFrames(
    const goruntime::Goroutine& g, uint64_t cgocallback_entry) const {
  if (!unwind::CanUnwindMemoryNative(arch_) || g.m_g0 == 0) return {};
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
  // cgocallback's return address (into crosscall2), then crosscall2's.
  const uint64_t crosscall2_sp = g0->sched_sp + frame_size + arch_.ptr_size;
  std::optional<uint64_t> crosscall2_pc = word(crosscall2_sp - arch_.ptr_size);
  if (!crosscall2_pc) return {};
  absl::StatusOr<const symtab::Pclntab::FrameFacts*> crosscall2 =
      table.FrameFactsAt(*crosscall2_pc);
  if (!crosscall2.ok()) return {};
  absl::StatusOr<int32_t> delta =
      (*crosscall2)->sp_deltas.ValueAt(*crosscall2_pc);
  if (!delta.ok() || *delta < 0) return {};
  const uint64_t c_sp = crosscall2_sp + *delta + arch_.ptr_size;
  std::optional<uint64_t> c_pc = word(c_sp - arch_.ptr_size);
  if (!c_pc || table.FindFunc(*c_pc).ok()) return {};
  return CFramesFrom(/*thread=*/0, unwind::NativePcSp(*c_pc, c_sp),
                     /*pc_is_return=*/true);
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
  if (options_.pending_defers) {
    absl::StatusOr<goruntime::DeferLayout> layout =
        binary_.go_version()
            ? goruntime::DeferLayoutFor(*binary_.go_version(), arch_.ptr_size)
            : absl::NotFoundError("the binary names no Go release");
    if (layout.ok()) {
      defer_layout_ = *layout;
    } else {
      notes->push_back(
          absl::StrCat("pending defers not read: ", layout.status().message()));
    }
  }
  gentrace::Goroutine message;
  Goroutine goroutine;
  for (const goruntime::Goroutine& g : *gs) {
    const uint32_t state = g.status & ~static_cast<uint32_t>(goruntime::kGscan);
    if (state == goruntime::kGdead || state == goruntime::kGdeadextra) {
      continue;
    }
    // A fresh goroutine that keeps the last one's frame storage.
    std::vector<Frame> frames = std::move(goroutine.frames);
    frames.clear();
    goroutine = Goroutine();
    goroutine.frames = std::move(frames);
    TraceGoroutine(g, notes, &goroutine);
    if (defer_layout_) AddPendingDefers(g.address, &goroutine);
    message.Clear();
    ToProto(std::move(goroutine), &message);
    visit(message);
  }
  return absl::OkStatus();
}

void GoroutineTracer::TraceGoroutine(const goruntime::Goroutine& g,
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

  // The thread of the goroutine's M, if it has one here.
  int thread_index = -1;
  for (size_t t = 0; t < threads_.size() && g.m != 0; ++t) {
    if (static_cast<uint64_t>(threads_[t].tid) == g.m_procid) {
      thread_index = static_cast<int>(t);
    }
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

}  // namespace gentrace::traceback
