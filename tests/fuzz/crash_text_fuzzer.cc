// libFuzzer target: the runtime's crash text, read against the binary that
// printed it ($GENTRACE_FUZZ_BINARY): the section and goroutine-block
// parsers, then CrashTextReader (frames placed and symbolized, the load
// bias, the signature). Reading never fails, so every input must give a
// CrashText. Seeded with crash texts of that binary. Build and run with
// tests/fuzz/run_fuzzer.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "symtab/binary.h"
#include "tests/fuzz/fuzz_binary.h"
#include "traceback/crash_text.h"
#include "traceback/traceback_text.h"

namespace {

const gentrace::traceback::CrashTextReader* g_reader = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_reader =
      new gentrace::traceback::CrashTextReader(gentrace::fuzz::FuzzBinary());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  size_t frames = 0;
  for (const auto& section : gentrace::traceback::ParseTracebackText(text)) {
    frames += section.frames.size();
  }
  for (const auto& [id, block] : gentrace::traceback::GoroutineBlocks(text)) {
    frames += block.size();
  }
  (void)frames;
  const gentrace::traceback::CrashText read = g_reader->Read(text);
  for (const auto& [goroutine, cut] : read.elided_after) {
    if (goroutine >= read.goroutines.size()) std::abort();
  }
  return 0;
}
