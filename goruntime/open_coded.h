#ifndef GENTRACE_GORUNTIME_OPEN_CODED_H_
#define GENTRACE_GORUNTIME_OPEN_CODED_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "symtab/byte_reader.h"
#include "symtab/go_version.h"

namespace gentrace::goruntime {

// A function's FUNCDATA_OpenCodedDeferInfo (Go 1.14+): where its frame keeps
// the deferBits byte (bit i set: the i-th defer statement, in source order,
// ran and its call is pending) and the function value of each defer. Offsets
// are below the frame's varp.
struct OpenCodedDefers {
  uint64_t defer_bits_offset = 0;
  // <= 1.21: the closure slot of defer i, one per defer statement.
  std::vector<uint64_t> closure_offsets;
  // 1.22+: slot i is at varp - slots_offset + i * pointer size.
  uint64_t slots_offset = 0;
  bool contiguous_slots = false;

  // Where defer i's function value (a *funcval) is; nullopt if the function
  // has no defer i.
  std::optional<uint64_t> ClosureSlot(uint64_t varp, int i, int ptr_size) const;
};

// The funcdata index of OpenCodedDeferInfo in a release (-1 before 1.14).
int OpenCodedDeferInfoIndex(const symtab::GoVersion& version);

// Decodes the funcdata (unsigned LEB128 numbers; three formats: 1.14-1.17
// with argument records, 1.18-1.21 closure offsets only, 1.22+ a slot
// base). DataLossError for a truncated or implausible record.
absl::StatusOr<OpenCodedDefers> DecodeOpenCodedDeferInfo(
    symtab::ByteReader data, const symtab::GoVersion& version);

}  // namespace gentrace::goruntime

#endif  // GENTRACE_GORUNTIME_OPEN_CODED_H_
