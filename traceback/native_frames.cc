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

absl::StatusOr<std::unique_ptr<unwind::MemoryNativeUnwinder>> NativeUnwinderOf(
    const target::Target& target, const symtab::NativeModules& modules) {
  std::vector<unwind::NativeObject> objects;
  for (symtab::NativeModules::Module& module : modules.modules()) {
    objects.push_back({std::move(module.path), module.load_bias});
  }
  return unwind::MemoryNativeUnwinder::Create(target.arch(), target.memory(),
                                              objects);
}

absl::StatusOr<std::unique_ptr<TargetNativeFrames>> TargetNativeFrames::Create(
    const target::Target& target, const symtab::Binary& binary) {
  std::unique_ptr<TargetNativeFrames> native(new TargetNativeFrames());
  // The executable is named from `binary`, wherever it was when it ran (its
  // mappings are those of the file holding its entry point).
  const uint64_t entry = binary.elf().entry() + target.load_bias();
  std::string executable_path;
  for (const target::FileMapping& m : target.file_mappings()) {
    if (entry >= m.start && entry < m.end) executable_path = m.path;
  }
  for (const target::FileMapping& m : target.file_mappings()) {
    native->modules_.AddMapping(
        m.path == executable_path ? binary.path() : m.path, m.start, m.end,
        m.file_offset);
  }
  if (target.file_mappings().empty()) {
    native->modules_.Add(binary.path(), 0, UINT64_MAX, target.load_bias());
  }
  absl::StatusOr<std::unique_ptr<unwind::MemoryNativeUnwinder>> unwinder =
      NativeUnwinderOf(target, native->modules_);
  if (!unwinder.ok()) return unwinder.status();
  native->unwinder_ = std::move(*unwinder);
  return native;
}

std::vector<Frame> TargetNativeFrames::FromRegisters(
    const arch::Registers& registers, bool pc_is_return) const {
  absl::StatusOr<std::vector<unwind::NativeFrame>> frames =
      unwinder_->Unwind(registers, kMaxFrames);
  if (!frames.ok()) return {};
  return NativeThread(0, *frames, modules_,
                      /*first_is_exact=*/!pc_is_return, kMaxFrames)
      .frames;
}

}  // namespace gentrace::traceback
