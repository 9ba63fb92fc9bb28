#ifndef GENTRACE_CLI_ARGS_H_
#define GENTRACE_CLI_ARGS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace gentrace::cli {

// A subcommand's arguments: --name=value flags (or --name for booleans) and
// positional arguments, in any order; "--" ends the flags.
class Args {
 public:
  // Rejects flags not in `known`.
  static absl::StatusOr<Args> Parse(absl::Span<char* const> argv,
                                    absl::Span<const absl::string_view> known);

  std::optional<std::string> Flag(absl::string_view name) const;
  bool Has(absl::string_view name) const {
    return flags_.count(std::string(name));
  }
  const std::vector<std::string>& positional() const { return positional_; }

  // --format, checked against `allowed`; the first is the default.
  absl::StatusOr<std::string> Format(
      absl::Span<const absl::string_view> allowed) const;
  // --binary, which every subcommand needs.
  absl::StatusOr<std::string> Required(absl::string_view name) const;

 private:
  std::map<std::string, std::string> flags_;
  std::vector<std::string> positional_;
};

// A --name=N flag, a positive count of bytes or things; `fallback` when it
// is not given.
absl::StatusOr<size_t> SizeFlag(const Args& args, absl::string_view name,
                                size_t fallback);

// The service's store directory: --store, or under the user's cache
// directory ($XDG_CACHE_HOME, else ~/.cache): gentrace/store.
std::string StoreDir(const Args& args);

// How a command ends, for gentrace and gentrace-serve alike: a failed
// `command`'s error goes to stderr as "gentrace COMMAND: message", and the
// exit code is 0, 2 for a bad invocation (InvalidArgument), else 1.
int ExitCode(absl::string_view command, const absl::Status& status);

}  // namespace gentrace::cli

#endif  // GENTRACE_CLI_ARGS_H_
