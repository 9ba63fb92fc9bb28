#ifndef GENTRACE_CLI_COMMANDS_H_
#define GENTRACE_CLI_COMMANDS_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "cli/args.h"
#include "render/trace_output.h"
#include "symtab/binary.h"
#include "symtab/symbol_index.h"
#include "target/target.h"
#include "traceback/native_frames.h"

namespace gentrace::cli {

// What every subcommand starts from: its parsed flags, the --format it was
// asked for (empty if it has none) and the --binary, opened.
struct CommandInput {
  Args args;
  std::string format;
  std::unique_ptr<symtab::Binary> binary;
};
// Parses `argv` against `flags` (which must include "binary") and --arch,
// checks --format against `formats` when given, and opens --binary (a fat
// Mach-O file's slice for --arch).
absl::StatusOr<CommandInput> ParseAndOpen(
    absl::Span<char* const> argv, absl::Span<const absl::string_view> flags,
    absl::Span<const absl::string_view> formats = {});

// Writes `bytes` to PATH.partial and renames it to `path`: a reader never
// sees a half-written file, and a failure leaves none.
absl::Status WriteFileWhole(const std::string& path, absl::string_view bytes);

// The binary's symbolization index, which answers what it covers: the one
// --index names (which must be good), else BINARY.gtindex when present (one
// that is stale or corrupt is reported on stderr for `command` and left
// unused); none with --index=none or when there is none.
absl::StatusOr<std::unique_ptr<symtab::SymbolIndex>> OpenSymbolIndex(
    const Args& args, const symtab::Binary& binary, absl::string_view command);

// The goroutine view's options from the flags `core` and `pid` share:
// --pprof-group (pprof samples per distinct stack, only with
// --format=pprof), --group[=exact|pcs|functions] (text, JSON, proto and
// HTML) and --source-root (HTML). Checked before a process is stopped or a
// core read; the text options, which need the binary, are the caller's.
absl::StatusOr<render::TraceOutputOptions> OutputOptions(
    const Args& args, absl::string_view format);

// Each runs one subcommand on its arguments (after the subcommand name),
// writing results to stdout. A returned error is printed by main.
absl::Status RunSymbolize(absl::Span<char* const> argv);
absl::Status RunFuncs(absl::Span<char* const> argv);
absl::Status RunBreakpadSyms(absl::Span<char* const> argv);
absl::Status RunInfo(absl::Span<char* const> argv);
absl::Status RunCore(absl::Span<char* const> argv);
absl::Status RunMinidump(absl::Span<char* const> argv);
absl::Status RunUnwind(absl::Span<char* const> argv);
absl::Status RunPid(absl::Span<char* const> argv);
absl::Status RunRender(absl::Span<char* const> argv);
absl::Status RunNative(absl::Span<char* const> argv);
absl::Status RunIndex(absl::Span<char* const> argv);
absl::Status RunPprofSymbolize(absl::Span<char* const> argv);
absl::Status RunCrashText(absl::Span<char* const> argv);
absl::Status RunStore(absl::Span<char* const> argv);

// Where gentrace index writes a binary's symbolization index, and where
// gentrace symbolize looks for it: beside the binary, as BINARY.gtindex.
std::string DefaultIndexPath(absl::string_view binary_path);

}  // namespace gentrace::cli

#endif  // GENTRACE_CLI_COMMANDS_H_
