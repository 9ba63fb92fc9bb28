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
  if (frame.locations().empty()) return false;
  const std::string& name =
      frame.locations(frame.locations_size() - 1).function();
  return name == "runtime.fatalpanic" || name == "runtime.fatalthrow";
}

// A running goroutine's frames from its thread's registers: through the
// signal handler the thread may be in (to the registers the signal
// interrupted) and off the scheduler stack (systemstack) back to the
// goroutine's own, as often as the walk meets them (bounded); then cut where
// the runtime's own crash report starts.
void WalkRunning(const symtab::Binary& binary, const arch::ArchInfo& arch,
                 const symtab::AddressSpace& memory,
                 const goruntime::Goroutine& g,
                 const target::CoreThread& thread, Goroutine* out) {
  constexpr int kMaxSegments = 8;
  const arch::Registers& regs = thread.registers;
  std::optional<uint64_t> pc = regs.Pc(arch);
  std::optional<uint64_t> sp = regs.Sp(arch);
  if (!pc || !sp) {
    out->set_stop_reason(STOP_REASON_UNREADABLE_MEMORY);
    out->set_stop_detail("the thread has no pc or sp");
    return;
  }
  auto& frames = *out->mutable_frames();
  WalkStart start{*pc, *sp, regs.Lr(arch), /*trap=*/true,
                  FRAME_SOURCE_REGISTERS};
  bool used_sched = false;
  int last_handler = -1;  // the outermost signal handler's frame so far
  WalkEnd end;
  for (int segment = 0; segment < kMaxSegments; ++segment) {
    end = AppendWalk(binary, arch, memory, start, &frames);
    // sigtramp is a TOPFRAME: the walk ends there, and goes on where the
    // signal came in.
    if (end.signal_handler >= 0) {
      last_handler = end.signal_handler;
      std::optional<unwind::InterruptedRegisters> interrupted =
          end.signal_context
              ? unwind::ReadSignalContext(arch, memory, *end.signal_context)
              : std::nullopt;
      if (!interrupted) break;
      // Drop the handler's frames past sigtrampgo (sigtramp): the walk goes
      // on at the interrupted instruction instead.
      frames.DeleteSubrange(last_handler + 1,
                            frames.size() - (last_handler + 1));
      start = {interrupted->pc, interrupted->sp, interrupted->lr,
               /*trap=*/true, FRAME_SOURCE_SIGNAL_CONTEXT};
      // The signal came while the thread was off the goroutine's stack (on
      // the scheduler stack, in systemstack): the runtime shows the
      // goroutine from where it left its stack, g.sched, and so does this.
      const bool off_own_stack =
          g.stack_lo < g.stack_hi &&
          (interrupted->sp < g.stack_lo || interrupted->sp >= g.stack_hi);
      if (off_own_stack && !used_sched && g.sched_sp != 0) {
        used_sched = true;
        start = {g.sched_pc, g.sched_sp, g.sched_lr, /*trap=*/false,
                 FRAME_SOURCE_GOROUTINE_SCHED};
      }
      continue;
    }
    if (end.reason == STOP_REASON_STACK_SWITCH && !used_sched &&
        g.sched_sp != 0) {
      used_sched = true;
      start = {g.sched_pc, g.sched_sp, g.sched_lr, /*trap=*/false,
               FRAME_SOURCE_GOROUTINE_SCHED};
      continue;
    }
    break;
  }
  out->set_stop_reason(end.reason);
  out->set_stop_detail(end.detail);
  // The runtime reports a crash from where it arose: the caller of
  // fatalpanic or fatalthrow, or else the instruction the (outermost)
  // signal interrupted.
  int report_start = last_handler;
  for (int i = 0; i < frames.size(); ++i) {
    if (IsFatalReport(frames[i])) {
      report_start = i;
      break;
    }
  }
  if (report_start >= 0) frames.DeleteSubrange(0, report_start + 1);
  out->set_reporting(report_start >= 0);
}

// The `go` statement at `go_pc` as the runtime names it in "created by":
// the physical function, the innermost position of the call (go_pc - 1).
// `message` is a Goroutine or an Ancestor.
template <typename Message>
void SetCreatedBy(const symtab::Binary& binary, const arch::ArchInfo& arch,
                  uint64_t go_pc, std::vector<symtab::SourceFrame>* locations,
                  Message* message) {
  message->set_created_by_pc(go_pc);
  absl::StatusOr<symtab::Func> func = binary.pclntab().FindFunc(go_pc);
  if (!func.ok()) return;
  const uint64_t trace_pc =
      go_pc > func->entry() ? go_pc - arch.pc_quantum : go_pc;
  locations->clear();
  if (!binary.Symbolize(trace_pc, locations).ok() || locations->empty()) {
    return;
  }
  Location* at = message->mutable_created_by();
  at->set_function(std::string(locations->back().function));
  at->set_file(std::string(locations->front().file));
  at->set_line(locations->front().line);
  message->set_created_by_entry(func->entry());
}

// A recorded ancestor. Its pcs are return addresses and inlined call sites
// plus one; the runtime prints each as the innermost function at the pc
// itself, and so does this.
void AddAncestor(const symtab::Binary& binary, const arch::ArchInfo& arch,
                 const goruntime::GoroutineAncestor& ancestor,
                 std::vector<symtab::SourceFrame>* locations, Ancestor* out) {
  out->set_id(ancestor.goid);
  for (uint64_t pc : ancestor.pcs) {
    Frame* frame = out->add_frames();
    frame->set_pc(pc);
    frame->set_trap(true);
    absl::StatusOr<symtab::Func> func = binary.pclntab().FindFunc(pc);
    locations->clear();
    if (!func.ok() || !binary.Symbolize(pc, locations).ok() ||
        locations->empty()) {
      continue;
    }
    frame->set_entry(func->entry());
    Location* at = frame->add_locations();
    at->set_function(std::string(locations->front().function));
    at->set_file(std::string(locations->front().file));
    at->set_line(locations->front().line);
    at->set_inlined(locations->size() > 1);
  }
  SetCreatedBy(binary, arch, ancestor.go_pc, locations, out);
}

// The C frames from a register state, up to where the C code returns
// into Go (the first pc the pclntab knows).
std::vector<Frame> CFramesFrom(
    const symtab::Binary& binary, const NativeFrameSource& source, int thread,
    absl::Span<const unwind::NativeRegister> registers, bool pc_is_return) {
  std::vector<Frame> frames =
      source.FromRegisters(thread, registers, pc_is_return);
  for (size_t i = 0; i < frames.size(); ++i) {
    if (binary.pclntab().FindFunc(frames[i].pc()).ok()) {
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
std::vector<Frame> InterruptedCFrames(const symtab::Binary& binary,
                                      const arch::ArchInfo& arch,
                                      const symtab::AddressSpace& memory,
                                      const goruntime::GoroutineReader& reader,
                                      const goruntime::Goroutine& g,
                                      const target::CoreThread& thread,
                                      int thread_index,
                                      const NativeFrameSource& source) {
  constexpr int kMaxSegments = 8;
  std::optional<uint64_t> pc = thread.registers.Pc(arch);
  std::optional<uint64_t> sp = thread.registers.Sp(arch);
  if (!pc || !sp || !unwind::CanUnwindMemoryNative(arch)) return {};
  const auto in_go = [&](uint64_t address) {
    return binary.pclntab().FindFunc(address).ok();
  };
  WalkStart start{*pc, *sp, thread.registers.Lr(arch), /*trap=*/true,
                  FRAME_SOURCE_REGISTERS};
  bool used_gsignal = false;
  std::vector<unwind::NativeRegister> c_state;
  for (int segment = 0; segment < kMaxSegments && c_state.empty(); ++segment) {
    google::protobuf::RepeatedPtrField<Frame> walked;
    const WalkEnd end = AppendWalk(binary, arch, memory, start, &walked);
    if (end.signal_context) {
      std::optional<unwind::InterruptedRegisters> interrupted =
          unwind::ReadSignalContext(arch, memory, *end.signal_context);
      if (!interrupted) return {};
      if (!in_go(interrupted->pc)) {
        c_state = unwind::NativeRegistersOf(unwind::ReadSignalContextRegisters(
            arch, memory, *end.signal_context));
        break;
      }
      start = {interrupted->pc, interrupted->sp, interrupted->lr,
               /*trap=*/true, FRAME_SOURCE_SIGNAL_CONTEXT};
      continue;
    }
    if (end.reason == STOP_REASON_UNKNOWN_PC && !walked.empty() &&
        walked.rbegin()->func_id() == FUNC_ID_SIGPANIC) {
      // sigpanic was called into C code: its return address is the
      // faulting pc, its caller's SP its own fp.
      const uint64_t fp = walked.rbegin()->fp();
      std::optional<uint64_t> ret =
          memory.ReadWord(fp - arch.ptr_size, arch.ptr_size, arch.byte_order);
      if (!ret) return {};
      c_state = unwind::NativePcSp(*ret, fp);
      break;
    }
    if (end.reason != STOP_REASON_STACK_SWITCH || used_gsignal ||
        g.m_gsignal == 0) {
      return {};
    }
    absl::StatusOr<goruntime::Goroutine> gsignal = reader.ReadG(g.m_gsignal);
    if (!gsignal.ok() || gsignal->sched_sp == 0) return {};
    used_gsignal = true;
    start = {gsignal->sched_pc, gsignal->sched_sp, gsignal->sched_lr,
             /*trap=*/false, FRAME_SOURCE_GOROUTINE_SCHED};
  }
  if (c_state.empty()) return {};
  return CFramesFrom(binary, source, thread_index, c_state,
                     /*pc_is_return=*/false);
}

// The C frames between a callback into Go and the cgo call below it: C
// called crosscall2, which called runtime.cgocallback on the scheduler
// stack (g0), which saved that stack's SP in g0.sched.sp and went on in Go.
// From there, over cgocallback's and crosscall2's frames (the pclntab
// knows their sizes), to the C code that made the callback; then native
// unwinding until a pc is back in Go (asmcgocall). (A panic in the
// callback unwinds it and restores g0.sched.sp first: then the C frames
// are gone, and none are found.)
std::vector<Frame> CallbackCFrames(const symtab::Binary& binary,
                                   const arch::ArchInfo& arch,
                                   const symtab::AddressSpace& memory,
                                   const goruntime::GoroutineReader& reader,
                                   const goruntime::Goroutine& g,
                                   uint64_t cgocallback_entry,
                                   const NativeFrameSource& source) {
  if (!unwind::CanUnwindMemoryNative(arch) || g.m_g0 == 0) return {};
  absl::StatusOr<goruntime::Goroutine> g0 = reader.ReadG(g.m_g0);
  if (!g0.ok() || g0->sched_sp == 0) return {};
  const symtab::Pclntab& table = binary.pclntab();
  absl::StatusOr<const symtab::Pclntab::FrameFacts*> callback =
      table.FrameFactsAt(cgocallback_entry);
  if (!callback.ok() || (*callback)->sp_deltas.values().empty()) return {};
  const std::vector<int32_t>& deltas = (*callback)->sp_deltas.values();
  const int32_t frame_size = *std::max_element(deltas.begin(), deltas.end());
  const auto word = [&](uint64_t address) {
    return memory.ReadWord(address, arch.ptr_size, arch.byte_order);
  };
  // cgocallback's return address (into crosscall2), then crosscall2's.
  const uint64_t crosscall2_sp = g0->sched_sp + frame_size + arch.ptr_size;
  std::optional<uint64_t> crosscall2_pc = word(crosscall2_sp - arch.ptr_size);
  if (!crosscall2_pc) return {};
  absl::StatusOr<const symtab::Pclntab::FrameFacts*> crosscall2 =
      table.FrameFactsAt(*crosscall2_pc);
  if (!crosscall2.ok()) return {};
  absl::StatusOr<int32_t> delta =
      (*crosscall2)->sp_deltas.ValueAt(*crosscall2_pc);
  if (!delta.ok() || *delta < 0) return {};
  const uint64_t c_sp = crosscall2_sp + *delta + arch.ptr_size;
  std::optional<uint64_t> c_pc = word(c_sp - arch.ptr_size);
  if (!c_pc || table.FindFunc(*c_pc).ok()) return {};
  return CFramesFrom(binary, source, /*thread=*/0,
                     unwind::NativePcSp(*c_pc, c_sp), /*pc_is_return=*/true);
}

// Inserts the C frames of a callback after the goroutine's
// runtime.cgocallback frame.
void InsertCallbackCFrames(const symtab::Binary& binary,
                           const arch::ArchInfo& arch,
                           const symtab::AddressSpace& memory,
                           const goruntime::GoroutineReader& reader,
                           const goruntime::Goroutine& g,
                           const NativeFrameSource& source, Goroutine* out) {
  auto& frames = *out->mutable_frames();
  for (int i = 0; i < frames.size(); ++i) {
    if (frames[i].func_id() != FUNC_ID_CGOCALLBACK) continue;
    std::vector<Frame> c_frames = CallbackCFrames(binary, arch, memory, reader,
                                                  g, frames[i].entry(), source);
    google::protobuf::RepeatedPtrField<Frame> rest;
    for (int j = i + 1; j < frames.size(); ++j) rest.Add()->Swap(&frames[j]);
    frames.DeleteSubrange(i + 1, frames.size() - (i + 1));
    for (Frame& f : c_frames) frames.Add()->Swap(&f);
    for (Frame& f : rest) frames.Add()->Swap(&f);
    return;
  }
}

DeferKind DeferKindToProto(goruntime::DeferKind kind) {
  switch (kind) {
    case goruntime::DeferKind::kHeap:
      return DEFER_KIND_HEAP;
    case goruntime::DeferKind::kStack:
      return DEFER_KIND_STACK;
    case goruntime::DeferKind::kOpenCoded:
      return DEFER_KIND_OPEN_CODED;
  }
  return DEFER_KIND_UNSPECIFIED;
}

// Each frame's pending deferred calls (defer/pending.h), symbolized at the
// deferred function's entry.
void AddPendingDefers(const symtab::Binary& binary, const arch::ArchInfo& arch,
                      const symtab::AddressSpace& memory,
                      const goruntime::DeferLayout& layout, uint64_t g,
                      std::vector<symtab::SourceFrame>* locations,
                      Goroutine* out) {
  std::vector<goruntime::DeferFrame> frames;
  frames.reserve(out->frames_size());
  for (const Frame& f : out->frames()) {
    frames.push_back(
        {.lookup_pc = f.trap() || f.pc() == f.entry() ? f.pc() : f.pc() - 1,
         .sp = f.sp(),
         .fp = f.fp()});
  }
  goruntime::PendingDefers pending = goruntime::FindPendingDefers(
      binary.pclntab(), memory, layout, arch, g, frames);
  out->set_panicking(pending.panics > 0);
  out->set_panics(pending.panics);
  out->set_panic_recovered(pending.newest_panic_recovered);
  for (std::string& problem : pending.problems) {
    out->add_defer_problems(std::move(problem));
  }
  for (const goruntime::PendingCall& call : pending.calls) {
    DeferredCall* d = out->mutable_frames(call.frame)->add_defers();
    d->set_kind(DeferKindToProto(call.kind));
    d->set_closure(call.closure);
    d->set_entry(call.fn);
    d->set_record(call.record);
    d->set_arguments(call.arguments);
    d->set_argument_bytes(call.argument_bytes);
    locations->clear();
    if (binary.Symbolize(call.fn, locations).ok() && !locations->empty()) {
      ToProto(locations->back(), d->mutable_function());
    }
  }
}

}  // namespace

absl::Status ReadGoroutines(const symtab::Binary& binary,
                            const arch::ArchInfo& arch,
                            const symtab::AddressSpace& memory,
                            uint64_t load_bias,
                            absl::Span<const target::CoreThread> threads,
                            Trace* trace, const GoroutineReadOptions& options) {
  std::vector<std::string> notes;
  absl::Status status = ForEachGoroutine(
      binary, arch, memory, load_bias, threads,
      [&](Goroutine& g) { trace->add_goroutines()->Swap(&g); }, &notes,
      options);
  if (status.ok()) {
    for (std::string& note : notes) trace->add_notes(std::move(note));
  }
  return status;
}

absl::Status ForEachGoroutine(const symtab::Binary& binary,
                              const arch::ArchInfo& arch,
                              const symtab::AddressSpace& memory,
                              uint64_t load_bias,
                              absl::Span<const target::CoreThread> threads,
                              absl::FunctionRef<void(Goroutine&)> visit,
                              std::vector<std::string>* notes,
                              const GoroutineReadOptions& options) {
  const std::optional<int64_t>& nanotime = options.nanotime;
  absl::StatusOr<goruntime::GoroutineReader> reader =
      goruntime::GoroutineReader::Create(binary, arch, memory, load_bias);
  if (!reader.ok()) return reader.status();
  absl::StatusOr<std::vector<goruntime::Goroutine>> gs = reader->ReadAll();
  if (!gs.ok()) return gs.status();

  notes->push_back(
      absl::StrCat("runtime.allgs: found by ", reader->allgs_method()));
  notes->push_back(absl::StrCat("goroutine layout: ", reader->layout_source()));
  std::optional<goruntime::DeferLayout> defer_layout;
  if (options.pending_defers) {
    absl::StatusOr<goruntime::DeferLayout> layout =
        binary.go_version()
            ? goruntime::DeferLayoutFor(*binary.go_version(), arch.ptr_size)
            : absl::NotFoundError("the binary names no Go release");
    if (layout.ok()) {
      defer_layout = *layout;
    } else {
      notes->push_back(
          absl::StrCat("pending defers not read: ", layout.status().message()));
    }
  }
  std::vector<symtab::SourceFrame> locations;
  Goroutine goroutine;
  const auto visit_with_defers = [&](const goruntime::Goroutine& g) {
    if (defer_layout) {
      AddPendingDefers(binary, arch, memory, *defer_layout, g.address,
                       &locations, &goroutine);
    }
    visit(goroutine);
  };
  for (const goruntime::Goroutine& g : *gs) {
    const uint32_t state = g.status & ~static_cast<uint32_t>(goruntime::kGscan);
    if (state == goruntime::kGdead) continue;
    goroutine.Clear();
    goroutine.set_id(g.goid);
    goroutine.set_address(g.address);
    goroutine.set_m_address(g.m);
    goroutine.set_m_id(g.m_id);
    goroutine.set_status(reader->StatusText(g, nanotime));
    if (nanotime) {
      goroutine.set_wait_minutes(
          goruntime::GoroutineReader::WaitMinutes(g, *nanotime));
    }
    if (state == goruntime::kGwaiting) {
      goroutine.set_wait_reason(reader->WaitReasonText(g.wait_reason));
    }
    goroutine.set_parent_id(g.parent_goid);
    SetCreatedBy(binary, arch, g.go_pc, &locations, &goroutine);
    if (absl::StatusOr<std::vector<goruntime::GoroutineAncestor>> ancestors =
            reader->ReadAncestors(g);
        ancestors.ok()) {
      for (const goruntime::GoroutineAncestor& a : *ancestors) {
        AddAncestor(binary, arch, a, &locations, goroutine.add_ancestors());
      }
    } else {
      notes->push_back(std::string(ancestors.status().message()));
    }

    // The thread of the goroutine's M, if it has one here.
    int thread_index = -1;
    for (size_t t = 0; t < threads.size() && g.m != 0; ++t) {
      if (static_cast<uint64_t>(threads[t].tid) == g.m_procid) {
        thread_index = static_cast<int>(t);
      }
    }
    if (state == goruntime::kGrunning) {
      if (thread_index >= 0) {
        WalkRunning(binary, arch, memory, g, threads[thread_index], &goroutine);
        if (options.native_frames != nullptr) {
          InsertCallbackCFrames(binary, arch, memory, *reader, g,
                                *options.native_frames, &goroutine);
        }
      } else {
        goroutine.set_stop_detail("running on another thread");
      }
      visit_with_defers(g);
      continue;
    }
    const bool in_syscall = state == goruntime::kGsyscall;
    if (in_syscall && options.native_frames != nullptr && thread_index >= 0) {
      for (Frame& f : InterruptedCFrames(binary, arch, memory, *reader, g,
                                         threads[thread_index], thread_index,
                                         *options.native_frames)) {
        goroutine.add_frames()->Swap(&f);
      }
    }
    WalkEnd end = AppendWalk(
        binary, arch, memory,
        {in_syscall ? g.syscall_pc : g.sched_pc,
         in_syscall ? g.syscall_sp : g.sched_sp, in_syscall ? 0 : g.sched_lr,
         /*trap=*/false, FRAME_SOURCE_GOROUTINE_SCHED},
        goroutine.mutable_frames());
    goroutine.set_stop_reason(end.reason);
    goroutine.set_stop_detail(end.detail);
    visit_with_defers(g);
  }
  return absl::OkStatus();
}

}  // namespace gentrace::traceback
