#ifndef GENTRACE_TRACEBACK_NATIVE_FRAMES_H_
#define GENTRACE_TRACEBACK_NATIVE_FRAMES_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/types/span.h"
#include "symtab/binary.h"
#include "symtab/native_modules.h"
#include "target/target.h"
#include "traceback/frame.h"
#include "traceback/goroutines.h"
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

// C frames of a Go program from a register state, for stitching into its
// goroutines (GoroutineReadOptions::native_frames): libunwind's CFI
// interpreter over the target's memory (a core's text from the attached
// executable) with the executable's .eh_frame_hdr (amd64 targets on an
// amd64 host); named from the target's file mappings (the executable from
// `binary`, wherever the target says it was), or from the executable alone
// when the target lists no mappings (qemu-user cores).
class TargetNativeFrames : public NativeFrameSource {
 public:
  // Both must outlive this object; `binary` is attached to `target`.
  TargetNativeFrames(const target::Target& target,
                     const symtab::Binary& binary);
  std::vector<Frame> FromRegisters(
      int thread, absl::Span<const unwind::NativeRegister> registers,
      bool pc_is_return) const override;

 private:
  static constexpr int kMaxFrames = 256;
  const target::Target& target_;
  std::optional<unwind::NativeUnwindTable> table_;
  symtab::NativeModules modules_;
};

}  // namespace gentrace::traceback

#endif  // GENTRACE_TRACEBACK_NATIVE_FRAMES_H_
