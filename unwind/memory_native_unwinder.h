#ifndef GENTRACE_UNWIND_MEMORY_NATIVE_UNWINDER_H_
#define GENTRACE_UNWIND_MEMORY_NATIVE_UNWINDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "arch/arch.h"
#include "arch/registers.h"
#include "symtab/address_space.h"
#include "unwind/native_unwinder.h"

namespace gentrace::unwind {

// An ELF file the program had loaded: where to read its unwind tables
// (.eh_frame, .debug_frame), and how far above its own addresses it ran.
struct NativeObject {
  std::string path;
  uint64_t load_bias = 0;
};

// Native (C, C++) frames over a stopped program's memory (a core, a live
// process, a capture) of any architecture elfutils' libdwfl has an
// unwinder for (its backends: x86-64, i386, AArch64, ARM, PowerPC, s390,
// RISC-V among Go's ports), with the CFI of the program's objects read from
// their files. libunwind, which gentrace uses for the crash handler's own
// thread, unwinds the host's architecture only.
//
// Thread-safe; the objects' files are opened once.
class MemoryNativeUnwinder {
 public:
  // Fails when `arch` names no DWARF registers here or libdwfl has no
  // unwinder for it, or when none of `objects` opens. `memory` must outlive
  // the unwinder.
  static absl::StatusOr<std::unique_ptr<MemoryNativeUnwinder>> Create(
      const arch::ArchInfo& arch, const symtab::AddressSpace& memory,
      absl::Span<const NativeObject> objects);
  ~MemoryNativeUnwinder();
  MemoryNativeUnwinder(const MemoryNativeUnwinder&) = delete;
  MemoryNativeUnwinder& operator=(const MemoryNativeUnwinder&) = delete;

  // The frames from `registers` (those unset read as unknown), the first at
  // their pc; at most `max_frames`.
  absl::StatusOr<std::vector<NativeFrame>> Unwind(
      const arch::Registers& registers, int max_frames) const;

  // What libdwfl's callbacks reach (defined with them).
  struct Session;

 private:
  MemoryNativeUnwinder() = default;

  std::unique_ptr<Session> session_;
  // libdwfl keeps one thread state per session: one walk at a time.
  mutable absl::Mutex mu_;
};

}  // namespace gentrace::unwind

#endif  // GENTRACE_UNWIND_MEMORY_NATIVE_UNWINDER_H_
