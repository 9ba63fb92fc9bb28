#ifndef GENTRACE_TRACEBACK_WALK_H_
#define GENTRACE_TRACEBACK_WALK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/arch.h"
#include "arch/registers.h"
#include "symtab/address_space.h"
#include "symtab/binary.h"
#include "traceback/frame.h"

namespace gentrace::traceback {

// Where a walk of Go frames begins.
struct WalkStart {
  uint64_t pc = 0;
  uint64_t sp = 0;
  uint64_t lr = 0;    // 0 where there is no link register or it is unknown
  bool trap = false;  // pc is an interrupted instruction
  FrameSource source = FrameSource::kRegisters;
};

struct WalkEnd {
  Stop stop;
  // The last runtime.sigtrampgo frame the walk appended (an index into the
  // frames), or -1; and its `ctx` argument, the kernel's ucontext of the
  // signal it handles, when readable.
  int signal_handler = -1;
  std::optional<uint64_t> signal_context;
};

// Walks the Go frames from `start` over `memory` and appends them to
// `frames`: pc/sp/fp, function metadata, symbolized locations (inlined calls
// first) and the argument text the runtime prints; notes where it passed a
// signal handler.
WalkEnd AppendWalk(const symtab::Binary& binary, const arch::ArchInfo& arch,
                   const symtab::AddressSpace& memory, const WalkStart& start,
                   std::vector<Frame>* frames);

// Walks the Go frames from `registers` (taken at an interrupted instruction)
// over `memory`, symbolizing each frame, as a Thread (tid unset).
Thread UnwindThread(const symtab::Binary& binary, const arch::ArchInfo& arch,
                    const symtab::AddressSpace& memory,
                    const arch::Registers& registers);

}  // namespace gentrace::traceback

#endif  // GENTRACE_TRACEBACK_WALK_H_
