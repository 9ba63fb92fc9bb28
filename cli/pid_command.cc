// gentrace pid PID: every goroutine of a running Go process, read while its
// threads are held still with ptrace; the process then runs on.
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "proto/convert.h"
#include "proto/gentrace.pb.h"
#include "render/program_trace.h"
#include "render/trace_output.h"
#include "symtab/binary.h"
#include "target/live_process.h"
#include "traceback/goroutines.h"

namespace gentrace::cli {

absl::Status RunPid(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary",     "defers", "format",
                                          "group",      "native", "pprof-group",
                                          "source-root"};
  constexpr absl::string_view kFormats[] = {"text", "json", "proto", "pprof",
                                            "html"};
  absl::StatusOr<Args> args = Args::Parse(argv, kFlags);
  if (!args.ok()) return args.status();
  absl::StatusOr<std::string> format = args->Format(kFormats);
  if (!format.ok()) return format.status();
  absl::StatusOr<render::TraceOutputOptions> options =
      OutputOptions(*args, *format);
  if (!options.ok()) return options.status();
  pid_t pid = 0;
  if (args->positional().size() != 1 ||
      !absl::SimpleAtoi(args->positional()[0], &pid) || pid <= 0) {
    return absl::InvalidArgumentError(
        "usage: gentrace pid PID [--binary=PATH] [--defers] [--native]");
  }

  absl::StatusOr<std::unique_ptr<target::LiveProcess>> process =
      target::LiveProcess::Attach(pid);
  if (!process.ok()) return process.status();
  // The executable the process runs, unless another copy (with symbols,
  // say) is named.
  absl::StatusOr<std::unique_ptr<symtab::Binary>> opened = symtab::Binary::Open(
      args->Flag("binary").value_or((*process)->executable_path()));
  if (!opened.ok()) return opened.status();
  absl::StatusOr<target::LoadedExecutable> binary =
      (*process)->LoadExecutable(**opened);
  if (!binary.ok()) return binary.status();
  absl::StatusOr<std::unique_ptr<traceback::TargetNativeFrames>> native =
      render::NativeFramesIf(args->Has("native"), **process, **binary);
  if (!native.ok()) return native.status();
  // A live process has no crash report to match: every running goroutine's
  // stack is shown.
  options->text = {
      .go_minor = (*binary)->go_version() ? (*binary)->go_version()->minor : 0,
      .running_stacks = true,
      .defers = args->Has("defers")};
  render::TraceOutput out(*format, *options, ModuleOf(**binary), stdout,
                          render::TraceOutput::Flush::kAtWrite);
  // The output is rendered while the process is held and written after it
  // runs again, so a slow reader of stdout cannot keep it stopped.
  absl::Status read = render::AddGoroutines(
      **binary, **process,
      {.pending_defers = args->Has("defers"), .native_frames = native->get()},
      &out);
  (*process)->Detach();
  if (!read.ok()) return read;
  return out.Write();
}

}  // namespace gentrace::cli
