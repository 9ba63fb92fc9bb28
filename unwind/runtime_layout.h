#ifndef GENTRACE_UNWIND_RUNTIME_LAYOUT_H_
#define GENTRACE_UNWIND_RUNTIME_LAYOUT_H_

#include "absl/status/statusor.h"
#include "symtab/go_version.h"
#include "unwind/arch.h"

namespace gentrace::unwind {

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

// The layout for a release on an architecture. The table holds the releases
// whose layouts were checked against their binaries' DWARF on every GOARCH
// (tests/unwind/runtime_layout_test.cc); others are an UnimplementedError.
absl::StatusOr<RuntimeLayout> RuntimeLayoutFor(const symtab::GoVersion& version,
                                               const ArchInfo& arch);

}  // namespace gentrace::unwind

#endif  // GENTRACE_UNWIND_RUNTIME_LAYOUT_H_
