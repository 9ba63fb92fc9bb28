#ifndef GENTRACE_TESTS_TESTING_CRASHED_PROGRAM_H_
#define GENTRACE_TESTS_TESTING_CRASHED_PROGRAM_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "symtab/binary.h"
#include "target/core_file.h"

namespace gentrace::testing {

// A fixture program and a core it dumped, opened, the binary attached to
// the core (checked to be the one that dumped it; text the core left out is
// read from it).
struct CrashedProgram {
  std::unique_ptr<symtab::Binary> binary;
  std::unique_ptr<target::CoreFile> core;
};

absl::StatusOr<CrashedProgram> OpenCrashedProgram(
    const std::string& binary_path, const std::string& core_path);

}  // namespace gentrace::testing

#endif  // GENTRACE_TESTS_TESTING_CRASHED_PROGRAM_H_
