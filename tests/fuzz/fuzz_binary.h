#ifndef GENTRACE_TESTS_FUZZ_FUZZ_BINARY_H_
#define GENTRACE_TESTS_FUZZ_FUZZ_BINARY_H_

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "symtab/binary.h"

namespace gentrace::fuzz {

// The Go binary a fuzz target reads besides its input:
// $GENTRACE_FUZZ_BINARY (tests/fuzz/fuzz_lib.sh sets it). Without it the
// process ends with a message: a target cannot run without its binary.
inline const char* FuzzBinaryPath() {
  const char* path = std::getenv("GENTRACE_FUZZ_BINARY");
  if (path == nullptr) {
    std::fprintf(stderr, "set GENTRACE_FUZZ_BINARY to a Go binary\n");
    std::abort();
  }
  return path;
}

// That binary, opened once.
inline const symtab::Binary& FuzzBinary() {
  static const symtab::Binary* const binary = [] {
    absl::StatusOr<std::unique_ptr<symtab::Binary>> opened =
        symtab::Binary::Open(FuzzBinaryPath());
    if (!opened.ok()) {
      std::fprintf(stderr, "%s: %s\n", FuzzBinaryPath(),
                   std::string(opened.status().message()).c_str());
      std::abort();
    }
    return opened->release();
  }();
  return *binary;
}

}  // namespace gentrace::fuzz

#endif  // GENTRACE_TESTS_FUZZ_FUZZ_BINARY_H_
