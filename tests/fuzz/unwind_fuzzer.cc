// libFuzzer target: the Go unwinder over random stack memory and registers,
// with a real binary's pclntab ($GENTRACE_FUZZ_BINARY). The input's first 24
// bytes pick pc, sp and lr; the rest is the stack. Every walk must end with a
// reason within the frame bound. Build and run with tests/fuzz/run_fuzzer.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "arch/arch.h"
#include "symtab/binary.h"
#include "symtab/func_id.h"
#include "target/range_memory.h"
#include "tests/fuzz/fuzz_binary.h"
#include "unwind/go_unwinder.h"

namespace {

const gentrace::symtab::Binary* g_binary = nullptr;
const gentrace::arch::ArchInfo* g_arch = nullptr;
// runtime.jmpdefer's [entry, end), if the binary has one (Go <= 1.17).
uint64_t g_jmpdefer_entry = 0;
uint64_t g_jmpdefer_end = 0;
constexpr uint64_t kStackBase = 0x10000000;

uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_binary = &gentrace::fuzz::FuzzBinary();
  g_arch = gentrace::arch::ArchByGoarch(g_binary->goarch());
  if (g_arch == nullptr) std::abort();
  const auto& table = g_binary->pclntab();
  for (uint32_t i = 0; i < table.num_funcs(); ++i) {
    auto func = table.FuncAt(i);
    if (func.ok() && func->func_id() == gentrace::symtab::FuncId::kJmpdefer) {
      auto facts = table.FrameFactsAt(func->entry());
      if (facts.ok()) {
        g_jmpdefer_entry = (*facts)->entry;
        g_jmpdefer_end = (*facts)->end;
      }
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 24) return 0;
  const auto& table = g_binary->pclntab();
  const uint64_t span = table.max_pc() - table.min_pc();
  // Mostly PCs inside Go text, where the interesting paths are; one walk in
  // eight inside jmpdefer, where SP and LR disagree for a few instructions.
  const uint64_t pick = Load64(data);
  const uint64_t pc =
      g_jmpdefer_end > g_jmpdefer_entry && pick % 8 == 0
          ? g_jmpdefer_entry + (pick >> 3) % (g_jmpdefer_end - g_jmpdefer_entry)
          : table.min_pc() + pick % (span + 64);
  const uint64_t p = g_arch->ptr_size;
  const uint64_t stack_size = size - 24;
  const uint64_t sp =
      kStackBase + (stack_size ? Load64(data + 8) % stack_size : 0) / p * p;
  const uint64_t raw_lr = Load64(data + 16);
  const uint64_t lr = (raw_lr & 1) ? table.min_pc() + (raw_lr >> 1) % span : 0;
  auto memory = gentrace::target::RangeMemory::Create(
      {{kStackBase,
        std::string(reinterpret_cast<const char*>(data) + 24, stack_size)}},
      g_arch->byte_order);
  if (!memory.ok()) return 0;
  gentrace::unwind::GoUnwinder unwinder(table, *g_arch, *memory, 10000);
  int frames = 0;
  for (unwinder.Start(pc, sp, lr, /*trap=*/true); unwinder.valid();
       unwinder.Next()) {
    ++frames;
  }
  if (frames > 10000 ||
      unwinder.stop_reason() == gentrace::unwind::StopReason::kNone) {
    std::abort();
  }
  return 0;
}
