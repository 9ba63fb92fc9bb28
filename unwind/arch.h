#ifndef GENTRACE_UNWIND_ARCH_H_
#define GENTRACE_UNWIND_ARCH_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "symtab/byte_reader.h"

namespace gentrace::unwind {

// Where a Linux signal handler's ucontext (the third argument of
// runtime.sigtrampgo) keeps the interrupted pc, sp and link register: byte
// offsets of `value_size`-byte values, from the ucontext itself or, when
// `registers_pointer` >= 0, from the pointer stored there (ppc64's
// uc_mcontext.regs). From the runtime's defs_linux_<arch>.go.
struct SignalContextLayout {
  int registers_pointer;
  int pc;
  int sp;
  int lr;  // -1 without a link register
  int value_size;
};

// One Go architecture as data: what the unwinder needs to know about frames,
// and how registers are named (as gdb-multiarch names them, so a capture
// recorded with gdb loads as is) and laid out in an ELF core's NT_PRSTATUS.
struct ArchInfo {
  absl::string_view goarch;  // "arm64"
  uint16_t elf_machine;
  int ptr_size;
  symtab::ByteOrder byte_order;
  // Link-register architectures (MinFrameSize > 0): a call leaves the return
  // address in a register; a non-leaf function saves it at 0(SP) of its own
  // frame. Elsewhere CALL pushes it.
  bool uses_lr;
  int min_frame_size;
  int stack_align;
  int pc_quantum;
  absl::string_view pc;
  absl::string_view sp;
  absl::string_view lr;  // empty without a link register
  absl::string_view fp;  // the Go frame pointer register; empty if none
  // NT_PRSTATUS: where pr_reg starts in the note's descriptor, how wide each
  // slot is, and which register each slot holds (empty: not one we name).
  int prstatus_pid_offset;
  int prstatus_regs_offset;
  int prstatus_slot_size;
  absl::Span<const absl::string_view> prstatus_slots;
  SignalContextLayout signal_context;
};

// The table, one row per GOARCH.
absl::Span<const ArchInfo> AllArches();
const ArchInfo* ArchByGoarch(absl::string_view goarch);

}  // namespace gentrace::unwind

#endif  // GENTRACE_UNWIND_ARCH_H_
