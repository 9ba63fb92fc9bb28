#include "cli/args.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gentrace::cli {

absl::StatusOr<Args> Args::Parse(absl::Span<char* const> argv,
                                 absl::Span<const absl::string_view> known) {
  Args args;
  bool flags_done = false;
  for (absl::string_view arg : argv) {
    if (flags_done || !absl::StartsWith(arg, "--")) {
      args.positional_.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    arg.remove_prefix(2);
    const size_t eq = arg.find('=');
    absl::string_view name = arg.substr(0, eq);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, " (known: --",
                       absl::StrJoin(known, ", --"), ")"));
    }
    args.flags_[std::string(name)] =
        eq == absl::string_view::npos ? "" : std::string(arg.substr(eq + 1));
  }
  return args;
}

std::optional<std::string> Args::Flag(absl::string_view name) const {
  auto it = flags_.find(std::string(name));
  if (it == flags_.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<std::string> Args::Format(
    absl::Span<const absl::string_view> allowed) const {
  std::string format = Flag("format").value_or(std::string(allowed.front()));
  if (std::find(allowed.begin(), allowed.end(), format) == allowed.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--format must be one of ", absl::StrJoin(allowed, ", ")));
  }
  return format;
}

absl::StatusOr<std::string> Args::Required(absl::string_view name) const {
  std::optional<std::string> value = Flag(name);
  if (!value || value->empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, " is required"));
  }
  return *value;
}

absl::StatusOr<size_t> SizeFlag(const Args& args, absl::string_view name,
                                size_t fallback) {
  std::optional<std::string> text = args.Flag(name);
  if (!text) return fallback;
  size_t value = 0;
  if (!absl::SimpleAtoi(*text, &value) || value == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, ": not a positive number: ", *text));
  }
  return value;
}

std::string StoreDir(const Args& args) {
  if (std::optional<std::string> dir = args.Flag("store")) return *dir;
  if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache && *cache) {
    return absl::StrCat(cache, "/gentrace/store");
  }
  const char* home = std::getenv("HOME");
  return absl::StrCat(home != nullptr ? home : ".", "/.cache/gentrace/store");
}

int ExitCode(absl::string_view command, const absl::Status& status) {
  if (status.ok()) return 0;
  std::fprintf(stderr, "gentrace %s: %s\n", std::string(command).c_str(),
               std::string(status.message()).c_str());
  return absl::IsInvalidArgument(status) ? 2 : 1;
}

}  // namespace gentrace::cli
