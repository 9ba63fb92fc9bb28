#include "cli/thread_output.h"

#include "absl/strings/str_cat.h"
#include "proto/walk.h"

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
  WalkEnd end = AppendWalk(
      binary, arch, memory,
      {*pc, *sp, registers.Lr(arch), /*trap=*/true, FRAME_SOURCE_REGISTERS},
      thread.mutable_frames());
  thread.set_stop_reason(end.reason);
  thread.set_stop_detail(end.detail);
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
