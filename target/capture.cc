#include "target/capture.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "proto/gentrace.pb.h"

namespace gentrace::target {

std::string HexStringsToDecimal(absl::string_view json) {
  std::string out;
  out.reserve(json.size());
  std::string last_key;  // the string before the latest ':'
  std::string previous_string;
  size_t i = 0;
  while (i < json.size()) {
    const char c = json[i];
    if (c == ':') {
      last_key = previous_string;
      out += c;
      ++i;
      continue;
    }
    if (c != '"') {
      out += c;
      ++i;
      continue;
    }
    // A string literal: copy it, noting its (unescaped enough) contents.
    size_t end = i + 1;
    while (end < json.size() && json[end] != '"') {
      end += json[end] == '\\' ? 2 : 1;
    }
    absl::string_view literal =
        json.substr(i, std::min(end + 1, json.size()) - i);
    absl::string_view body =
        literal.substr(1, literal.size() >= 2 ? literal.size() - 2 : 0);
    previous_string = std::string(body);
    uint64_t value;
    const size_t before = out.find_last_not_of(" \t\r\n");
    const bool is_value = before != std::string::npos && out[before] == ':';
    if (is_value && last_key != "data" && last_key != "arch" &&
        (absl::StartsWith(body, "0x") || absl::StartsWith(body, "0X")) &&
        absl::SimpleHexAtoi(body.substr(2), &value)) {
      absl::StrAppend(&out, "\"", value, "\"");
    } else {
      out.append(literal.data(), literal.size());
    }
    i = end + 1;
  }
  return out;
}

absl::StatusOr<CaptureTarget> LoadCapture(absl::string_view contents) {
  Capture capture;
  const absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(contents);
  if (!trimmed.empty() && trimmed.front() == '{') {
    google::protobuf::util::JsonParseOptions options;
    const std::string json = HexStringsToDecimal(trimmed);
    auto status =
        google::protobuf::util::JsonStringToMessage(json, &capture, options);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("capture JSON: ", std::string(status.message())));
    }
  } else if (!capture.ParseFromArray(contents.data(),
                                     static_cast<int>(contents.size()))) {
    return absl::InvalidArgumentError("capture: not a Capture message");
  }
  CaptureTarget loaded;
  const arch::ArchInfo* found = arch::ArchByGoarch(capture.arch());
  if (found == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("capture: unknown arch \"", capture.arch(), "\""));
  }
  const arch::ArchInfo& arch = *found;
  loaded.facts().arch = found;
  if (capture.entry() != 0) loaded.facts().entry = capture.entry();
  Thread& thread = loaded.facts().threads.emplace_back(
      Thread{.tid = capture.tid(), .registers = arch::Registers(arch)});
  arch::Registers& registers = thread.registers;
  // Registers the architecture's set does not hold (gdb's segment and
  // vector registers, say) say nothing an unwinder uses.
  for (const auto& [name, value] : capture.registers()) {
    registers.Set(name, value);
  }
  if (!registers.pc() || !registers.sp()) {
    return absl::InvalidArgumentError(
        absl::StrCat("capture: needs registers \"", arch.pc, "\" and \"",
                     arch.sp, "\" for ", arch.goarch));
  }
  std::vector<target::RangeMemory::Range> ranges;
  for (const MemoryRange& range : capture.memory()) {
    ranges.push_back({range.address(), range.data()});
  }
  absl::StatusOr<target::RangeMemory> memory =
      target::RangeMemory::Create(std::move(ranges), arch.byte_order);
  if (!memory.ok()) return memory.status();
  loaded.memory_ = *std::move(memory);
  return loaded;
}

}  // namespace gentrace::target
