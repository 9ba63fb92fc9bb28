// gentrace symbolize: PCs to function, file and line, with inlined frames.
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/line_reader.h"
#include "render/symbolized_pc.h"
#include "symtab/binary.h"

namespace gentrace::cli {

absl::Status RunSymbolize(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary", "format", "callers",
                                          "line-buffered"};
  constexpr absl::string_view kFormats[] = {"text", "json"};
  absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags, kFormats);
  if (!input.ok()) return input.status();
  const symtab::Binary& binary = *input->binary;
  const bool json = input->format == "json";
  // runtime.Callers stores return addresses (and pc+1 for a trap), so the
  // call's own line is at pc-1, as runtime.Frames does it.
  const bool callers = input->args.Has("callers");
  // A person typing PCs, or a program waiting for each answer, sees each
  // one at once; otherwise output goes out in 64 KiB writes.
  const bool line_buffered =
      input->args.Has("line-buffered") || isatty(STDIN_FILENO) == 1;

  std::vector<symtab::SourceFrame> frames;
  std::string out;
  auto symbolize_one = [&](absl::string_view text) -> absl::Status {
    std::optional<uint64_t> pc = ParseHexAddress(text);
    if (!pc) {
      return absl::InvalidArgumentError(
          absl::StrCat("not a hex address: \"", text, "\""));
    }
    frames.clear();
    const uint64_t lookup = callers && *pc > 0 ? *pc - 1 : *pc;
    const absl::Status status = binary.Symbolize(lookup, &frames);
    if (json) {
      render::AppendSymbolizedPcJson(*pc, status, frames, &out);
    } else {
      render::AppendSymbolizedPcText(*pc, status, frames, &out);
    }
    if (line_buffered || out.size() >= (1 << 16)) {
      absl::Status written = WriteAll(STDOUT_FILENO, out);
      out.clear();
      return written;
    }
    return absl::OkStatus();
  };

  if (!input->args.positional().empty()) {
    for (const std::string& pc : input->args.positional()) {
      if (absl::Status s = symbolize_one(pc); !s.ok()) return s;
    }
  } else {
    LineReader lines(STDIN_FILENO);
    while (std::optional<absl::string_view> line = lines.Next()) {
      const absl::string_view text = absl::StripAsciiWhitespace(*line);
      if (text.empty()) continue;
      if (absl::Status s = symbolize_one(text); !s.ok()) {
        // What was answered before the bad line still goes out.
        (void)WriteAll(STDOUT_FILENO, out);
        return s;
      }
    }
    if (!lines.status().ok()) return lines.status();
  }
  return WriteAll(STDOUT_FILENO, out);
}

}  // namespace gentrace::cli
