// libFuzzer target: ELF core files (their program headers, PT_LOAD table
// and notes: NT_PRSTATUS, NT_FILE, NT_AUXV, NT_SIGINFO) over a fixed
// executable ($GENTRACE_FUZZ_BINARY): CoreFile's parsing, the executable
// check, each thread's Go walk from its registers, and the goroutines as far
// as the core's memory holds them (with the release's row of the layout
// table, so that no input pays for reading the binary's DWARF). Seeded
// (tests/fuzz/run_fuzzer.sh) with a core of that executable cut down to its
// notes and a window of each thread's stack. Build and run with
// tests/fuzz/run_fuzzer.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "arch/arch.h"
#include "goruntime/runtime_layout.h"
#include "proto/gentrace.pb.h"
#include "symtab/binary.h"
#include "target/core_file.h"
#include "tests/fuzz/fuzz_binary.h"
#include "traceback/goroutines.h"
#include "traceback/walk.h"

namespace {

const gentrace::symtab::Binary* g_binary = nullptr;
gentrace::traceback::GoroutineReadOptions* g_options = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_binary = &gentrace::fuzz::FuzzBinary();
  const gentrace::arch::ArchInfo* arch =
      gentrace::arch::ArchByGoarch(g_binary->goarch());
  if (arch == nullptr || !g_binary->go_version()) std::abort();
  absl::StatusOr<gentrace::goruntime::RuntimeLayout> layout =
      gentrace::goruntime::RuntimeLayoutFor(*g_binary->go_version(), *arch);
  if (!layout.ok()) std::abort();
  g_options = new gentrace::traceback::GoroutineReadOptions();
  g_options->layout.forced = *layout;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<std::unique_ptr<gentrace::target::CoreFile>> core =
      gentrace::target::CoreFile::FromBytes(
          std::string(reinterpret_cast<const char*>(data), size));
  if (!core.ok()) return 0;
  const gentrace::target::CoreFile& target = **core;
  size_t mappings = 0;
  for (const gentrace::target::FileMapping& m : target.file_mappings()) {
    mappings += m.path.size();
  }
  (void)mappings;
  (void)target.entry();
  (void)target.page_size();
  // A position-independent program's core asks for the executable at
  // another load bias: its walks are the shared binary's too, shifted.
  if (!(*core)->AttachExecutable(*g_binary).ok() || target.load_bias() != 0) {
    return 0;
  }
  for (const gentrace::target::Thread& thread : target.threads()) {
    if (!thread.registers.pc() || !thread.registers.sp()) continue;
    (void)gentrace::traceback::UnwindThread(*g_binary, target.arch(),
                                            target.memory(), thread.registers);
  }
  std::vector<std::string> notes;
  size_t goroutines = 0;
  (void)gentrace::traceback::ForEachGoroutine(
      *g_binary, target, [&](gentrace::Goroutine&) { ++goroutines; }, &notes,
      *g_options);
  return 0;
}
