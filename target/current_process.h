#ifndef GENTRACE_TARGET_CURRENT_PROCESS_H_
#define GENTRACE_TARGET_CURRENT_PROCESS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "arch/arch.h"
#include "symtab/address_space.h"
#include "target/process_memory.h"
#include "target/target.h"

namespace gentrace::target {

// This process as a Target, for a program that reads itself (a cgo
// program's C++ side reading its goroutines, say): its memory in place
// (ProcessMemory, with ProcessMemory's caveat on memory unmapped after
// Create), the host architecture, AT_ENTRY, its file mappings and the clock
// as of Create. A process cannot hold its own threads still, so it lists
// none: goroutines running on other threads are reported without frames.
// Not async-signal-safe (Create reads /proc/self/maps); reads are.
class CurrentProcess : public Target {
 public:
  static absl::StatusOr<std::unique_ptr<CurrentProcess>> Create();

  const symtab::AddressSpace& memory() const override { return memory_; }

 private:
  explicit CurrentProcess(ProcessMemory memory) : memory_(std::move(memory)) {}

  ProcessMemory memory_;
};

}  // namespace gentrace::target

#endif  // GENTRACE_TARGET_CURRENT_PROCESS_H_
