#ifndef GENTRACE_GORUNTIME_RUNTIME_LAYOUT_H_
#define GENTRACE_GORUNTIME_RUNTIME_LAYOUT_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "arch/arch.h"
#include "symtab/binary.h"
#include "symtab/dwarf_types.h"
#include "symtab/go_version.h"

namespace gentrace::goruntime {

// Byte offsets of the runtime's `g` and `m` fields that enumerating and
// unwinding goroutines needs, for one Go release and pointer size. -1: the
// release has no such field.
struct RuntimeLayout {
  // g
  int g_stack_lo;
  int g_stack_hi;
  int g_m;
  int g_sched;  // the gobuf: sp, pc, g, ctxt, (ret,) lr, bp
  int g_syscallsp;
  int g_syscallpc;
  int g_syscallbp;
  int g_atomicstatus;
  int g_goid;
  int g_waitsince;
  int g_waitreason;  // one byte
  int g_lockedm;
  int g_gopc;
  int g_ancestors;
  int g_startpc;
  int g_parent_goid;
  // gobuf, from its start
  int gobuf_sp;
  int gobuf_pc;
  int gobuf_lr;
  int gobuf_bp;
  // m
  int m_g0;
  int m_procid;
  int m_gsignal;
  int m_curg;
  int m_id;  // int64
};

// Where a g keeps the signal its panic came from: g.sig (uint32),
// g.sigcode0 (the siginfo's si_code), g.sigcode1 (si_addr), g.sigpc. Every
// release from go1.13 to go1.27 declares, in runtime2.go, `lockedm`, then
// one-byte fields (none before 1.24, fipsIndicator from 1.24, then more),
// then `sig`; and `sigcode0, sigcode1, sigpc uintptr` right before
// parentGoid (1.21+) or gopc. So their offsets follow from those fields and
// the release (runtime_layout_test holds them to the DWARF of every fixture
// binary).
struct SignalFields {
  int sig;
  int sigcode0;
  int sigcode1;
  int sigpc;
};
SignalFields GSignalFields(const RuntimeLayout& layout, int ptr_size,
                           int go_minor);

// Where an m keeps incgo (bool: the M is in a cgo call). Every release from
// go1.13 to go1.27 declares after `id int64`: mallocing and throwing (32
// bits), preemptoff (a string), locks, dying and profilehz (int32),
// spinning, blocked, newSigstack and printlock (a byte each), then incgo
// (runtime_layout_test holds it to the DWARF of every fixture binary).
int MIncgoOffset(const RuntimeLayout& layout, int ptr_size);

// How many bytes from a g's (an m's) start hold every field of the layout
// that goroutine reading uses (the widest, goid and friends, being 8
// bytes): what a reader reads, and what a capture keeps of a g (an m).
int GBytesRead(const RuntimeLayout& layout);
int MBytesRead(const RuntimeLayout& layout, int ptr_size);

// The newest release gentrace's layout table was checked for.
inline constexpr int kRuntimeLayoutTableNewestMinor = 27;

// One RuntimeLayout field: its name (as the layout tools print it), and the
// runtime struct and member path it is the offset of.
struct RuntimeLayoutField {
  absl::string_view name;       // "g_stack_lo"
  int RuntimeLayout::*member;   // &RuntimeLayout::g_stack_lo
  absl::string_view type_name;  // "runtime.g"
  absl::string_view path;       // "stack.lo"
  bool every_release;           // false: added after Go 1.13
};
absl::Span<const RuntimeLayoutField> RuntimeLayoutFields();

// The layout for a release on an architecture, from gentrace's table (see
// runtime_layout.cc for where each row comes from); UnimplementedError for a
// release the table does not hold (or, with `table_newest_minor`, as if it
// held none after go1.<table_newest_minor>).
absl::StatusOr<RuntimeLayout> RuntimeLayoutFor(
    const symtab::GoVersion& version, const arch::ArchInfo& arch,
    int table_newest_minor = kRuntimeLayoutTableNewestMinor);

// The layout as a binary's DWARF declares it (fields its release lacks are
// -1); NotFoundError if a field every release has is missing.
absl::StatusOr<RuntimeLayout> RuntimeLayoutFromDwarf(
    const symtab::DwarfTypes& dwarf);

struct RuntimeLayoutOptions {
  // The table as if it ended at go1.<N>: how tests meet a release newer
  // than the table.
  int table_newest_minor = kRuntimeLayoutTableNewestMinor;
  // This layout instead of a chosen one, held to the program's memory like
  // a guess.
  std::optional<RuntimeLayout> forced;
};

// The layout to read a binary's goroutines with, and a sentence saying where
// it came from: the table's row, confirmed by the binary's DWARF if it has
// any; DWARF alone for a release the table lacks; DWARF where the two differ
// (the binary describes itself). A release newer than the table with no
// DWARF gets the table's newest row as a guess, which the reader must hold
// to the program's memory before it trusts it (`guessed`).
struct ChosenRuntimeLayout {
  RuntimeLayout layout;
  std::string source;
  bool guessed = false;
};
absl::StatusOr<ChosenRuntimeLayout> ChooseRuntimeLayout(
    const symtab::Binary& binary, const arch::ArchInfo& arch,
    const RuntimeLayoutOptions& options = {});

}  // namespace gentrace::goruntime

#endif  // GENTRACE_GORUNTIME_RUNTIME_LAYOUT_H_
