// gentrace index: a binary's symbolization index (symtab/symbol_index.h),
// which gentrace symbolize then answers from.
#include <string>

#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "symtab/symbol_index.h"

namespace gentrace::cli {

std::string DefaultIndexPath(absl::string_view binary_path) {
  return absl::StrCat(binary_path, ".gtindex");
}

absl::Status RunIndex(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary", "out"};
  absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags);
  if (!input.ok()) return input.status();
  const std::string out =
      input->args.Flag("out").value_or(DefaultIndexPath(input->binary->path()));
  absl::StatusOr<std::string> index =
      symtab::SymbolIndex::Build(*input->binary);
  if (!index.ok()) return index.status();
  // A reader never maps a half-written index.
  return WriteFileWhole(out, *index);
}

}  // namespace gentrace::cli
