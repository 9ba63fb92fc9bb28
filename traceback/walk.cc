#include "traceback/walk.h"

#include <vector>

#include "unwind/frame_arguments.h"
#include "unwind/go_unwinder.h"

namespace gentrace::traceback {

WalkEnd AppendWalk(const symtab::Binary& binary, const arch::ArchInfo& arch,
                   const symtab::AddressSpace& memory, const WalkStart& start,
                   std::vector<Frame>* frames) {
  unwind::GoUnwinder unwinder(binary.pclntab(), arch, memory);
  unwinder.Start(start.pc, start.sp, start.lr, start.trap);
  WalkEnd end;
  std::vector<symtab::SourceFrame> locations;
  for (bool first = true; unwinder.valid(); unwinder.Next(), first = false) {
    const unwind::GoFrame& f = unwinder.frame();
    Frame& frame = frames->emplace_back();
    frame.pc = f.pc;
    frame.sp = f.sp;
    frame.fp = f.fp;
    frame.entry = f.entry;
    frame.func_id = f.func_id;
    frame.func_flags = f.flags;
    frame.trap = f.exact_pc;
    frame.source = first                ? start.source
                   : f.lr_from_register ? FrameSource::kLinkRegister
                                        : FrameSource::kPcsp;
    // As the runtime prints it: a return address at the call (pc-1).
    locations.clear();
    if (binary.Symbolize(f.trace_pc, &locations).ok()) {
      frame.locations.reserve(locations.size());
      for (const symtab::SourceFrame& s : locations) {
        frame.locations.push_back(LocationOf(s));
      }
    }
    frame.arguments =
        unwind::FrameArguments(binary.pclntab(), binary.elf(), memory, arch, f);
    if (!locations.empty() &&
        locations.back().function == "runtime.sigtrampgo") {
      // sigtrampgo(sig, info, ctx)
      std::vector<std::optional<uint64_t>> args = unwind::ArgumentValues(
          binary.pclntab(), binary.elf(), memory, arch, f);
      end.signal_handler = static_cast<int>(frames->size()) - 1;
      end.signal_context = args.size() >= 3 ? args[2] : std::nullopt;
    }
  }
  end.stop = {unwinder.stop_reason(), unwinder.stop_detail()};
  return end;
}

Thread UnwindThread(const symtab::Binary& binary, const arch::ArchInfo& arch,
                    const symtab::AddressSpace& memory,
                    const arch::Registers& registers) {
  Thread thread;
  std::optional<uint64_t> pc = registers.Pc(arch);
  std::optional<uint64_t> sp = registers.Sp(arch);
  if (!pc || !sp) {
    thread.stop = {unwind::StopReason::kUnreadableMemory,
                   "no pc or sp register"};
    return thread;
  }
  thread.stop = AppendWalk(binary, arch, memory,
                           {*pc, *sp, registers.Lr(arch), /*trap=*/true,
                            FrameSource::kRegisters},
                           &thread.frames)
                    .stop;
  return thread;
}

}  // namespace gentrace::traceback
