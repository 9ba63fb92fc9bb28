// gentrace funcs: every function of the pclntab.
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "symtab/binary.h"
#include "symtab/func_id.h"

namespace gentrace::cli {
namespace {

std::string FlagNames(uint8_t flags) {
  std::string names;
  auto add = [&](uint8_t bit, absl::string_view name) {
    if (flags & bit) absl::StrAppend(&names, names.empty() ? "" : "|", name);
  };
  add(symtab::kFuncFlagTopFrame, "TOPFRAME");
  add(symtab::kFuncFlagSpWrite, "SPWRITE");
  add(symtab::kFuncFlagAsm, "ASM");
  return names.empty() ? "-" : names;
}

}  // namespace

absl::Status RunFuncs(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary"};
  absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags);
  if (!input.ok()) return input.status();
  const symtab::Pclntab& table = input->binary->pclntab();

  std::string out = "# entry\tend\tfuncid\tflags\targs\tdeferreturn\tname\n";
  for (uint32_t i = 0; i < table.num_funcs(); ++i) {
    absl::StatusOr<symtab::Func> func = table.FuncAt(i);
    if (absl::IsNotFound(func.status())) continue;  // gap between sections
    if (!func.ok()) {
      absl::StrAppend(&out, "# function #", i, ": ", func.status().message(),
                      "\n");
      continue;
    }
    absl::StatusOr<absl::string_view> name = func->Name();
    absl::StrAppend(&out, "0x", absl::Hex(func->entry()), "\t0x",
                    absl::Hex(func->end()), "\t",
                    symtab::FuncIdName(func->func_id()), "\t",
                    FlagNames(func->flags()), "\t", func->args_size(), "\t",
                    func->deferreturn(), "\t", name.ok() ? *name : "?", "\n");
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return absl::OkStatus();
}

}  // namespace gentrace::cli
