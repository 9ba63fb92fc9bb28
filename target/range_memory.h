#ifndef GENTRACE_TARGET_RANGE_MEMORY_H_
#define GENTRACE_TARGET_RANGE_MEMORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "symtab/address_space.h"
#include "symtab/byte_reader.h"

namespace gentrace::target {

// Memory given as separate ranges (a capture's stack windows). Ranges may
// come in any order; overlapping ranges are rejected.
//
// Thread-safe after construction; reads never allocate.
class RangeMemory : public symtab::AddressSpace {
 public:
  struct Range {
    uint64_t address;
    std::string bytes;
  };
  static absl::StatusOr<RangeMemory> Create(std::vector<Range> ranges,
                                            symtab::ByteOrder order);

  std::optional<symtab::ByteReader> ReadToEnd(uint64_t address) const override;

 private:
  std::vector<Range> ranges_;  // sorted by address
  symtab::ByteOrder order_ = symtab::ByteOrder::kLittle;
};

}  // namespace gentrace::target

#endif  // GENTRACE_TARGET_RANGE_MEMORY_H_
