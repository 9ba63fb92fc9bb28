// gentrace native: every thread's native (C, C++) frames, from an ELF core
// of the host architecture (libunwind-coredump, with the files its NT_FILE
// note names) or from a running process held with ptrace; named from the
// mapped files' ELF symbols and DWARF lines.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "proto/convert.h"
#include "proto/gentrace.pb.h"
#include "render/trace_output.h"
#include "symtab/native_modules.h"
#include "target/core_file.h"
#include "target/live_process.h"
#include "traceback/native_frames.h"
#include "unwind/native_unwinder.h"

namespace gentrace::cli {
namespace {

constexpr int kMaxFrames = 512;

// /proc/PID/maps as file mappings.
std::vector<target::FileMapping> ProcessMappings(pid_t pid) {
  std::vector<target::FileMapping> out;
  std::ifstream maps(absl::StrCat("/proc/", pid, "/maps"));
  std::string line;
  while (std::getline(maps, line)) {
    std::vector<absl::string_view> f =
        absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (f.size() < 6 || f[5].empty() || f[5][0] != '/') continue;
    std::vector<absl::string_view> range = absl::StrSplit(f[0], '-');
    target::FileMapping m;
    if (range.size() != 2 || !absl::SimpleHexAtoi(range[0], &m.start) ||
        !absl::SimpleHexAtoi(range[1], &m.end) ||
        !absl::SimpleHexAtoi(f[2], &m.file_offset)) {
      continue;
    }
    m.path = std::string(f[5]);
    out.push_back(std::move(m));
  }
  return out;
}

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
  return traceback::NativeThread(tid, *frames, modules, /*first_is_exact=*/true,
                                 kMaxFrames);
}

}  // namespace

absl::Status RunNative(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"core", "pid", "format"};
  constexpr absl::string_view kFormats[] = {"text", "json", "proto"};
  absl::StatusOr<Args> args = Args::Parse(argv, kFlags);
  if (!args.ok()) return args.status();
  absl::StatusOr<std::string> format = args->Format(kFormats);
  if (!format.ok()) return format.status();
  Trace trace;
  if (std::optional<std::string> core_path = args->Flag("core")) {
    absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
        target::CoreFile::Open(*core_path);
    if (!core.ok()) return core.status();
    symtab::NativeModules modules;
    std::vector<unwind::BackingFile> files;
    for (const target::FileMapping& m : (*core)->file_mappings()) {
      modules.AddMapping(m.path, m.start, m.end, m.file_offset);
      files.push_back({m.path, m.start});
    }
    for (size_t i = 0; i < (*core)->threads().size(); ++i) {
      *trace.add_threads() =
          Named((*core)->threads()[i].tid,
                unwind::UnwindCoreNative(*core_path, static_cast<int>(i), files,
                                         kMaxFrames),
                modules);
    }
  } else if (std::optional<std::string> pid_text = args->Flag("pid")) {
    pid_t pid = 0;
    if (!absl::SimpleAtoi(*pid_text, &pid) || pid <= 0) {
      return absl::InvalidArgumentError("--pid: not a process id");
    }
    absl::StatusOr<std::unique_ptr<target::LiveProcess>> process =
        target::LiveProcess::Attach(pid);
    if (!process.ok()) return process.status();
    symtab::NativeModules modules;
    for (const target::FileMapping& m : ProcessMappings(pid)) {
      modules.AddMapping(m.path, m.start, m.end, m.file_offset);
    }
    for (const target::CoreThread& t : (*process)->threads()) {
      *trace.add_threads() = Named(
          t.tid,
          unwind::UnwindPtraceNative(static_cast<pid_t>(t.tid), kMaxFrames),
          modules);
    }
    (*process)->Detach();
  } else {
    return absl::InvalidArgumentError(
        "usage: gentrace native --core=PATH | --pid=PID [--format=...]");
  }

  return render::WriteThreadTrace(trace, *format);
}

}  // namespace gentrace::cli
