// gentrace core: every goroutine of a core dump as the runtime prints them,
// or (--threads) each thread's Go frames from its registers.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/thread_output.h"
#include "proto/convert.h"
#include "proto/gentrace.pb.h"
#include "proto/goroutines.h"
#include "proto/runtime_text.h"
#include "symtab/binary.h"
#include "unwind/core_file.h"

namespace gentrace::cli {

absl::Status RunCore(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary", "core", "format",
                                          "threads"};
  constexpr absl::string_view kFormats[] = {"text", "json"};
  absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags, kFormats);
  if (!input.ok()) return input.status();
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
  if (absl::Status same = (*core)->VerifyExecutable(); !same.ok()) return same;

  Trace trace;
  *trace.add_modules() = ModuleOf(binary);
  if (!input->args.Has("threads")) {
    absl::Status status =
        ReadGoroutines(binary, (*core)->arch(), **core, (*core)->load_bias(),
                       (*core)->threads(), &trace);
    if (!status.ok()) return status;
  }
  for (const unwind::CoreThread& core_thread :
       input->args.Has("threads") ? (*core)->threads()
                                  : std::vector<unwind::CoreThread>()) {
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
    // Notes say how the output was made; stdout stays the runtime's format.
    for (const std::string& note : trace.notes()) {
      absl::FPrintF(stderr, "gentrace: %s\n", note);
    }
    for (const Thread& thread : trace.threads()) AppendThreadText(thread, &out);
    const RuntimeTextOptions options{
        .go_minor = binary.go_version() ? binary.go_version()->minor : 0};
    for (const Goroutine& goroutine : trace.goroutines()) {
      if (!out.empty()) out += "\n";
      AppendGoroutineText(goroutine, options, &out);
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return absl::OkStatus();
}

}  // namespace gentrace::cli
