#ifndef GENTRACE_UNWIND_NATIVE_UNWINDER_H_
#define GENTRACE_UNWIND_NATIVE_UNWINDER_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "arch/arch.h"
#include "arch/registers.h"
#include "symtab/address_space.h"
#include "symtab/elf_file.h"

namespace gentrace::unwind {

// One native (C, C++) frame as libunwind found it.
struct NativeFrame {
  // The frame's pc: the interrupted instruction for the first frame, a
  // return address for the others (look those up at pc-1).
  uint64_t pc = 0;
  uint64_t sp = 0;
};

// The calling thread's native frames (host architecture), through
// libunwind's local unwinder: from `signal_context` (the ucontext_t a
// signal handler received) or, if null, from the caller of this function.
// Async-signal-safe: writes into `frames`, allocates nothing, takes no
// lock of its own. Returns the number of frames written.
int UnwindLocalNative(void* signal_context, absl::Span<NativeFrame> frames);

// The same frames' pcs only, through libunwind's fast trace (unw_backtrace,
// which skips re-reading unwind tables for frame shapes it has seen): about
// 5 ns a frame against the cursor's 400 (bench/native_unwind_benchmark).
// At most 512 frames. Async-signal-safe likewise.
int BacktraceLocalNative(const void* signal_context, absl::Span<uint64_t> pcs);

// A thread of another process, attached and stopped with ptrace
// (libunwind-ptrace). At most `max_frames`.
absl::StatusOr<std::vector<NativeFrame>> UnwindPtraceNative(pid_t tid,
                                                            int max_frames);

// A file a core's process had mapped whose bytes the core does not hold
// (text), at the address it was mapped at.
struct BackingFile {
  std::string path;
  uint64_t start = 0;
};

// A register value by libunwind's number for the host architecture
// (UNW_X86_64_RIP, ...).
struct NativeRegister {
  int number;
  uint64_t value;
};

// Thread `thread` (in note order) of an ELF core of the host architecture
// (libunwind-coredump), with `files` supplying the mapped text. (libunwind
// reads a backing file as if each segment of it started at its first byte:
// right for the unwind tables of ordinary executables and libraries, which
// sit in their first segment.)
absl::StatusOr<std::vector<NativeFrame>> UnwindCoreNative(
    const std::string& core_path, int thread,
    absl::Span<const BackingFile> files, int max_frames);

// Named registers (gdb's names) by libunwind's numbers for the host; those
// libunwind does not number are left out.
std::vector<NativeRegister> NativeRegistersOf(const arch::Registers& registers);

// Whether UnwindMemoryNative can walk `arch`'s C frames: libunwind unwinds
// the host's architecture only, and its table search over foreign memory
// is wired here for x86-64.
bool CanUnwindMemoryNative(const arch::ArchInfo& arch);

// Where a loaded ELF object keeps its unwind tables, at run-time
// addresses: the .eh_frame_hdr search table and the text it covers.
struct NativeUnwindTable {
  uint64_t text_start = 0;
  uint64_t text_end = 0;
  uint64_t eh_frame_hdr = 0;
};

// The unwind table of an ELF object loaded `load_bias` above its own
// addresses: its .eh_frame_hdr and its executable segments' span; nullopt
// without .eh_frame_hdr.
std::optional<NativeUnwindTable> NativeUnwindTableOf(const symtab::ElfFile& elf,
                                                     uint64_t load_bias);

// x86-64 native frames (CanUnwindMemoryNative) over any memory (a core, a
// capture, with its executable's bytes), from `registers`, with libunwind's
// DWARF CFI interpreter; the tables say where each object's .eh_frame_hdr
// is. Registers not given read as 0. At most `max_frames`.
absl::StatusOr<std::vector<NativeFrame>> UnwindMemoryNative(
    const symtab::AddressSpace& memory,
    absl::Span<const NativeUnwindTable> tables,
    absl::Span<const NativeRegister> registers, int max_frames);

// Just a pc and SP, by libunwind's numbers for the host (enough to unwind
// C code whose frames are found from SP, as most compiled code's are).
std::vector<NativeRegister> NativePcSp(uint64_t pc, uint64_t sp);

}  // namespace gentrace::unwind

#endif  // GENTRACE_UNWIND_NATIVE_UNWINDER_H_
