#include "tests/testing/runtime_report.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gentrace::testing {

std::vector<PrintedBlock> ReadRuntimeReport(const std::string& text) {
  std::vector<PrintedBlock> report;
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  std::vector<PrintedFrame>* block = nullptr;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    int64_t id = 0;
    if (absl::StartsWith(line, "goroutine ") && absl::EndsWith(line, ":") &&
        absl::SimpleAtoi(line.substr(10, line.find(' ', 10) - 10), &id)) {
      block = &report.emplace_back(PrintedBlock{id, {}}).frames;
      continue;
    }
    if (line == "runtime stack:") {
      block = &report.emplace_back().frames;
      continue;
    }
    if (line.empty()) block = nullptr;
    const bool position_follows =
        i + 1 < lines.size() && absl::StartsWith(lines[i + 1], "\t");
    if (block == nullptr || !position_follows || line[0] == '\t') continue;
    const std::string position = lines[++i].substr(1);
    if (absl::StartsWith(line, "created by ")) continue;
    std::string function = line.substr(0, line.rfind('('));
    if (function == "panic") function = "runtime.gopanic";
    PrintedFrame frame;
    frame.frame =
        absl::StrCat(function, " ", position.substr(0, position.find(' ')));
    const size_t pc = position.find(" pc=0x");
    if (pc == std::string::npos ||
        !absl::SimpleHexAtoi(position.substr(pc + 6), &frame.pc)) {
      frame.pc = 0;
    }
    block->push_back(frame);
  }
  return report;
}

}  // namespace gentrace::testing
