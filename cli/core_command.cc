// gentrace core --threads: each thread's Go frames from its registers.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/thread_output.h"
#include "proto/convert.h"
#include "proto/gentrace.pb.h"
#include "symtab/binary.h"
#include "unwind/core_file.h"

namespace gentrace::cli {

absl::Status RunCore(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary", "core", "format",
                                          "threads"};
  constexpr absl::string_view kFormats[] = {"text", "json"};
  absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags, kFormats);
  if (!input.ok()) return input.status();
  if (!input->args.Has("threads")) {
    return absl::InvalidArgumentError(
        "only --threads is implemented: each thread's Go frames from its "
        "registers (goroutines come with the goroutine view)");
  }
  absl::StatusOr<std::string> core_path = input->args.Required("core");
  if (!core_path.ok()) return core_path.status();
  absl::StatusOr<std::unique_ptr<unwind::CoreFile>> core =
      unwind::CoreFile::Open(*core_path);
  if (!core.ok()) return core.status();
  const symtab::Binary& binary = *input->binary;
  if ((*core)->arch().goarch != binary.goarch()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the core is ", (*core)->arch().goarch,
                     " but the binary is ", binary.goarch()));
  }
  (*core)->AttachExecutable(&binary.elf());

  Trace trace;
  *trace.add_modules() = ModuleOf(binary);
  for (const unwind::CoreThread& core_thread : (*core)->threads()) {
    Thread* thread = trace.add_threads();
    *thread =
        UnwindRegisters(binary, (*core)->arch(), **core, core_thread.registers);
    thread->set_tid(core_thread.tid);
  }
  std::string out;
  if (input->format == "json") {
    absl::StatusOr<std::string> json = ToJsonLine(trace);
    if (!json.ok()) return json.status();
    out = *json + "\n";
  } else {
    for (const Thread& thread : trace.threads()) AppendThreadText(thread, &out);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return absl::OkStatus();
}

}  // namespace gentrace::cli
