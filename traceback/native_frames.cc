#include "traceback/native_frames.h"

namespace gentrace::traceback {

Thread NativeThread(int64_t tid, absl::Span<const unwind::NativeFrame> frames,
                    const symtab::NativeModules& modules, bool first_is_exact,
                    size_t frame_limit) {
  Thread thread;
  thread.tid = tid;
  thread.frames.reserve(frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    Frame& frame = thread.frames.emplace_back();
    frame.pc = frames[i].pc;
    frame.sp = frames[i].sp;
    frame.source = FrameSource::kNative;
    frame.trap = i == 0 && first_is_exact;
    const symtab::NativeModules::Location at =
        modules.Locate(frames[i].pc, frame.trap);
    frame.locations.push_back({at.function.empty() ? "??" : at.function,
                               at.file.empty() ? at.module : at.file, at.line});
  }
  thread.stop.reason = frames.size() >= frame_limit
                           ? unwind::StopReason::kFrameLimit
                           : unwind::StopReason::kTopOfStack;
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
  return NativeThread(0, *frames, modules_,
                      /*first_is_exact=*/!pc_is_return, kMaxFrames)
      .frames;
}

}  // namespace gentrace::traceback
