// gentrace breakpad-syms: Breakpad's symbol file of a Go binary, from its
// pclntab (render/breakpad_symbols.h).
#include <cstdio>

#include "cli/commands.h"
#include "render/breakpad_symbols.h"

namespace gentrace::cli {

absl::Status RunBreakpadSyms(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary"};
  absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags);
  if (!input.ok()) return input.status();
  bool written = true;
  absl::Status status = render::WriteBreakpadSymbols(
      *input->binary, [&](absl::string_view piece) {
        written = written && std::fwrite(piece.data(), 1, piece.size(),
                                         stdout) == piece.size();
      });
  if (status.ok() && (!written || std::fflush(stdout) != 0)) {
    status = absl::UnavailableError("writing the symbol file failed");
  }
  return status;
}

}  // namespace gentrace::cli
