// gentrace symbolize: PCs to function, file and line, with inlined frames.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/line_reader.h"
#include "render/symbolized_pc.h"
#include "symtab/binary.h"
#include "symtab/hex_text.h"
#include "symtab/symbol_index.h"
#include "symtab/symbolizer.h"

namespace gentrace::cli {

absl::Status RunSymbolize(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary", "format", "callers",
                                          "line-buffered", "index"};
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

  absl::StatusOr<std::unique_ptr<symtab::SymbolIndex>> index =
      OpenSymbolIndex(input->args, binary, "symbolize");
  if (!index.ok()) return index.status();

  // PCs are answered in batches, so that their lookups overlap in memory;
  // one at a time when each answer is awaited.
  const size_t batch_size = line_buffered ? 1 : 256;
  const symtab::Symbolizer symbolizer(binary, index->get());
  std::vector<uint64_t> pcs, lookups;
  std::vector<symtab::Symbolizer::BatchResult> results;
  std::vector<symtab::SourceFrame> frames;
  std::string out;
  auto answer_pending = [&]() -> absl::Status {
    symbolizer.SymbolizeBatch(lookups, &results, &frames);
    for (size_t i = 0; i < pcs.size(); ++i) {
      const absl::Span<const symtab::SourceFrame> answer =
          absl::MakeConstSpan(frames).subspan(results[i].first,
                                              results[i].count);
      if (json) {
        render::AppendSymbolizedPcJson(pcs[i], results[i].status, answer, &out);
      } else {
        render::AppendSymbolizedPcText(pcs[i], results[i].status, answer, &out);
      }
    }
    pcs.clear();
    lookups.clear();
    if (line_buffered || out.size() >= (1 << 16)) {
      absl::Status written = WriteAll(STDOUT_FILENO, out);
      out.clear();
      return written;
    }
    return absl::OkStatus();
  };
  auto symbolize_one = [&](absl::string_view text) -> absl::Status {
    std::optional<uint64_t> pc = symtab::ParseHexAddress(text);
    if (!pc) {
      // What was read before the bad line is still answered.
      (void)answer_pending();
      return absl::InvalidArgumentError(
          absl::StrCat("not a hex address: \"", text, "\""));
    }
    pcs.push_back(*pc);
    lookups.push_back(callers && *pc > 0 ? *pc - 1 : *pc);
    return pcs.size() == batch_size ? answer_pending() : absl::OkStatus();
  };

  if (!input->args.positional().empty()) {
    for (const std::string& pc : input->args.positional()) {
      if (absl::Status s = symbolize_one(pc); !s.ok()) {
        (void)WriteAll(STDOUT_FILENO, out);
        return s;
      }
    }
  } else {
    LineReader lines(STDIN_FILENO);
    while (std::optional<absl::string_view> line = lines.Next()) {
      const absl::string_view text = symtab::TrimAsciiWhitespace(*line);
      if (text.empty()) continue;
      if (absl::Status s = symbolize_one(text); !s.ok()) {
        (void)WriteAll(STDOUT_FILENO, out);
        return s;
      }
    }
    if (!lines.status().ok()) {
      (void)answer_pending();
      (void)WriteAll(STDOUT_FILENO, out);
      return lines.status();
    }
  }
  if (absl::Status answered = answer_pending(); !answered.ok()) {
    return answered;
  }
  return WriteAll(STDOUT_FILENO, out);
}

}  // namespace gentrace::cli
