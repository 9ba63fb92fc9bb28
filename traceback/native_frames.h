#ifndef GENTRACE_TRACEBACK_NATIVE_FRAMES_H_
#define GENTRACE_TRACEBACK_NATIVE_FRAMES_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "arch/registers.h"
#include "symtab/binary.h"
#include "symtab/native_modules.h"
#include "target/target.h"
#include "traceback/frame.h"
#include "traceback/goroutines.h"
#include "unwind/memory_native_unwinder.h"
#include "unwind/native_unwinder.h"

namespace gentrace::traceback {

// Native frames as a Thread, each named from `modules` (looked up at pc-1
// but for the first when `first_is_exact`); the walk ended at the top, or
// at the frame limit when there are `frame_limit` of them.
Thread NativeThread(int64_t tid, absl::Span<const unwind::NativeFrame> frames,
                    const symtab::NativeModules& modules, bool first_is_exact,
                    size_t frame_limit);

// The modules a program's file mappings place.
symtab::NativeModules NativeModulesOf(
    absl::Span<const target::FileMapping> mappings);

// The native unwinder over `target`'s memory with the unwind tables of
// `modules` (which must outlive it, as the target must).
absl::StatusOr<std::unique_ptr<unwind::MemoryNativeUnwinder>> NativeUnwinderOf(
    const target::Target& target, const symtab::NativeModules& modules);

// C frames of a Go program from a register state, for stitching into its
// goroutines (GoroutineReadOptions::native_frames): libdwfl's unwinder over
// the target's memory (a core's text from the attached executable), with
// the unwind tables of the files the target had mapped (the executable
// from `binary`, wherever the target says it was; shared libraries from
// their paths), and named from them. A target that lists no mappings
// (qemu-user cores) has the executable alone.
class TargetNativeFrames : public NativeFrameSource {
 public:
  // Fails where no native unwinder serves the target's architecture.
  // Both must outlive the object; `binary` is attached to `target`.
  static absl::StatusOr<std::unique_ptr<TargetNativeFrames>> Create(
      const target::Target& target, const symtab::Binary& binary);
  std::vector<Frame> FromRegisters(const arch::Registers& registers,
                                   bool pc_is_return) const override;

 private:
  TargetNativeFrames() = default;

  static constexpr int kMaxFrames = 256;
  symtab::NativeModules modules_;
  std::unique_ptr<unwind::MemoryNativeUnwinder> unwinder_;
};

}  // namespace gentrace::traceback

#endif  // GENTRACE_TRACEBACK_NATIVE_FRAMES_H_
