#include "traceback/native_frames.h"

namespace gentrace::traceback {

Thread NativeThread(int64_t tid, absl::Span<const unwind::NativeFrame> frames,
                    const symtab::NativeModules& modules, bool first_is_exact,
                    size_t frame_limit) {
  Thread thread;
  thread.set_tid(tid);
  for (size_t i = 0; i < frames.size(); ++i) {
    Frame* frame = thread.add_frames();
    frame->set_pc(frames[i].pc);
    frame->set_sp(frames[i].sp);
    frame->set_source(FRAME_SOURCE_NATIVE);
    frame->set_trap(i == 0 && first_is_exact);
    const symtab::NativeModules::Location at =
        modules.Locate(frames[i].pc, frame->trap());
    Location* location = frame->add_locations();
    location->set_function(at.function.empty() ? "??" : at.function);
    location->set_file(at.file.empty() ? at.module : at.file);
    location->set_line(at.line);
  }
  thread.set_stop_reason(frames.size() >= frame_limit
                             ? STOP_REASON_FRAME_LIMIT
                             : STOP_REASON_TOP_OF_STACK);
  return thread;
}

symtab::NativeModules NativeModulesOf(
    absl::Span<const target::FileMapping> mappings) {
  symtab::NativeModules modules;
  for (const target::FileMapping& m : mappings) {
    modules.AddMapping(m.path, m.start, m.end, m.file_offset);
  }
  return modules;
}

TargetNativeFrames::TargetNativeFrames(const target::Target& target,
                                       const symtab::Binary& binary)
    : target_(target),
      table_(unwind::NativeUnwindTableOf(binary.elf(), target.load_bias())) {
  // The executable is named from `binary`, wherever it was when it ran (its
  // mappings are those of the file holding its entry point).
  const uint64_t entry = binary.elf().entry() + target.load_bias();
  std::string executable_path;
  for (const target::FileMapping& m : target.file_mappings()) {
    if (entry >= m.start && entry < m.end) executable_path = m.path;
  }
  for (const target::FileMapping& m : target.file_mappings()) {
    modules_.AddMapping(m.path == executable_path ? binary.path() : m.path,
                        m.start, m.end, m.file_offset);
  }
  // Without mappings (qemu cores): the executable only.
  if (target.file_mappings().empty()) {
    modules_.Add(binary.path(), 0, UINT64_MAX, target.load_bias());
  }
}

std::vector<Frame> TargetNativeFrames::FromRegisters(
    int /*thread*/, absl::Span<const unwind::NativeRegister> registers,
    bool pc_is_return) const {
  if (!table_) return {};
  absl::StatusOr<std::vector<unwind::NativeFrame>> frames =
      unwind::UnwindMemoryNative(target_.memory(), {&*table_, 1}, registers,
                                 kMaxFrames);
  if (!frames.ok()) return {};
  Thread named = NativeThread(0, *frames, modules_,
                              /*first_is_exact=*/!pc_is_return, kMaxFrames);
  return {named.frames().begin(), named.frames().end()};
}

}  // namespace gentrace::traceback
