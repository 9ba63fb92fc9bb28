// gentrace render: a capture written in-process (capture/, the crash
// handler) symbolized afterwards: its native frames named from the modules
// the process had loaded (ELF symbols, demangled; DWARF lines), and in a Go
// program's C code the goroutine whose cgo call it was, from the Go
// executable among those modules.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "proto/convert.h"
#include "proto/gentrace.pb.h"
#include "render/trace_output.h"
#include "symtab/binary.h"
#include "symtab/mapped_file.h"
#include "symtab/native_modules.h"
#include "target/capture.h"
#include "traceback/goroutines.h"
#include "traceback/native_frames.h"

namespace gentrace::cli {
namespace {

// The Go executable among the capture's modules, as the process loaded it:
// the one whose pclntab knows a pc of the thread's frames.
absl::StatusOr<std::unique_ptr<symtab::Binary>> GoExecutable(
    const Capture& capture) {
  for (const LoadedModule& m : capture.modules()) {
    const auto in_module = [&](const NativeFrameRecord& frame) {
      return frame.pc() >= m.start() && frame.pc() < m.end();
    };
    if (std::none_of(capture.native_frames().begin(),
                     capture.native_frames().end(), in_module)) {
      continue;
    }
    absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
        symtab::Binary::Open(m.path());
    if (!binary.ok()) continue;
    for (const NativeFrameRecord& frame : capture.native_frames()) {
      if (in_module(frame) &&
          (*binary)->pclntab().FindFunc(frame.pc() - m.load_bias()).ok()) {
        return (*binary)->LoadedAt(m.load_bias());
      }
    }
  }
  return absl::NotFoundError(
      "no module of the capture is a Go executable whose code its frames "
      "are in");
}

// The goroutine whose cgo call the captured thread was in, its C frames
// (`thread`'s, up to where they return into Go) first; its notes, or why
// it could not be read, to `trace`.
void AddCgoCaller(const Capture& capture, absl::string_view contents,
                  const traceback::Thread& thread, Trace* trace,
                  render::RuntimeTextOptions* text) {
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      GoExecutable(capture);
  absl::StatusOr<target::CaptureTarget> target =
      binary.ok() ? target::LoadCapture(contents)
                  : absl::StatusOr<target::CaptureTarget>(binary.status());
  if (!target.ok()) {
    trace->add_notes(absl::StrCat("the goroutine in the cgo call: ",
                                  target.status().message()));
    return;
  }
  text->go_minor = (*binary)->go_version() ? (*binary)->go_version()->minor : 0;
  std::vector<traceback::Frame> c_frames;
  for (const traceback::Frame& frame : thread.frames) {
    if ((*binary)->pclntab().FindFunc(frame.pc).ok()) break;
    c_frames.push_back(frame);
  }
  std::vector<std::string> notes;
  absl::StatusOr<Goroutine> goroutine = traceback::TraceCgoCaller(
      **binary, *target, capture.goroutine(), std::move(c_frames), &notes);
  for (std::string& note : notes) trace->add_notes(std::move(note));
  if (!goroutine.ok()) {
    trace->add_notes(absl::StrCat("the goroutine in the cgo call: ",
                                  goroutine.status().message()));
    return;
  }
  *trace->add_goroutines() = *std::move(goroutine);
}

}  // namespace

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
  const absl::string_view contents(
      reinterpret_cast<const char*>((*file)->bytes().data()),
      (*file)->bytes().size());
  Capture capture;
  if (!capture.ParseFromArray(contents.data(),
                              static_cast<int>(contents.size()))) {
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
  traceback::Thread thread = traceback::NativeThread(
      capture.tid(), frames, modules,
      /*first_is_exact=*/capture.signal() != 0, /*frame_limit=*/256);
  render::RuntimeTextOptions text;
  if (capture.goroutine() != 0) {
    AddCgoCaller(capture, contents, thread, &trace, &text);
  }
  ToProto(std::move(thread), trace.add_threads());
  return render::WriteThreadTrace(trace, *format, text);
}

}  // namespace gentrace::cli
