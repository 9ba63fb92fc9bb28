#include "traceback/traceback_text.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace gentrace::traceback {
namespace {

// "main.(*T).M(0x1, {...})" -> "main.(*T).M": the argument list opens at
// the first '(' not right after a '.'.
std::string FunctionOfCallLine(absl::string_view line) {
  for (size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '(' && line[i - 1] != '.') {
      return std::string(line.substr(0, i));
    }
  }
  return std::string(line);
}

std::optional<uint64_t> HexAfter(absl::string_view text,
                                 absl::string_view key) {
  const size_t at = text.find(key);
  if (at == absl::string_view::npos) return std::nullopt;
  absl::string_view hex = text.substr(at + key.size());
  hex = hex.substr(0, hex.find_first_of(" ]"));
  uint64_t value;
  if (!absl::SimpleHexAtoi(hex, &value)) return std::nullopt;
  return value;
}

// A line a goroutine block can hold after its header: a frame
// ("pkg.F(args)"), a position or note (tab-indented), a creator, an
// ancestor's heading, or an elision mark. Registers and whatever else a
// crashing process printed next are not.
bool IsGoroutineBlockLine(absl::string_view line) {
  return absl::EndsWith(line, ")") || absl::StartsWith(line, "\t") ||
         absl::StartsWith(line, "created by ") ||
         absl::StartsWith(line, "[originating from goroutine ") ||
         absl::StartsWith(line, "...");
}

}  // namespace

std::vector<TracebackTextSection> ParseTracebackText(absl::string_view text) {
  std::vector<TracebackTextSection> sections;
  std::optional<uint64_t> signal_pc;
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::string_view line = lines[i];
    if (absl::StartsWith(line, "[signal ")) {
      signal_pc = HexAfter(line, " pc=0x");
      if (!signal_pc) signal_pc = HexAfter(line, " PC=0x");
      continue;
    }
    // A signal the runtime reports without "[signal", such as SIGQUIT:
    // "PC=0x46ef01 m=0 sigcode=0".
    if (absl::StartsWith(line, "PC=0x")) {
      signal_pc = HexAfter(line, "PC=0x");
      continue;
    }
    if (absl::StartsWith(line, "goroutine ") || line == "runtime stack:" ||
        absl::StartsWith(line, "...")) {
      sections.push_back({std::string(line), {}, signal_pc});
      continue;
    }
    if (absl::StartsWith(line, "created by ")) {
      ++i;  // and its position line
      continue;
    }
    if (sections.empty() || line.empty() || line[0] == '\t' ||
        i + 1 >= lines.size() || !absl::StartsWith(lines[i + 1], "\t")) {
      continue;
    }
    TracebackTextFrame frame;
    frame.inlined = absl::EndsWith(line, "(...)");
    frame.function = FunctionOfCallLine(line);
    if (frame.function == "panic") frame.function = "runtime.gopanic";
    const absl::string_view position = absl::StripPrefix(lines[++i], "\t");
    for (absl::string_view part : absl::StrSplit(position, ' ')) {
      uint64_t value;
      if (frame.position.empty()) {
        frame.position = std::string(part);
      } else if (absl::ConsumePrefix(&part, "+0x") &&
                 absl::SimpleHexAtoi(part, &value)) {
        frame.offset = value;
      } else if (absl::ConsumePrefix(&part, "fp=0x") &&
                 absl::SimpleHexAtoi(part, &value)) {
        frame.fp = value;
      } else if (absl::ConsumePrefix(&part, "sp=0x") &&
                 absl::SimpleHexAtoi(part, &value)) {
        frame.sp = value;
      } else if (absl::ConsumePrefix(&part, "pc=0x") &&
                 absl::SimpleHexAtoi(part, &value)) {
        frame.pc = value;
      }
    }
    sections.back().frames.push_back(std::move(frame));
  }
  return sections;
}

std::optional<GoroutineHeader> ParseGoroutineHeader(absl::string_view line) {
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(line, absl::MaxSplits(" [", 1));
  GoroutineHeader header;
  if (!absl::ConsumePrefix(&parts.first, "goroutine ") ||
      !absl::SimpleAtoi(parts.first.substr(0, parts.first.find(' ')),
                        &header.id) ||
      !absl::ConsumeSuffix(&parts.second, "]:")) {
    return std::nullopt;
  }
  header.status = std::string(parts.second);
  return header;
}

std::map<int64_t, std::vector<std::string>> GoroutineBlocks(
    absl::string_view text) {
  std::map<int64_t, std::vector<std::string>> blocks;
  std::string* block = nullptr;
  bool creator_position = false;  // the line is a "created by" position
  bool block_may_end = false;     // the line before was one
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (std::optional<GoroutineHeader> header = ParseGoroutineHeader(line)) {
      block = header->id == 0 ? nullptr : &blocks[header->id].emplace_back();
    } else if (!IsGoroutineBlockLine(line) ||
               (block_may_end &&
                !absl::StartsWith(line, "[originating from goroutine "))) {
      block = nullptr;
    }
    block_may_end = creator_position;
    creator_position = absl::StartsWith(line, "created by ");
    if (block == nullptr) continue;
    absl::StrAppend(block, line, "\n");
  }
  return blocks;
}

}  // namespace gentrace::traceback
