#ifndef GENTRACE_GORUNTIME_GOROUTINES_H_
#define GENTRACE_GORUNTIME_GOROUTINES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "arch/arch.h"
#include "goruntime/runtime_layout.h"
#include "symtab/address_space.h"
#include "symtab/binary.h"

namespace gentrace::goruntime {

// g.atomicstatus values (runtime/runtime2.go).
enum GoroutineStatus : uint32_t {
  kGidle = 0,
  kGrunnable = 1,
  kGrunning = 2,
  kGsyscall = 3,
  kGwaiting = 4,
  kGdead = 6,
  kGcopystack = 8,
  kGpreempted = 9,
  kGleaked = 10,     // 1.26+: found leaked by the GC
  kGdeadextra = 11,  // 1.26+: dead, kept for an extra M (cgo callbacks)
  kGscan = 0x1000,
};

// What one runtime `g` says about its goroutine.
struct Goroutine {
  uint64_t address = 0;  // of the g
  int64_t goid = 0;
  uint32_t status = 0;  // with kGscan when a scan owns it
  uint8_t wait_reason = 0;
  int64_t wait_since = 0;
  uint64_t stack_lo = 0, stack_hi = 0;
  uint64_t sched_pc = 0, sched_sp = 0, sched_lr = 0;
  uint64_t syscall_pc = 0, syscall_sp = 0;
  uint64_t m = 0;          // the M running it, 0 if none
  uint64_t m_procid = 0;   // that M's OS thread id
  int64_t m_id = 0;        // and its runtime id
  uint64_t m_gsignal = 0;  // that M's signal-handling g
  uint64_t m_g0 = 0;       // and its scheduler g
  uint64_t m_curg = 0;     // and the goroutine it runs
  bool m_incgo = false;    // whether that M is in a cgo call
  uint64_t locked_m = 0;
  uint64_t go_pc = 0;  // the `go` statement that created it
  uint64_t start_pc = 0;
  int64_t parent_goid = 0;  // 1.21+; 0 when unknown
  uint64_t ancestors = 0;   // g.ancestors (*[]ancestorInfo); 0 if none
  // The signal that became its panic (g.sig; 0 if none), its siginfo's
  // si_code and si_addr, and the pc it interrupted.
  uint32_t sig = 0;
  uint64_t sigcode0 = 0, sigcode1 = 0, sigpc = 0;
};

// One of a goroutine's recorded ancestors (GODEBUG=tracebackancestors): a
// goroutine on the path of `go` statements that led to it.
struct GoroutineAncestor {
  int64_t goid = 0;
  uint64_t go_pc = 0;         // the `go` statement that created it
  std::vector<uint64_t> pcs;  // its stack when it ran the `go` statement
};

// Reads the goroutines of a Go program from its memory (a core, a live
// process): runtime.allgs, each g's fields by the release's layout.
//
// Thread-safe after Create. Not async-signal-safe.
class GoroutineReader {
 public:
  // `binary` (its symbols and release) and `memory` must outlive the reader;
  // `binary` is the executable as the program loaded it (Binary::LoadedAt:
  // its load bias places its symbols, its tables answer in the program's
  // addresses). A layout that is a guess (ChosenRuntimeLayout's
  // `guessed`) is held to the goroutines in `memory` first: statuses in
  // range, distinct ids, saved stack pointers inside their stacks, g.m and
  // m.curg pointing at each other, start PCs at function entries and `go`
  // statements in code. FailedPreconditionError when it does not
  // fit: nothing read with a wrong layout is returned.
  static absl::StatusOr<GoroutineReader> Create(
      const symtab::Binary& binary, const arch::ArchInfo& arch,
      const symtab::AddressSpace& memory,
      const RuntimeLayoutOptions& layout_options = {});

  // A reader of the one g at `g` and its M, where memory holds no more of
  // the program (a capture the crash handler took in the goroutine's cgo
  // call): no allgs (ReadAll fails). A guessed layout is held to that g:
  // plausible, its saved stack pointer inside its stack, run by its M.
  static absl::StatusOr<GoroutineReader> CreateForG(
      const symtab::Binary& binary, const arch::ArchInfo& arch,
      const symtab::AddressSpace& memory, uint64_t g,
      const RuntimeLayoutOptions& layout_options = {});

  // Every g in allgs, in allgs order (the order the runtime prints them),
  // dead ones included. At most `limit` of them.
  absl::StatusOr<std::vector<Goroutine>> ReadAll(size_t limit = 1 << 22) const;

  // The status the runtime prints in "goroutine N [...]:": the wait reason
  // of a waiting goroutine, else the status name, with " (scan)", ", N
  // minutes" and ", locked to thread" as the runtime adds them. The minutes
  // need the runtime's clock (nanotime: CLOCK_MONOTONIC) at the moment the
  // goroutines were read, which a live process has and a core does not.
  std::string StatusText(const Goroutine& g,
                         std::optional<int64_t> nanotime = std::nullopt) const;
  // Whole minutes a waiting goroutine (or one in a system call) has been
  // blocked at `nanotime`, as the runtime counts them; 0 when the runtime
  // has not stamped its wait (g.waitsince is set when a GC scans it).
  static int64_t WaitMinutes(const Goroutine& g, int64_t nanotime);
  // The ancestors the runtime recorded for `g`, nearest first; empty unless
  // the program ran with GODEBUG=tracebackancestors. DataLossError when the
  // records are unreadable or implausibly long.
  absl::StatusOr<std::vector<GoroutineAncestor>> ReadAncestors(
      const Goroutine& g) const;
  // The name of a wait reason, as this release spells it.
  std::string WaitReasonText(uint8_t reason) const;

  const RuntimeLayout& layout() const { return layout_; }
  // How runtime.allgs was found: "the symbol table", or a scan of .bss.
  absl::string_view allgs_method() const { return allgs_method_; }
  // Where the layout came from (ChooseRuntimeLayout's sentence).
  absl::string_view layout_source() const { return layout_source_; }

  // The g at `address` (a goroutine, or an M's g0 or gsignal).
  absl::StatusOr<Goroutine> ReadG(uint64_t address) const;

 private:
  GoroutineReader(const symtab::Binary& binary, const arch::ArchInfo& arch,
                  const symtab::AddressSpace& memory, RuntimeLayout layout)
      : binary_(&binary), arch_(&arch), memory_(&memory), layout_(layout) {}
  // Everything but allgs: the chosen layout's offsets and sizes, the wait
  // reasons.
  static absl::StatusOr<GoroutineReader> WithLayout(
      const symtab::Binary& binary, const arch::ArchInfo& arch,
      const symtab::AddressSpace& memory,
      const RuntimeLayoutOptions& layout_options);
  std::optional<uint64_t> Word(uint64_t address, int size) const;
  // allgs in a binary without symbols: the first slice in .bss whose
  // elements all read as distinct, plausible goroutines.
  std::optional<uint64_t> ScanForAllgs() const;
  // Whether the layout fits the goroutines in memory; says what was
  // checked, or what does not fit.
  absl::StatusOr<std::string> CheckLayout() const;

  const symtab::Binary* binary_;
  const arch::ArchInfo* arch_;
  const symtab::AddressSpace* memory_;
  RuntimeLayout layout_;
  SignalFields signal_fields_ = {};  // g.sig and friends, in this release
  int m_incgo_ = 0;                  // m.incgo, in this release
  int g_size_ = 0;                   // bytes of a g that ReadG reads
  uint64_t allgs_ = 0;               // &runtime.allgs, relocated
  uint64_t allglen_ = 0;             // &runtime.allglen, relocated
  absl::string_view allgs_method_;
  std::string layout_source_;
  // The layout is the table's newest row, for a newer release: it is held
  // to the program's memory before anything is read with it.
  bool layout_guessed_ = false;
  // runtime.waitReasonStrings, from the binary: the names of wait reasons.
  std::vector<std::string> wait_reasons_;
};

}  // namespace gentrace::goruntime

#endif  // GENTRACE_GORUNTIME_GOROUTINES_H_
