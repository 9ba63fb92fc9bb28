// libFuzzer target: Capture messages, binary and JSON, unwound against a
// real binary ($GENTRACE_FUZZ_BINARY) as `gentrace unwind` and /v1/captures
// do: LoadCapture's checks, then the thread's Go walk and its text; a
// capture the crash handler wrote (with native frames) is rendered as
// `gentrace render` does, its modules read from that binary (held open, as
// the service holds its store's). Seeded with
// captures of that binary's threads. Build and run with
// tests/fuzz/run_fuzzer.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/gentrace.pb.h"
#include "render/program_trace.h"
#include "render/runtime_text.h"
#include "render/trace_output.h"
#include "symtab/binary.h"
#include "symtab/native_symbols.h"
#include "tests/fuzz/fuzz_binary.h"

namespace {

// The binary's files as RenderCapture reads each module: opened once, as
// the service holds its stored binary open.
gentrace::render::ModuleFiles FuzzModuleFiles() {
  static const auto* const symbols =
      new std::shared_ptr<const gentrace::symtab::NativeSymbols>([] {
        absl::StatusOr<std::unique_ptr<gentrace::symtab::NativeSymbols>> read =
            gentrace::symtab::NativeSymbols::Open(
                gentrace::fuzz::FuzzBinaryPath());
        return read.ok() ? std::move(*read) : nullptr;
      }());
  return {.path = gentrace::fuzz::FuzzBinaryPath(),
          .symbols = *symbols,
          .binary = &gentrace::fuzz::FuzzBinary()};
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)FuzzModuleFiles();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view contents(reinterpret_cast<const char*>(data), size);
  if (gentrace::Capture written;
      written.ParseFromArray(data, static_cast<int>(size)) &&
      written.native_frames_size() > 0) {
    gentrace::render::RuntimeTextOptions text;
    const gentrace::Trace trace = gentrace::render::RenderCapture(
        written, contents,
        [](const gentrace::LoadedModule&) { return FuzzModuleFiles(); }, &text);
    (void)trace.ByteSizeLong();
    return 0;
  }
  absl::StatusOr<gentrace::Thread> thread =
      gentrace::render::UnwindCapture(gentrace::fuzz::FuzzBinary(), contents);
  if (thread.ok()) (void)gentrace::render::ThreadOutput(*thread, "text");
  return 0;
}
