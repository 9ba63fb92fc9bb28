#ifndef GENTRACE_TARGET_CAPTURE_H_
#define GENTRACE_TARGET_CAPTURE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "arch/arch.h"
#include "arch/registers.h"
#include "target/range_memory.h"

namespace gentrace::target {

// A Capture message made usable: its architecture, registers and memory.
struct LoadedCapture {
  const arch::ArchInfo* arch = nullptr;
  arch::Registers registers;
  target::RangeMemory memory;
};

// Reads a Capture from its protobuf JSON (text starting with '{') or its
// binary encoding. In JSON, register values and addresses may also be
// "0x..." strings. Checks the arch is known and has pc and sp registers.
absl::StatusOr<LoadedCapture> LoadCapture(absl::string_view contents);

// Rewrites every "0x..." string value, other than under "data" and "arch",
// as the decimal string protobuf JSON expects for uint64.
std::string HexStringsToDecimal(absl::string_view json);

}  // namespace gentrace::target

#endif  // GENTRACE_TARGET_CAPTURE_H_
