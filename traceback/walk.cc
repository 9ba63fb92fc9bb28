#include "traceback/walk.h"

#include <vector>

#include "proto/convert.h"
#include "unwind/frame_arguments.h"
#include "unwind/go_unwinder.h"

namespace gentrace::traceback {

WalkEnd AppendWalk(const symtab::Binary& binary, const arch::ArchInfo& arch,
                   const symtab::AddressSpace& memory, const WalkStart& start,
                   google::protobuf::RepeatedPtrField<Frame>* frames) {
  unwind::GoUnwinder unwinder(binary.pclntab(), arch, memory);
  unwinder.Start(start.pc, start.sp, start.lr, start.trap);
  WalkEnd end;
  std::vector<symtab::SourceFrame> locations;
  for (bool first = true; unwinder.valid(); unwinder.Next(), first = false) {
    const unwind::GoFrame& f = unwinder.frame();
    Frame* frame = frames->Add();
    frame->set_pc(f.pc);
    frame->set_sp(f.sp);
    frame->set_fp(f.fp);
    frame->set_entry(f.entry);
    frame->set_func_id(ToProto(f.func_id));
    frame->set_func_flags(f.flags);
    frame->set_trap(f.exact_pc);
    frame->set_source(first                ? start.source
                      : f.lr_from_register ? FRAME_SOURCE_LINK_REGISTER
                                           : FRAME_SOURCE_PCSP);
    // As the runtime prints it: a return address at the call (pc-1).
    locations.clear();
    if (binary.Symbolize(f.trace_pc, &locations).ok()) {
      for (const symtab::SourceFrame& s : locations) {
        ToProto(s, frame->add_locations());
      }
    }
    frame->set_arguments(unwind::FrameArguments(binary.pclntab(), binary.elf(),
                                                memory, arch, f));
    if (!locations.empty() &&
        locations.back().function == "runtime.sigtrampgo") {
      // sigtrampgo(sig, info, ctx)
      std::vector<std::optional<uint64_t>> args = unwind::ArgumentValues(
          binary.pclntab(), binary.elf(), memory, arch, f);
      end.signal_handler = frames->size() - 1;
      end.signal_context = args.size() >= 3 ? args[2] : std::nullopt;
    }
  }
  end.reason = ToProto(unwinder.stop_reason());
  end.detail = unwinder.stop_detail();
  return end;
}

Thread UnwindThread(const symtab::Binary& binary, const arch::ArchInfo& arch,
                    const symtab::AddressSpace& memory,
                    const arch::Registers& registers) {
  Thread thread;
  std::optional<uint64_t> pc = registers.Pc(arch);
  std::optional<uint64_t> sp = registers.Sp(arch);
  if (!pc || !sp) {
    thread.set_stop_reason(STOP_REASON_UNREADABLE_MEMORY);
    thread.set_stop_detail("no pc or sp register");
    return thread;
  }
  traceback::WalkEnd end = traceback::AppendWalk(
      binary, arch, memory,
      {*pc, *sp, registers.Lr(arch), /*trap=*/true, FRAME_SOURCE_REGISTERS},
      thread.mutable_frames());
  thread.set_stop_reason(end.reason);
  thread.set_stop_detail(end.detail);
  return thread;
}

}  // namespace gentrace::traceback
