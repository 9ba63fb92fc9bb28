#include "arch/linux_signals.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace gentrace::arch {
namespace {

// The runtime's sigtab_linux_generic.go and sigtab_linux_mipsx.go, signals
// 0-31 (from 32 on every name is "signal N"), unchanged from Go 1.13 to
// 1.27.
constexpr absl::string_view kGenericNames[32] = {
    "SIGNONE: no trap",
    "SIGHUP: terminal line hangup",
    "SIGINT: interrupt",
    "SIGQUIT: quit",
    "SIGILL: illegal instruction",
    "SIGTRAP: trace trap",
    "SIGABRT: abort",
    "SIGBUS: bus error",
    "SIGFPE: floating-point exception",
    "SIGKILL: kill",
    "SIGUSR1: user-defined signal 1",
    "SIGSEGV: segmentation violation",
    "SIGUSR2: user-defined signal 2",
    "SIGPIPE: write to broken pipe",
    "SIGALRM: alarm clock",
    "SIGTERM: termination",
    "SIGSTKFLT: stack fault",
    "SIGCHLD: child status has changed",
    "SIGCONT: continue",
    "SIGSTOP: stop, unblockable",
    "SIGTSTP: keyboard stop",
    "SIGTTIN: background read from tty",
    "SIGTTOU: background write to tty",
    "SIGURG: urgent condition on socket",
    "SIGXCPU: cpu limit exceeded",
    "SIGXFSZ: file size limit exceeded",
    "SIGVTALRM: virtual alarm clock",
    "SIGPROF: profiling alarm clock",
    "SIGWINCH: window size change",
    "SIGIO: i/o now possible",
    "SIGPWR: power failure restart",
    "SIGSYS: bad system call",
};
constexpr absl::string_view kMipsNames[32] = {
    "SIGNONE: no trap",
    "SIGHUP: terminal line hangup",
    "SIGINT: interrupt",
    "SIGQUIT: quit",
    "SIGILL: illegal instruction",
    "SIGTRAP: trace trap",
    "SIGABRT: abort",
    "SIGEMT",
    "SIGFPE: floating-point exception",
    "SIGKILL: kill",
    "SIGBUS: bus error",
    "SIGSEGV: segmentation violation",
    "SIGSYS: bad system call",
    "SIGPIPE: write to broken pipe",
    "SIGALRM: alarm clock",
    "SIGTERM: termination",
    "SIGUSR1: user-defined signal 1",
    "SIGUSR2: user-defined signal 2",
    "SIGCHLD: child status has changed",
    "SIGPWR: power failure restart",
    "SIGWINCH: window size change",
    "SIGURG: urgent condition on socket",
    "SIGIO: i/o now possible",
    "SIGSTOP: stop, unblockable",
    "SIGTSTP: keyboard stop",
    "SIGCONT: continue",
    "SIGTTIN: background read from tty",
    "SIGTTOU: background write to tty",
    "SIGVTALRM: virtual alarm clock",
    "SIGPROF: profiling alarm clock",
    "SIGXCPU: cpu limit exceeded",
    "SIGXFSZ: file size limit exceeded",
};

}  // namespace

std::string LinuxSignalName(const ArchInfo& arch, uint32_t sig) {
  const bool mips = arch.instruction_set == InstructionSet::kMips;
  const uint32_t count = mips ? 129 : 65;
  if (sig >= count) return "";
  if (sig >= 32) return absl::StrCat("signal ", sig);
  return std::string(mips ? kMipsNames[sig] : kGenericNames[sig]);
}

bool IsFaultSignal(const ArchInfo& arch, uint32_t sig) {
  const bool mips = arch.instruction_set == InstructionSet::kMips;
  return sig == 11 || sig == (mips ? 10u : 7u);
}

int SiginfoCodeOffset(const ArchInfo& arch) {
  return arch.instruction_set == InstructionSet::kMips ? 4 : 8;
}

int SiginfoAddrOffset(const ArchInfo& arch) {
  return arch.ptr_size == 8 ? 16 : 12;
}

}  // namespace gentrace::arch
