// gentrace render: a capture written in-process (capture/, the crash
// handler) symbolized afterwards: its native frames named from the modules
// the process had loaded (ELF symbols, demangled; DWARF lines).
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "proto/convert.h"
#include "proto/gentrace.pb.h"
#include "render/trace_output.h"
#include "symtab/mapped_file.h"
#include "symtab/native_modules.h"
#include "traceback/native_frames.h"

namespace gentrace::cli {

absl::Status RunRender(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"capture", "format"};
  constexpr absl::string_view kFormats[] = {"text", "json", "proto"};
  absl::StatusOr<Args> args = Args::Parse(argv, kFlags);
  if (!args.ok()) return args.status();
  absl::StatusOr<std::string> format = args->Format(kFormats);
  if (!format.ok()) return format.status();
  absl::StatusOr<std::string> path = args->Required("capture");
  if (!path.ok()) return path.status();
  absl::StatusOr<std::unique_ptr<symtab::MappedFile>> file =
      symtab::MappedFile::Open(*path);
  if (!file.ok()) return file.status();
  Capture capture;
  if (!capture.ParseFromArray((*file)->bytes().data(),
                              static_cast<int>((*file)->bytes().size()))) {
    return absl::DataLossError(
        absl::StrCat(*path, ": not a complete Capture message"));
  }

  symtab::NativeModules modules;
  for (const LoadedModule& m : capture.modules()) {
    modules.Add(m.path(), m.start(), m.end(), m.load_bias());
  }
  Trace trace;
  if (capture.signal() != 0) {
    trace.set_reason(absl::StrCat(
        "signal ", capture.signal(), " (",
        sigabbrev_np(capture.signal()) ? sigabbrev_np(capture.signal()) : "?",
        ") at 0x", absl::Hex(capture.fault_address())));
  }
  std::vector<unwind::NativeFrame> frames;
  frames.reserve(capture.native_frames_size());
  for (const NativeFrameRecord& record : capture.native_frames()) {
    frames.push_back({.pc = record.pc(), .sp = record.sp()});
  }
  ToProto(traceback::NativeThread(capture.tid(), frames, modules,
                                  /*first_is_exact=*/capture.signal() != 0,
                                  /*frame_limit=*/256),
          trace.add_threads());
  return render::WriteThreadTrace(trace, *format);
}

}  // namespace gentrace::cli
