#ifndef GENTRACE_ARCH_ARCH_H_
#define GENTRACE_ARCH_ARCH_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "arch/byte_order.h"

namespace gentrace::arch {

// The instruction encodings the binary's own code is decoded in (the
// jmpdefer model): one per family, the word size from ArchInfo::ptr_size.
enum class InstructionSet {
  kX86,
  kArm,
  kArm64,
  kLoong64,
  kMips,
  kPpc64,
  kRiscv64,
  kS390x,
};

// One register of the dump the runtime prints after a signal's traceback
// (dumpregs, runtime/signal_<arch>.go): its label padded as printed
// ("rax    "), where the value sits among the registers a signal context
// saves (see SignalContextLayout), and what follows the value: a newline,
// or a tab where two share a line.
struct DumpedRegister {
  absl::string_view label;
  int offset;
  int size;
  char separator = '\n';
};

// Where a Linux signal handler's ucontext (the third argument of
// runtime.sigtrampgo) keeps the interrupted registers: byte offsets of
// `value_size`-byte values from the registers' base, which is the ucontext
// itself or, when `registers_pointer` >= 0, the pointer stored there
// (ppc64's uc_mcontext.regs). From the runtime's defs_linux_<arch>.go.
struct SignalContextLayout {
  int registers_pointer;
  int pc;
  int sp;
  int lr;  // -1 without a link register
  int value_size;
  // The general registers as the ucontext stores them, in order from
  // `general_registers` on (gdb names, an empty one for a slot not named;
  // empty where the order is not described here): what a native unwinder
  // starts from.
  int general_registers;
  absl::Span<const absl::string_view> general_register_names;
  // dumpregs' lines in its order; empty where not described here.
  absl::Span<const DumpedRegister> dumped_registers;
  // Where the ucontext keeps the register Go code holds the current g in,
  // from go1.<g_register_since_minor> on (amd64's r14 from 1.17, with the
  // register ABI; every LR machine's since before 1.13); -1 on 386, which
  // keeps g only in thread-local storage.
  int g_register;
  int g_register_since_minor;
  // Where a thread's current g lies from its thread pointer register (in
  // a signal handler: its M's gsignal): amd64's fs_base - 8. Empty where
  // not described here.
  absl::string_view thread_pointer;
  int tls_g_offset;
  // The width of sigctxt.sigcode(), the si_code the runtime prints (code=,
  // sigcode=): the int32 widened to 8 bytes on amd64 and arm64, cut to 4
  // bytes (uint32) elsewhere.
  int sigcode_size;
  // Where the fault address the runtime prints (sigctxt.fault) lies among
  // the registers (arm's and arm64's fault_address, ppc64's dar); -1 where
  // it prints the siginfo's si_addr.
  int fault_address = -1;
};

// One Go architecture as data: what the unwinder needs to know about frames,
// and how registers are named (as gdb-multiarch names them, so a capture
// recorded with gdb loads as is) and laid out in an ELF core's NT_PRSTATUS.
struct ArchInfo {
  absl::string_view goarch;  // "arm64"
  InstructionSet instruction_set;
  uint16_t elf_machine;  // with ptr_size and byte_order: the ELF file kind
  // A Mach-O file's cputype (CPU_TYPE_X86_64, CPU_TYPE_ARM64) and a PE
  // file's machine (IMAGE_FILE_MACHINE_*): 0 where Go builds no such file.
  uint32_t macho_cputype;
  uint16_t pe_machine;
  int ptr_size;
  ByteOrder byte_order;
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
  // The Go frame pointer register, empty if none; where there is one, each
  // frame keeps the caller's frame pointer word below its locals.
  absl::string_view fp;
  // Bytes below SP that a leaf function may use without moving SP (the ABI's
  // red zone), which a stack capture must include.
  int red_zone;
  // Bytes of the kernel's sigset_t (m.sigmask in the runtime's m).
  int sigset_size;
  // NT_PRSTATUS: where pr_reg starts in the note's descriptor, how wide each
  // slot is, and which register each slot holds (empty: not one we name).
  int prstatus_pid_offset;
  int prstatus_regs_offset;
  int prstatus_slot_size;
  absl::Span<const absl::string_view> prstatus_slots;
  SignalContextLayout signal_context;
  // The general registers by their DWARF numbers (the psABI's; index: the
  // number, empty: none we name), which native unwinders speak.
  absl::Span<const absl::string_view> dwarf_registers;
  // Where runtime/cgo's crosscall2 (C calling back into Go) leaves the
  // return address into its C caller: bytes from that caller's SP (x86:
  // pushed by the call; arm64 and arm: crosscall2 saves LR in its frame;
  // ppc64 and s390x: in the caller's, as their C ABIs have it); 0 where
  // not described here (loong64, MIPS, RISC-V).
  int crosscall2_return_offset = 0;
  // crosscall2's frame when it calls runtime.cgocallback, where its pcsp
  // table does not record it (arm's MOVM.WP pushes, s390x's
  // MOVD $-96(R15), R15): bytes from its SP up to its C caller's; 0 where
  // the pcsp table holds it. The same in every release from go1.13.
  int crosscall2_frame_size = 0;
  // How Breakpad names the processor (a symbol file's MODULE line, as its
  // dump_syms writes it; "unknown" where it has none) and, where its stack
  // walker takes STACK CFI rules, the stack pointer, link register and Go
  // frame pointer in them (empty: no CFI walker, no link register, no
  // frame pointer kept at a fixed place from the CFA).
  struct Breakpad {
    absl::string_view cpu;
    absl::string_view cfi_sp;
    absl::string_view cfi_lr;
    absl::string_view cfi_fp;
  } breakpad;
  // A minidump's processor (MDRawSystemInfo's processor_architecture; the
  // second for Breakpad's older arm64 code) and its thread context: the
  // general registers, named as in prstatus_slots, `register_size` bytes
  // each from `first_register` on ("" where the layout has another field;
  // MIPS keeps 64 bits a register on o32 too, of which the low half is
  // the register). No registers: gentrace reads no minidump of this
  // architecture.
  struct Minidump {
    uint32_t cpu = 0;
    uint32_t old_cpu = 0;
    uint32_t first_register = 0;
    uint32_t register_size = 0;
    absl::Span<const absl::string_view> registers;
  } minidump;
};

// The table, one row per GOARCH.
absl::Span<const ArchInfo> AllArches();
const ArchInfo* ArchByGoarch(absl::string_view goarch);
// The architecture of an ELF file: its e_machine, word size (4 or 8) and
// byte order; nullptr if no Go port builds such files.
const ArchInfo* ArchByElf(uint16_t machine, int ptr_size, ByteOrder order);
// The row for a Mach-O cputype or a PE machine; nullptr if none.
const ArchInfo* ArchByMachOCpu(uint32_t cputype);
const ArchInfo* ArchByPeMachine(uint16_t machine);
// The architecture this program was built for; nullptr on a host no Go
// port runs on. The one place the host is chosen.
const ArchInfo* HostArch();

}  // namespace gentrace::arch

#endif  // GENTRACE_ARCH_ARCH_H_
