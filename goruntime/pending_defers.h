#ifndef GENTRACE_GORUNTIME_PENDING_DEFERS_H_
#define GENTRACE_GORUNTIME_PENDING_DEFERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "arch/arch.h"
#include "goruntime/defer_layout.h"
#include "symtab/address_space.h"
#include "symtab/byte_reader.h"
#include "symtab/pclntab.h"

namespace gentrace::goruntime {

// One physical frame of the goroutine, innermost first, as the unwinder
// found it.
struct DeferFrame {
  uint64_t lookup_pc;  // where the frame's function is looked up
  uint64_t sp;
  uint64_t fp;  // the caller's SP
};

enum class DeferKind {
  kHeap,       // a heap-allocated _defer record (defer in a loop, ...)
  kStack,      // a _defer record on the frame's stack (Go 1.13+)
  kOpenCoded,  // an open-coded defer: a bit in the frame's deferBits
};

// A deferred call that has not run yet.
struct PendingCall {
  int frame = 0;  // index into the frames given
  DeferKind kind = DeferKind::kHeap;
  uint64_t closure = 0;  // the function value (*funcval)
  uint64_t fn = 0;       // its code pointer
  uint64_t record = 0;   // the _defer record; 0 for open-coded defers
  // Go <= 1.17: the saved argument bytes after the record.
  uint64_t arguments = 0;
  uint32_t argument_bytes = 0;
};

struct PendingDefers {
  // In the order they will run: the innermost frame's first, and within a
  // frame as deferreturn (or a panic) takes them: its _defer records newest
  // first, its open-coded defers highest bit first.
  std::vector<PendingCall> calls;
  // Panics in progress (the g._panic chain; a panic raised by a deferred
  // call during another stacks on it), and whether the newest has been
  // recovered (execution resumes in the deferring frame once its deferred
  // call returns).
  int panics = 0;
  bool newest_panic_recovered = false;
  // What could not be read or placed, one sentence each: an unreadable or
  // cyclic chain, a record that matches no frame.
  std::vector<std::string> problems;
};

// The deferred calls pending on goroutine `g` whose frames are `frames`,
// read from `memory` with the release's `layout`. This is also the
// deferreturn loop's schedule: for a frame stopped at or in its CALL
// deferreturn, its calls here are those deferreturn will make, in order.
// Bounded: a chain longer than 100,000 records, a cycle or a wild pointer
// ends the reading with a problem, never a hang.
PendingDefers FindPendingDefers(const symtab::Pclntab& table,
                                const symtab::AddressSpace& memory,
                                const DeferLayout& layout,
                                const arch::ArchInfo& arch, uint64_t g,
                                absl::Span<const DeferFrame> frames);

}  // namespace gentrace::goruntime

#endif  // GENTRACE_GORUNTIME_PENDING_DEFERS_H_
