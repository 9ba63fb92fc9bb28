// gentrace native: every thread's native (C, C++) frames, from an ELF core
// or a running process held with ptrace, unwound by the CFI of the files it
// had mapped (MemoryNativeUnwinder) and named from their ELF symbols and
// DWARF lines.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "proto/convert.h"
#include "proto/gentrace.pb.h"
#include "render/trace_output.h"
#include "symtab/native_modules.h"
#include "target/core_file.h"
#include "target/live_process.h"
#include "traceback/native_frames.h"
#include "unwind/memory_native_unwinder.h"
#include "unwind/native_unwinder.h"

namespace gentrace::cli {
namespace {

constexpr int kMaxFrames = 512;

// A thread's frames, or why there are none.
Thread Named(int64_t tid,
             const absl::StatusOr<std::vector<unwind::NativeFrame>>& frames,
             const symtab::NativeModules& modules) {
  if (!frames.ok()) {
    Thread thread;
    thread.set_tid(tid);
    thread.set_stop_reason(STOP_REASON_UNREADABLE_MEMORY);
    thread.set_stop_detail(std::string(frames.status().message()));
    return thread;
  }
  Thread thread;
  ToProto(traceback::NativeThread(tid, *frames, modules,
                                  /*first_is_exact=*/true, kMaxFrames),
          &thread);
  return thread;
}

}  // namespace

absl::Status RunNative(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"core", "pid", "format"};
  constexpr absl::string_view kFormats[] = {"text", "json", "proto"};
  absl::StatusOr<Args> args = Args::Parse(argv, kFlags);
  if (!args.ok()) return args.status();
  absl::StatusOr<std::string> format = args->Format(kFormats);
  if (!format.ok()) return format.status();
  std::unique_ptr<target::Target> program;
  target::LiveProcess* live = nullptr;
  if (std::optional<std::string> core_path = args->Flag("core")) {
    absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
        target::CoreFile::Open(*core_path);
    if (!core.ok()) return core.status();
    program = *std::move(core);
  } else if (std::optional<std::string> pid_text = args->Flag("pid")) {
    pid_t pid = 0;
    if (!absl::SimpleAtoi(*pid_text, &pid) || pid <= 0) {
      return absl::InvalidArgumentError("--pid: not a process id");
    }
    absl::StatusOr<std::unique_ptr<target::LiveProcess>> process =
        target::LiveProcess::Attach(pid);
    if (!process.ok()) return process.status();
    live = process->get();
    program = *std::move(process);
  } else {
    return absl::InvalidArgumentError(
        "usage: gentrace native --core=PATH | --pid=PID [--format=...]");
  }
  const symtab::NativeModules modules =
      traceback::NativeModulesOf(program->file_mappings());
  absl::StatusOr<std::unique_ptr<unwind::MemoryNativeUnwinder>> unwinder =
      traceback::NativeUnwinderOf(*program, modules);
  Trace trace;
  if (unwinder.ok()) {
    for (const target::Thread& t : program->threads()) {
      *trace.add_threads() =
          Named(t.tid, (*unwinder)->Unwind(t.registers, kMaxFrames), modules);
    }
  }
  // A live process runs on before anything is written.
  if (live != nullptr) live->Detach();
  if (!unwinder.ok()) return unwinder.status();
  return render::WriteThreadTrace(trace, *format);
}

}  // namespace gentrace::cli
