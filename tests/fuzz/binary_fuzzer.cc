// libFuzzer target: any bytes, opened as a Go binary and exercised through
// every symtab lookup. Build and run with tests/fuzz/run_fuzzer.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tests/testing/exercise_binary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)gentrace::testing::ExerciseBinary(
      std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
