// gentrace core: every goroutine of a core dump as the runtime prints them,
// or (--threads) each thread's Go frames from its registers.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "proto/convert.h"
#include "proto/gentrace.pb.h"
#include "render/trace_output.h"
#include "symtab/binary.h"
#include "target/core_file.h"
#include "traceback/goroutines.h"
#include "traceback/native_frames.h"
#include "traceback/walk.h"

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
  // As the runtime's crash report: only the reporting goroutine's stack
  // among the running ones.
  const std::optional<symtab::GoVersion> go = input->binary->go_version();
  options->text = {.go_minor = go ? go->minor : 0,
                   .defers = input->args.Has("defers")};
  if (input->args.Has("threads") &&
      (options->group || input->format == "html")) {
    return absl::InvalidArgumentError(
        "--threads: threads are not grouped (--group, --format=html)");
  }
  absl::StatusOr<std::string> core_path = input->args.Required("core");
  if (!core_path.ok()) return core_path.status();
  absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
      target::CoreFile::Open(*core_path);
  if (!core.ok()) return core.status();
  const target::Target& program = **core;
  if (absl::Status loaded = (*core)->LoadExecutable(&input->binary);
      !loaded.ok()) {
    return loaded;
  }
  // Loaded where the core has it (a PIE): another Binary from here on.
  const symtab::Binary& binary = *input->binary;
  render::TraceOutput out(input->format, *options, ModuleOf(binary), stdout,
                          render::TraceOutput::Flush::kAsItComes);
  if (input->args.Has("threads")) {
    for (const target::Thread& stopped : program.threads()) {
      traceback::Thread walked = traceback::UnwindThread(
          binary, program.arch(), program.memory(), stopped.registers);
      walked.tid = stopped.tid;
      Thread thread;
      ToProto(std::move(walked), &thread);
      out.AddThread(thread);
    }
    return out.Write();
  }
  absl::StatusOr<std::unique_ptr<traceback::TargetNativeFrames>> native =
      NativeFramesFromArgs(input->args, program, binary);
  if (!native.ok()) return native.status();
  std::vector<std::string> notes;
  traceback::ReportHead head;
  bool head_added = false;
  // The report's head comes before the goroutines: it is read before the
  // first one is visited.
  const auto add_head = [&] {
    if (head_added) return;
    head_added = true;
    std::vector<Goroutine> runtime_stacks;
    for (traceback::Goroutine& g0 : head.runtime_stacks) {
      ToProto(std::move(g0), &runtime_stacks.emplace_back());
    }
    out.AddRuntimeStacks(runtime_stacks);
    std::vector<SignalReport> reports;
    for (traceback::SignalReport& report : head.signal_reports) {
      ToProto(std::move(report), &reports.emplace_back());
    }
    out.AddSignalReports(reports);
  };
  absl::Status status =
      traceback::ForEachGoroutine(binary, program,
                                  [&](Goroutine& g) {
                                    add_head();
                                    out.AddGoroutine(g);
                                  },
                                  &notes,
                                  {.pending_defers = input->args.Has("defers"),
                                   .native_frames = native->get(),
                                   .report_head = &head});
  if (!status.ok()) return status;
  add_head();
  for (std::string& note : notes) out.AddNote(std::move(note));
  return out.Write();
}

}  // namespace gentrace::cli
