#ifndef GENTRACE_UNWIND_SIGNAL_FRAME_H_
#define GENTRACE_UNWIND_SIGNAL_FRAME_H_

#include <cstdint>
#include <optional>

#include "arch/arch.h"
#include "arch/registers.h"
#include "symtab/address_space.h"

namespace gentrace::unwind {

// The registers a signal interrupted, as the kernel saved them.
struct InterruptedRegisters {
  uint64_t pc = 0;
  uint64_t sp = 0;
  uint64_t lr = 0;  // 0 without a link register
};

// Where the registers of the ucontext at `ucontext` lie, from which
// arch::SignalContextLayout's offsets count: the ucontext itself, or where
// it points (ppc64); nullopt when that pointer is unreadable.
std::optional<uint64_t> SignalRegistersBase(const arch::ArchInfo& arch,
                                            const symtab::AddressSpace& memory,
                                            uint64_t ucontext);

// Reads them from the ucontext at `ucontext` (runtime.sigtrampgo's `ctx`
// argument); nullopt if any read fails.
std::optional<InterruptedRegisters> ReadSignalContext(
    const arch::ArchInfo& arch, const symtab::AddressSpace& memory,
    uint64_t ucontext);

// The registers the ucontext holds, by name: the pc, SP and LR, and all
// the general registers where the architecture's table describes their
// order (arch::SignalContextLayout); those unreadable are left unset.
arch::Registers ReadSignalContextRegisters(const arch::ArchInfo& arch,
                                           const symtab::AddressSpace& memory,
                                           uint64_t ucontext);

}  // namespace gentrace::unwind

#endif  // GENTRACE_UNWIND_SIGNAL_FRAME_H_
