#ifndef GENTRACE_CLI_COMMANDS_H_
#define GENTRACE_CLI_COMMANDS_H_

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace gentrace::cli {

// Each runs one subcommand on its arguments (after the subcommand name),
// writing results to stdout. A returned error is printed by main.
absl::Status RunSymbolize(absl::Span<char* const> argv);
absl::Status RunFuncs(absl::Span<char* const> argv);
absl::Status RunInfo(absl::Span<char* const> argv);

}  // namespace gentrace::cli

#endif  // GENTRACE_CLI_COMMANDS_H_
