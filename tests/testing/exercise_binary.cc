#include "tests/testing/exercise_binary.h"

#include <algorithm>
#include <vector>

#include "symtab/binary.h"

namespace gentrace::testing {
namespace {

// Enough calls to touch every code path without making a fuzz iteration
// slow on a large binary.
constexpr uint32_t kFuncsToWalk = 256;
constexpr int kPcsToSymbolize = 256;

}  // namespace

void ExercisePclntab(const symtab::Pclntab& table) {
  const uint32_t n = table.num_funcs();
  const uint32_t step = std::max<uint32_t>(1, n / kFuncsToWalk);
  for (uint32_t i = 0; i < n; i += step) {
    absl::StatusOr<symtab::Func> func = table.FuncAt(i);
    if (!func.ok()) continue;
    (void)func->Name();
    (void)func->func_id();
    (void)func->flags();
    (void)func->deferreturn();
    (void)func->args_size();
    (void)func->SpDelta(func->entry());
    (void)func->LineAt(func->entry());
    symtab::PcValueTable walk = func->SpDeltaTable();
    while (walk.Next()) {
    }
  }
}

absl::Status ExerciseBinary(std::string bytes) {
  absl::StatusOr<std::unique_ptr<symtab::Binary>> opened =
      symtab::Binary::FromBytes(std::move(bytes));
  if (!opened.ok()) return opened.status();
  ExerciseOpenBinary(**opened);
  return absl::OkStatus();
}

void ExerciseOpenBinary(const symtab::Binary& binary) {
  const symtab::Pclntab& table = binary.pclntab();
  ExercisePclntab(table);
  std::vector<symtab::SourceFrame> frames;
  const uint64_t span = table.max_pc() - table.min_pc();
  for (int i = 0; i < kPcsToSymbolize; ++i) {
    frames.clear();
    const uint64_t pc = table.min_pc() + span / kPcsToSymbolize * i + i % 7;
    (void)binary.Symbolize(pc, &frames);
  }
  (void)binary.FindGoFunc();
}

}  // namespace gentrace::testing
