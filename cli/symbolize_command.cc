// gentrace symbolize: PCs to function, file and line, with inlined frames.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "proto/convert.h"
#include "proto/gentrace.pb.h"
#include "symtab/binary.h"

namespace gentrace::cli {
namespace {

// Formats one PC's result into `out`. Text: a line per logical frame,
// "0x<pc>\t<function>\t<file>:<line>" plus "\tinlined" for inlined calls, or
// "0x<pc>\t?\terror: <why>".
absl::Status FormatResult(uint64_t pc, const absl::Status& status,
                          const std::vector<symtab::SourceFrame>& frames,
                          bool json, std::string* out) {
  if (json) {
    SymbolizedPc result;
    result.set_pc(pc);
    if (!status.ok()) {
      result.set_error(std::string(status.message()));
    }
    for (const symtab::SourceFrame& frame : frames) {
      ToProto(frame, result.add_frames());
    }
    absl::StatusOr<std::string> line = ToJsonLine(result);
    if (!line.ok()) return line.status();
    absl::StrAppend(out, *line, "\n");
    return absl::OkStatus();
  }
  if (!status.ok()) {
    absl::StrAppend(out, "0x", absl::Hex(pc), "\t?\terror: ", status.message(),
                    "\n");
    return absl::OkStatus();
  }
  for (const symtab::SourceFrame& frame : frames) {
    absl::StrAppend(out, "0x", absl::Hex(pc), "\t", frame.function, "\t",
                    frame.file, ":", frame.line,
                    frame.inlined ? "\tinlined" : "", "\n");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunSymbolize(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary", "format", "callers"};
  constexpr absl::string_view kFormats[] = {"text", "json"};
  absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags, kFormats);
  if (!input.ok()) return input.status();
  const symtab::Binary& binary = *input->binary;
  const bool json = input->format == "json";
  // runtime.Callers stores return addresses (and pc+1 for a trap), so the
  // call's own line is at pc-1, as runtime.Frames does it.
  const bool callers = input->args.Has("callers");

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
    absl::Status status = binary.Symbolize(lookup, &frames);
    if (!status.ok()) frames.clear();
    absl::Status formatted = FormatResult(*pc, status, frames, json, &out);
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
    return formatted;
  };

  if (!input->args.positional().empty()) {
    for (const std::string& pc : input->args.positional()) {
      if (absl::Status s = symbolize_one(pc); !s.ok()) return s;
    }
  } else {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      if (absl::Status s = symbolize_one(line); !s.ok()) return s;
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return absl::OkStatus();
}

}  // namespace gentrace::cli
