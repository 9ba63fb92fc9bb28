// gentrace info: what a binary is and where its metadata came from.
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "proto/convert.h"
#include "symtab/binary.h"

namespace gentrace::cli {

absl::Status RunInfo(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary", "format"};
  constexpr absl::string_view kFormats[] = {"text", "json"};
  absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags, kFormats);
  if (!input.ok()) return input.status();
  const symtab::Binary& binary = *input->binary;
  const Module module = ModuleOf(binary);

  if (input->format == "json") {
    absl::StatusOr<std::string> json = ToJsonLine(module);
    if (!json.ok()) return json.status();
    std::printf("%s\n", json->c_str());
    return absl::OkStatus();
  }
  const symtab::Pclntab& table = binary.pclntab();
  const symtab::FuncIdTable* ids = table.func_id_table();
  std::string out = absl::StrCat(
      "path: ", module.path(), "\n", "file: ", module.file_format(),
      module.file_id().empty() ? "" : absl::StrCat(", id ", module.file_id()),
      "\n", "arch: ", module.arch(), "\n", "go version: ",
      module.go_version().empty() ? "unknown" : module.go_version(), "\n",
      "main module: ", module.main_module(), "\n",
      "pclntab format: ", module.pclntab_format(), "\n", "pclntab: 0x",
      absl::Hex(binary.pclntab_address()), " (", table.size(),
      " bytes, found by ", symtab::PclntabSourceName(binary.pclntab_source()),
      ")\n", "pc quantum: ", table.pc_quantum(), "\n",
      "pointer size: ", table.ptr_size(), "\n",
      "functions: ", table.num_funcs(), "\n", "text: 0x",
      absl::Hex(module.text_start()), "-0x", absl::Hex(module.text_end()), "\n",
      "funcID table: ", ids ? ids->releases : "by name",
      ids && table.func_ids_calibrated() ? " (calibrated)" : "", "\n",
      "go build id: ", module.go_build_id(), "\n",
      "gnu build id: ", module.gnu_build_id(), "\n",
      "symbols: ", binary.elf().has_symtab() ? "yes" : "stripped", "\n");
  std::fwrite(out.data(), 1, out.size(), stdout);
  return absl::OkStatus();
}

}  // namespace gentrace::cli
