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

}  // namespace gentrace::cli

#endif  // GENTRACE_CLI_ARGS_H_
