#ifndef GENTRACE_TARGET_CAPTURE_H_
#define GENTRACE_TARGET_CAPTURE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "arch/arch.h"
#include "arch/registers.h"
#include "target/range_memory.h"
#include "target/target.h"

namespace gentrace::target {

// A Capture message (one thread's registers and windows of its memory) as
// a Target. It knows no file mappings or clock, and the entry point only
// when the capture gives it: without one an attached executable is checked
// for its architecture only, and stays at its link addresses.
class CaptureTarget : public Target {
 public:
  const symtab::AddressSpace& memory() const override { return memory_; }
  bool holds_all_memory() const override { return false; }

  // The one thread's registers.
  const arch::Registers& registers() const {
    return facts().threads.front().registers;
  }

 private:
  friend absl::StatusOr<CaptureTarget> LoadCapture(absl::string_view contents);
  CaptureTarget() = default;

  RangeMemory memory_;
};

// Reads a Capture from its protobuf JSON (text starting with '{') or its
// binary encoding. In JSON, register values and addresses may also be
// "0x..." strings. Checks the arch is known and has pc and sp registers.
absl::StatusOr<CaptureTarget> LoadCapture(absl::string_view contents);

// Rewrites every "0x..." string value, other than under "data" and "arch",
// as the decimal string protobuf JSON expects for uint64.
std::string HexStringsToDecimal(absl::string_view json);

}  // namespace gentrace::target

#endif  // GENTRACE_TARGET_CAPTURE_H_
