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
#include "unwind/go_unwinder.h"

namespace gentrace::traceback {

struct WalkEnd {
  Stop stop;
  // The last runtime.sigtrampgo frame the walk appended (an index into the
  // frames), or -1: with kUnwindSignalFrames, the innermost frame of the
  // signal's report.
  int signal_handler = -1;
};

// Walks the Go frames from `start` over `memory` (through signal handlers
// and stack switches as its flags allow) and appends them to `frames`:
// pc/sp/fp, how each was found, function metadata, symbolized locations
// (inlined calls first) and the argument text the runtime prints.
WalkEnd AppendWalk(const symtab::Binary& binary, const arch::ArchInfo& arch,
                   const symtab::AddressSpace& memory,
                   const unwind::UnwindStart& start,
                   std::vector<Frame>* frames);

// Walks the Go frames from `registers` (taken at an interrupted instruction)
// over `memory`, symbolizing each frame, as a Thread (tid unset).
Thread UnwindThread(const symtab::Binary& binary, const arch::ArchInfo& arch,
                    const symtab::AddressSpace& memory,
                    const arch::Registers& registers);

}  // namespace gentrace::traceback

#endif  // GENTRACE_TRACEBACK_WALK_H_
