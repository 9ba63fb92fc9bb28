#include "tests/testing/breakpad_text.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace gentrace::testing {
namespace {

// Every "NAME = 0xHEX" on the line, into `registers`.
void ReadRegisterPairs(absl::string_view line, RegisterValues* registers) {
  const std::vector<absl::string_view> words =
      absl::StrSplit(line, ' ', absl::SkipEmpty());
  for (size_t i = 0; i + 2 < words.size(); ++i) {
    uint64_t value = 0;
    if (words[i + 1] == "=" && absl::StartsWith(words[i + 2], "0x") &&
        absl::SimpleHexAtoi(words[i + 2], &value)) {
      (*registers)[std::string(words[i])] = value;
    }
  }
}

}  // namespace

MinidumpDumpText ReadMinidumpDumpText(absl::string_view output) {
  MinidumpDumpText dumped;
  std::string section, base, file;
  // Whose registers a context section holds: a thread's, or the
  // exception's, whichever section came before it.
  RegisterValues* context = nullptr;
  RegisterValues* owner = nullptr;
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    if (!line.empty() && line[0] != ' ') {
      section = std::string(line);
      context = absl::StartsWith(section, "MDRawContext") ? owner : nullptr;
      if (section == "MDException") owner = &dumped.crash_registers;
    }
    const std::vector<absl::string_view> field =
        absl::StrSplit(line, absl::MaxSplits(" = ", 1));
    if (field.size() != 2) continue;
    const absl::string_view name = absl::StripAsciiWhitespace(field[0]);
    const absl::string_view value = absl::StripAsciiWhitespace(field[1]);
    int64_t number = 0;
    if (context != nullptr) {
      ReadRegisterPairs(line, context);
    } else if (name == "thread_id" && absl::SimpleHexAtoi(value, &number)) {
      if (section == "MDException") {
        dumped.crashed = number;
      } else {
        dumped.threads.push_back({number, {}});
        owner = &dumped.threads.back().registers;
      }
    } else if (name == "exception_record.exception_code") {
      (void)absl::SimpleHexAtoi(value, &dumped.signal);
    } else if (name == "base_of_image") {
      base = std::string(value);
    } else if (name == "(code_file)") {
      file =
          std::string(absl::StripSuffix(absl::StripPrefix(value, "\""), "\""));
      dumped.files.push_back(absl::StrCat(base, " ", file));
    } else if (name == "(cv_record).build_id") {
      dumped.modules.push_back(absl::StrCat(base, " ", file, " ", value));
    }
  }
  return dumped;
}

StackwalkText ReadStackwalkText(absl::string_view output) {
  StackwalkText walk;
  bool in_crashed = false, in_first_frame = false, in_modules = false;
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    absl::string_view rest = line;
    if (absl::ConsumePrefix(&rest, "Crash reason:")) {
      walk.crash_reason = std::string(absl::StripAsciiWhitespace(rest));
    } else if (absl::ConsumePrefix(&rest, "Crash address:")) {
      (void)absl::SimpleHexAtoi(absl::StripAsciiWhitespace(rest),
                                &walk.crash_address);
    } else if (absl::ConsumePrefix(&rest, "Thread ")) {
      in_crashed = absl::StrContains(rest, "(crashed)");
      if (in_crashed) {
        (void)absl::SimpleAtoi(rest.substr(0, rest.find(' ')),
                               &walk.crashed_thread);
        if (const size_t tid = rest.find("tid: ");
            tid != absl::string_view::npos) {
          (void)absl::SimpleAtoi(rest.substr(tid + 5), &walk.crashed_tid);
        }
      }
      in_first_frame = false;
    } else if (absl::StartsWith(line, "Loaded modules:")) {
      in_modules = true;
    } else if (in_modules) {
      // "0x00400000 - 0x0042cfff  test_app.exe  ???  (main)"
      const std::vector<absl::string_view> words =
          absl::StrSplit(line, ' ', absl::SkipEmpty());
      StackwalkText::Module module;
      if (words.size() < 4 || words[1] != "-" ||
          !absl::SimpleHexAtoi(words[0], &module.base) ||
          !absl::SimpleHexAtoi(words[2], &module.last)) {
        in_modules = false;
        continue;
      }
      module.name = std::string(words[3]);
      module.main = words.back() == "(main)";
      walk.modules.push_back(module);
    } else if (in_crashed) {
      const absl::string_view text = absl::StripLeadingAsciiWhitespace(line);
      if (absl::StartsWith(text, "0  ")) {
        walk.first_frame =
            std::string(absl::StripAsciiWhitespace(text.substr(1)));
        in_first_frame = true;
      } else if (!text.empty() && absl::ascii_isdigit(text[0])) {
        in_first_frame = false;
      } else if (in_first_frame) {
        ReadRegisterPairs(line, &walk.first_frame_registers);
      }
    }
  }
  return walk;
}

}  // namespace gentrace::testing
