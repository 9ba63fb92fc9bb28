// gentrace core --threads: each thread's Go frames from its registers.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "proto/convert.h"
#include "proto/gentrace.pb.h"
#include "symtab/binary.h"
#include "unwind/core_file.h"
#include "unwind/go_unwinder.h"

namespace gentrace::cli {
namespace {

StopReason ToProto(unwind::StopReason reason) {
  switch (reason) {
    case unwind::StopReason::kNone:
      return STOP_REASON_UNSPECIFIED;
    case unwind::StopReason::kTopOfStack:
      return STOP_REASON_TOP_OF_STACK;
    case unwind::StopReason::kUnknownPc:
      return STOP_REASON_UNKNOWN_PC;
    case unwind::StopReason::kUnreadableMemory:
      return STOP_REASON_UNREADABLE_MEMORY;
    case unwind::StopReason::kSpWrite:
      return STOP_REASON_SPWRITE;
    case unwind::StopReason::kFrameLimit:
      return STOP_REASON_FRAME_LIMIT;
    case unwind::StopReason::kNoProgress:
      return STOP_REASON_NO_PROGRESS;
    case unwind::StopReason::kCorruptMetadata:
      return STOP_REASON_CORRUPT_METADATA;
  }
  return STOP_REASON_UNSPECIFIED;
}

// One thread's walk as a Thread message, frames symbolized.
Thread UnwindThread(const symtab::Binary& binary, const unwind::CoreFile& core,
                    const unwind::CoreThread& core_thread) {
  Thread thread;
  thread.set_tid(core_thread.tid);
  const unwind::ArchInfo& arch = core.arch();
  std::optional<uint64_t> pc = core_thread.registers.Pc(arch);
  std::optional<uint64_t> sp = core_thread.registers.Sp(arch);
  if (!pc || !sp) {
    thread.set_stop_reason(STOP_REASON_UNREADABLE_MEMORY);
    thread.set_stop_detail("the core has no pc or sp for this thread");
    return thread;
  }
  unwind::GoUnwinder unwinder(binary.pclntab(), arch, core);
  unwinder.Start(*pc, *sp, core_thread.registers.Lr(arch), /*trap=*/true);
  std::vector<symtab::SourceFrame> frames;
  for (bool first = true; unwinder.valid(); unwinder.Next(), first = false) {
    const unwind::GoFrame& f = unwinder.frame();
    Frame* frame = thread.add_frames();
    frame->set_pc(f.pc);
    frame->set_sp(f.sp);
    frame->set_fp(f.fp);
    frame->set_entry(f.entry);
    frame->set_func_id(gentrace::ToProto(f.func_id));
    frame->set_func_flags(f.flags);
    frame->set_trap(f.exact_pc);
    frame->set_source(first                ? FRAME_SOURCE_REGISTERS
                      : f.lr_from_register ? FRAME_SOURCE_LINK_REGISTER
                                           : FRAME_SOURCE_PCSP);
    // A return address is symbolized at the call (pc-1).
    const uint64_t lookup = f.exact_pc || f.pc == f.entry ? f.pc : f.pc - 1;
    frames.clear();
    if (binary.Symbolize(lookup, &frames).ok()) {
      for (const symtab::SourceFrame& s : frames) {
        gentrace::ToProto(s, frame->add_locations());
      }
    }
  }
  thread.set_stop_reason(ToProto(unwinder.stop_reason()));
  thread.set_stop_detail(unwinder.stop_detail());
  return thread;
}

void AppendText(const Thread& thread, std::string* out) {
  absl::StrAppend(out, "thread ", thread.tid(), ":\n");
  for (const Frame& frame : thread.frames()) {
    bool physical_line = true;
    for (int i = 0; i < frame.locations_size(); ++i) {
      const Location& loc = frame.locations(i);
      const bool last = i + 1 == frame.locations_size();
      absl::StrAppend(out, "  ", loc.function(), "\n      ", loc.file(), ":",
                      loc.line());
      if (last) {
        absl::StrAppend(out, " fp=0x", absl::Hex(frame.fp()), " sp=0x",
                        absl::Hex(frame.sp()), " pc=0x", absl::Hex(frame.pc()));
        physical_line = false;
      } else {
        absl::StrAppend(out, " (inlined)");
      }
      absl::StrAppend(out, "\n");
    }
    if (physical_line) {
      absl::StrAppend(out, "  ? fp=0x", absl::Hex(frame.fp()), " sp=0x",
                      absl::Hex(frame.sp()), " pc=0x", absl::Hex(frame.pc()),
                      "\n");
    }
  }
  absl::StrAppend(out, "  stop: ", StopReason_Name(thread.stop_reason()),
                  thread.stop_detail().empty() ? "" : ": ",
                  thread.stop_detail(), "\n\n");
}

}  // namespace

absl::Status RunCore(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary", "core", "format",
                                          "threads"};
  constexpr absl::string_view kFormats[] = {"text", "json"};
  absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags, kFormats);
  if (!input.ok()) return input.status();
  if (!input->args.Has("threads")) {
    return absl::InvalidArgumentError(
        "only --threads is implemented: each thread's Go frames from its "
        "registers (goroutines come with the goroutine view)");
  }
  absl::StatusOr<std::string> core_path = input->args.Required("core");
  if (!core_path.ok()) return core_path.status();
  absl::StatusOr<std::unique_ptr<unwind::CoreFile>> core =
      unwind::CoreFile::Open(*core_path);
  if (!core.ok()) return core.status();
  const symtab::Binary& binary = *input->binary;
  if ((*core)->arch().goarch != binary.goarch()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the core is ", (*core)->arch().goarch,
                     " but the binary is ", binary.goarch()));
  }
  (*core)->AttachExecutable(&binary.elf());

  Trace trace;
  *trace.add_modules() = ModuleOf(binary);
  for (const unwind::CoreThread& thread : (*core)->threads()) {
    *trace.add_threads() = UnwindThread(binary, **core, thread);
  }
  std::string out;
  if (input->format == "json") {
    absl::StatusOr<std::string> json = ToJsonLine(trace);
    if (!json.ok()) return json.status();
    out = *json + "\n";
  } else {
    for (const Thread& thread : trace.threads()) AppendText(thread, &out);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return absl::OkStatus();
}

}  // namespace gentrace::cli
