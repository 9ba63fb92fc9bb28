#include "arch/linux_signals.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace gentrace::arch {
namespace {

// The runtime's sigtab_linux_generic.go and sigtab_linux_mipsx.go, signals
// 0-31 (from 32 on every name is "signal N"), unchanged from Go 1.13 to
// 1.27: each name with its number elsewhere and on MIPS (-1: none there).
struct NamedSignal {
  absl::string_view name;
  int generic;
  int mips;
};
constexpr NamedSignal kSignals[] = {
    {"SIGNONE: no trap", 0, 0},
    {"SIGHUP: terminal line hangup", 1, 1},
    {"SIGINT: interrupt", 2, 2},
    {"SIGQUIT: quit", 3, 3},
    {"SIGILL: illegal instruction", 4, 4},
    {"SIGTRAP: trace trap", 5, 5},
    {"SIGABRT: abort", 6, 6},
    {"SIGBUS: bus error", 7, 10},
    {"SIGFPE: floating-point exception", 8, 8},
    {"SIGKILL: kill", 9, 9},
    {"SIGUSR1: user-defined signal 1", 10, 16},
    {"SIGSEGV: segmentation violation", 11, 11},
    {"SIGUSR2: user-defined signal 2", 12, 17},
    {"SIGPIPE: write to broken pipe", 13, 13},
    {"SIGALRM: alarm clock", 14, 14},
    {"SIGTERM: termination", 15, 15},
    {"SIGSTKFLT: stack fault", 16, -1},
    {"SIGCHLD: child status has changed", 17, 18},
    {"SIGCONT: continue", 18, 25},
    {"SIGSTOP: stop, unblockable", 19, 23},
    {"SIGTSTP: keyboard stop", 20, 24},
    {"SIGTTIN: background read from tty", 21, 26},
    {"SIGTTOU: background write to tty", 22, 27},
    {"SIGURG: urgent condition on socket", 23, 21},
    {"SIGXCPU: cpu limit exceeded", 24, 30},
    {"SIGXFSZ: file size limit exceeded", 25, 31},
    {"SIGVTALRM: virtual alarm clock", 26, 28},
    {"SIGPROF: profiling alarm clock", 27, 29},
    {"SIGWINCH: window size change", 28, 20},
    {"SIGIO: i/o now possible", 29, 22},
    {"SIGPWR: power failure restart", 30, 19},
    {"SIGSYS: bad system call", 31, 12},
    {"SIGEMT", -1, 7},
};

bool IsMips(const ArchInfo& arch) {
  return arch.instruction_set == InstructionSet::kMips;
}

// The number of `name` on `arch`; -1 if it has none.
int Number(const ArchInfo& arch, absl::string_view name) {
  for (const NamedSignal& signal : kSignals) {
    if (signal.name == name) return IsMips(arch) ? signal.mips : signal.generic;
  }
  return -1;
}

}  // namespace

std::string LinuxSignalName(const ArchInfo& arch, uint32_t sig) {
  if (sig >= (IsMips(arch) ? 129u : 65u)) return "";
  if (sig >= 32) return absl::StrCat("signal ", sig);
  for (const NamedSignal& signal : kSignals) {
    if (static_cast<int>(sig) ==
        (IsMips(arch) ? signal.mips : signal.generic)) {
      return std::string(signal.name);
    }
  }
  return "";
}

bool IsFaultSignal(const ArchInfo& arch, uint32_t sig) {
  const int number = static_cast<int>(sig);
  return number == Number(arch, "SIGSEGV: segmentation violation") ||
         number == Number(arch, "SIGBUS: bus error");
}

bool IsInstructionSignal(const ArchInfo& arch, uint32_t sig) {
  const int number = static_cast<int>(sig);
  return number == Number(arch, "SIGILL: illegal instruction") ||
         number == Number(arch, "SIGFPE: floating-point exception");
}

bool IsRelaySignal(const ArchInfo& arch, uint32_t sig) {
  return static_cast<int>(sig) == Number(arch, "SIGQUIT: quit");
}

int SiginfoCodeOffset(const ArchInfo& arch) { return IsMips(arch) ? 4 : 8; }

int SiginfoAddrOffset(const ArchInfo& arch) {
  return arch.ptr_size == 8 ? 16 : 12;
}

int SiginfoSenderOffset(const ArchInfo& arch) {
  return SiginfoAddrOffset(arch);
}

}  // namespace gentrace::arch
