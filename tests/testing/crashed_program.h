#ifndef GENTRACE_TESTS_TESTING_CRASHED_PROGRAM_H_
#define GENTRACE_TESTS_TESTING_CRASHED_PROGRAM_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "arch/arch.h"
#include "arch/registers.h"
#include "proto/gentrace.pb.h"
#include "symtab/binary.h"
#include "target/core_file.h"

namespace gentrace::testing {

// A fixture program and a core it dumped, opened, the binary attached to
// the core (checked to be the one that dumped it; text the core left out is
// read from it).
struct CrashedProgram {
  std::unique_ptr<symtab::Binary> opened;
  target::LoadedExecutable binary;  // `opened` as the core has it loaded
  std::unique_ptr<target::CoreFile> core;
};

absl::StatusOr<CrashedProgram> OpenCrashedProgram(
    const std::string& binary_path, const std::string& core_path);

// Bytes of a thread's stack from `start` (its sp) up.
struct StackWindow {
  uint64_t start = 0;
  std::string bytes;
};

// Up to `size` bytes of a thread's stack from its sp up (fewer where the
// core's memory ends there); nullopt when the core holds no byte at sp.
std::optional<StackWindow> ReadStackWindow(const target::CoreFile& core,
                                           const target::Thread& thread,
                                           uint64_t size);

// The capture JSON a debugger session would record of a thread: gdb
// register names, values alternately as 0x strings and as protobuf JSON's
// decimal strings, its stack window, and the program's entry point when
// given.
std::string CaptureJson(const arch::ArchInfo& arch,
                        const arch::Registers& registers,
                        const StackWindow& stack,
                        std::optional<uint64_t> entry = std::nullopt);

// The same thread as a Capture message.
Capture CaptureMessage(const arch::ArchInfo& arch,
                       const arch::Registers& registers,
                       const StackWindow& stack,
                       std::optional<uint64_t> entry = std::nullopt);

}  // namespace gentrace::testing

#endif  // GENTRACE_TESTS_TESTING_CRASHED_PROGRAM_H_
