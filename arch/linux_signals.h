#ifndef GENTRACE_ARCH_LINUX_SIGNALS_H_
#define GENTRACE_ARCH_LINUX_SIGNALS_H_

#include <cstdint>
#include <string>

#include "arch/arch.h"

namespace gentrace::arch {

// The name the Go runtime gives Linux signal `sig` on `arch` in its crash
// reports ("SIGSEGV: segmentation violation"; "signal 40" for a real-time
// signal), as its sigtable spells it; "" for a number past the table, which
// the runtime prints in hex. MIPS Linux numbers its signals apart from the
// other ports (SIGBUS is 10 there, 7 elsewhere) and has 128.
std::string LinuxSignalName(const ArchInfo& arch, uint32_t sig);

// Whether the signal carries a fault address the runtime prints (SIGSEGV,
// SIGBUS).
bool IsFaultSignal(const ArchInfo& arch, uint32_t sig);

// Whether the runtime prints the bytes at the pc of the signal (SIGILL,
// SIGFPE).
bool IsInstructionSignal(const ArchInfo& arch, uint32_t sig);

// Whether it is SIGQUIT, the signal a crashing runtime relays to its other
// Ms so that each prints its stack.
bool IsRelaySignal(const ArchInfo& arch, uint32_t sig);

// Where a Linux siginfo keeps si_code (after si_signo and si_errno, which
// MIPS swaps) and si_addr, or for a signal sent by kill(2) si_pid (the
// union's first field either way).
int SiginfoCodeOffset(const ArchInfo& arch);
int SiginfoAddrOffset(const ArchInfo& arch);
int SiginfoSenderOffset(const ArchInfo& arch);

// si_code of a signal sent by kill(2) (SI_USER), on every port.
inline constexpr int32_t kSignalFromKill = 0;

}  // namespace gentrace::arch

#endif  // GENTRACE_ARCH_LINUX_SIGNALS_H_
