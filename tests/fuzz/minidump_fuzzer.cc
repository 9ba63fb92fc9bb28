// libFuzzer target: any bytes read as a minidump, and what it models read
// back: every thread's registers and the memory at its stack pointer and
// pc, the modules, the crash, the main module. Seeded with minidumps
// Breakpad's writer made (tests/fixtures/build_breakpad.sh). Build and run
// with tests/fuzz/run_fuzzer.sh.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "target/minidump.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<std::unique_ptr<gentrace::target::Minidump>> dump =
      gentrace::target::Minidump::FromBytes(
          std::string(reinterpret_cast<const char*>(data), size));
  if (!dump.ok()) return 0;
  const gentrace::target::Minidump& m = **dump;
  for (const gentrace::target::Thread& thread : m.threads()) {
    for (std::optional<uint64_t> at :
         {thread.registers.sp(), thread.registers.pc()}) {
      if (!at) continue;
      (void)m.memory().ReadWord(*at, m.arch().ptr_size, m.arch().byte_order);
      (void)m.memory().Read(*at, 4096);
    }
  }
  size_t names = 0;
  for (const gentrace::target::Minidump::Module& module : m.modules()) {
    names += module.name.size() + module.build_id.size();
  }
  (void)names;
  (void)m.main_module();
  (void)m.crash();
  return 0;
}
