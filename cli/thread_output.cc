#include "cli/thread_output.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "proto/convert.h"
#include "unwind/go_unwinder.h"

namespace gentrace::cli {

Thread UnwindRegisters(const symtab::Binary& binary,
                       const unwind::ArchInfo& arch,
                       const symtab::AddressSpace& memory,
                       const unwind::Registers& registers) {
  Thread thread;
  std::optional<uint64_t> pc = registers.Pc(arch);
  std::optional<uint64_t> sp = registers.Sp(arch);
  if (!pc || !sp) {
    thread.set_stop_reason(STOP_REASON_UNREADABLE_MEMORY);
    thread.set_stop_detail("no pc or sp register");
    return thread;
  }
  unwind::GoUnwinder unwinder(binary.pclntab(), arch, memory);
  unwinder.Start(*pc, *sp, registers.Lr(arch), /*trap=*/true);
  std::vector<symtab::SourceFrame> frames;
  for (bool first = true; unwinder.valid(); unwinder.Next(), first = false) {
    const unwind::GoFrame& f = unwinder.frame();
    Frame* frame = thread.add_frames();
    frame->set_pc(f.pc);
    frame->set_sp(f.sp);
    frame->set_fp(f.fp);
    frame->set_entry(f.entry);
    frame->set_func_id(ToProto(f.func_id));
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
        ToProto(s, frame->add_locations());
      }
    }
  }
  thread.set_stop_reason(ToProto(unwinder.stop_reason()));
  thread.set_stop_detail(unwinder.stop_detail());
  return thread;
}

void AppendThreadText(const Thread& thread, std::string* out) {
  if (thread.tid() != 0) absl::StrAppend(out, "thread ", thread.tid(), ":\n");
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

}  // namespace gentrace::cli
