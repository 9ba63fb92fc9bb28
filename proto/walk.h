#ifndef GENTRACE_PROTO_WALK_H_
#define GENTRACE_PROTO_WALK_H_

#include <cstdint>
#include <string>

#include "google/protobuf/repeated_ptr_field.h"
#include "proto/gentrace.pb.h"
#include "symtab/address_space.h"
#include "symtab/binary.h"
#include "unwind/arch.h"

namespace gentrace {

// Where a walk of Go frames begins.
struct WalkStart {
  uint64_t pc = 0;
  uint64_t sp = 0;
  uint64_t lr = 0;    // 0 where there is no link register or it is unknown
  bool trap = false;  // pc is an interrupted instruction
  FrameSource source = FRAME_SOURCE_REGISTERS;
};

struct WalkEnd {
  StopReason reason = STOP_REASON_UNSPECIFIED;
  std::string detail;
};

// Walks the Go frames from `start` over `memory` and appends them to
// `frames`: pc/sp/fp, function metadata, symbolized locations (inlined calls
// first) and the argument text the runtime prints.
WalkEnd AppendWalk(const symtab::Binary& binary, const unwind::ArchInfo& arch,
                   const symtab::AddressSpace& memory, const WalkStart& start,
                   google::protobuf::RepeatedPtrField<Frame>* frames);

}  // namespace gentrace

#endif  // GENTRACE_PROTO_WALK_H_
