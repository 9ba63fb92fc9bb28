#include "traceback/walk.h"

#include <vector>

#include "unwind/frame_arguments.h"
#include "unwind/go_unwinder.h"

namespace gentrace::traceback {

WalkEnd AppendWalk(const symtab::Binary& binary, const arch::ArchInfo& arch,
                   const symtab::AddressSpace& memory,
                   const unwind::UnwindStart& start,
                   std::vector<Frame>* frames) {
  unwind::GoUnwinder unwinder(binary.pclntab(), arch, memory);
  unwinder.Start(start);
  WalkEnd end;
  std::vector<symtab::SourceFrame> locations;
  for (; unwinder.valid(); unwinder.Next()) {
    const unwind::GoFrame& f = unwinder.frame();
    Frame& frame = frames->emplace_back();
    frame.pc = f.pc;
    frame.sp = f.sp;
    frame.fp = f.fp;
    frame.entry = f.entry;
    frame.func_id = f.func_id;
    frame.func_flags = f.flags;
    frame.trap = f.exact_pc;
    frame.source = f.source;
    // As the runtime prints it: a return address at the call (pc-1).
    locations.clear();
    if (binary.Symbolize(f.trace_pc, &locations).ok()) {
      for (const symtab::SourceFrame& s : locations) {
        frame.locations.push_back(LocationOf(s));
      }
    }
    frame.arguments = unwind::FrameArguments(binary.pclntab(), binary.image(),
                                             memory, arch, f);
    if (f.signal_handler) {
      end.signal_handler = static_cast<int>(frames->size()) - 1;
    }
  }
  end.stop = {unwinder.stop_reason(), unwinder.stop_detail()};
  return end;
}

Thread UnwindThread(const symtab::Binary& binary, const arch::ArchInfo& arch,
                    const symtab::AddressSpace& memory,
                    const arch::Registers& registers) {
  Thread thread;
  std::optional<uint64_t> pc = registers.pc();
  std::optional<uint64_t> sp = registers.sp();
  if (!pc || !sp) {
    thread.stop = {unwind::StopReason::kUnreadableMemory,
                   "no pc or sp register"};
    return thread;
  }
  thread.stop = AppendWalk(binary, arch, memory,
                           {.pc = *pc,
                            .sp = *sp,
                            .lr = registers.lr(),
                            .flags = unwind::kUnwindTrap},
                           &thread.frames)
                    .stop;
  return thread;
}

}  // namespace gentrace::traceback
