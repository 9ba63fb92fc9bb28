// gentrace core: every goroutine of a core dump as the runtime prints them,
// or (--threads) each thread's Go frames from its registers.
#include <cstdio>
#include <string>
#include <utility>

#include "cli/args.h"
#include "cli/commands.h"
#include "render/program_trace.h"

namespace gentrace::cli {
absl::Status RunCore(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {
      "binary", "core",        "defers",      "format", "group",
      "native", "pprof-group", "source-root", "threads"};
  constexpr absl::string_view kFormats[] = {"text", "json", "proto", "pprof",
                                            "html"};
  absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags, kFormats);
  if (!input.ok()) return input.status();
  absl::StatusOr<render::TraceOutputOptions> options =
      OutputOptions(input->args, input->format);
  if (!options.ok()) return options.status();
  absl::StatusOr<std::string> core_path = input->args.Required("core");
  if (!core_path.ok()) return core_path.status();
  return render::WriteCoreTrace(std::move(input->binary),
                                {.core_path = *core_path,
                                 .format = input->format,
                                 .output = *std::move(options),
                                 .threads = input->args.Has("threads"),
                                 .defers = input->args.Has("defers"),
                                 .native = input->args.Has("native")},
                                stdout);
}

}  // namespace gentrace::cli
