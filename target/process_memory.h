#ifndef GENTRACE_TARGET_PROCESS_MEMORY_H_
#define GENTRACE_TARGET_PROCESS_MEMORY_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "symtab/address_space.h"
#include "symtab/byte_reader.h"
#include "target/proc_maps.h"

namespace gentrace::target {

// The current process's own memory, read in place (no copy, host byte
// order), for unwinding the running program from inside itself.
//
// The set of readable ranges is a snapshot taken at construction. Reading is
// only safe while those ranges stay mapped and readable: memory unmapped or
// mprotect'ed after the snapshot (a goroutine stack freed, a heap span
// returned to the OS, a mapped file truncated) makes a read fault. Take the
// snapshot close to the reads, or pass ranges known to stay put.
//
// Thread-safe after construction; ReadToEnd never allocates (a binary
// search over ranges sorted at construction), so it may run in a signal
// handler once the object exists.
class ProcessMemory : public symtab::AddressSpace {
 public:
  // [start, end).
  struct Range {
    uint64_t start = 0;
    uint64_t end = 0;
  };

  // The readable ('r') mappings of /proc/self/maps, adjacent ones merged.
  // Leaves out [vvar] and [vsyscall], which can fault on read.
  static absl::StatusOr<ProcessMemory> FromProcSelfMaps();
  // The same from entries read already.
  static ProcessMemory FromMaps(absl::Span<const MapsEntry> maps);
  // Exactly these ranges (a goroutine stack's bounds, the binary's text) for
  // callers that know what is mapped. Any order; empty ranges are dropped,
  // overlapping and adjacent ones merged. The caller vouches that they are
  // readable.
  static ProcessMemory FromRanges(std::vector<Range> ranges);

  // Sorted, disjoint and non-adjacent.
  const std::vector<Range>& ranges() const { return ranges_; }

  std::optional<symtab::ByteReader> ReadToEnd(uint64_t address) const override;

 private:
  std::vector<Range> ranges_;
};

}  // namespace gentrace::target

#endif  // GENTRACE_TARGET_PROCESS_MEMORY_H_
