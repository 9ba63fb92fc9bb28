#include "render/program_trace.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "proto/convert.h"
#include "symtab/native_modules.h"
#include "target/capture.h"
#include "target/dump_file.h"
#include "traceback/crash_text.h"
#include "traceback/goroutines.h"
#include "traceback/native_frames.h"
#include "traceback/walk.h"

namespace gentrace::render {

absl::Status AddGoroutines(const symtab::Binary& binary,
                           const target::Target& program,
                           const traceback::GoroutineReadOptions& options,
                           TraceOutput* out) {
  std::vector<std::string> notes;
  bool head_added = options.report_head == nullptr;
  // The report's head comes before the goroutines: it is read before the
  // first one is visited.
  const auto add_head = [&] {
    if (head_added) return;
    head_added = true;
    std::vector<Goroutine> runtime_stacks;
    for (traceback::Goroutine& g0 : options.report_head->runtime_stacks) {
      ToProto(std::move(g0), &runtime_stacks.emplace_back());
    }
    out->AddRuntimeStacks(runtime_stacks);
    std::vector<SignalReport> reports;
    for (traceback::SignalReport& report :
         options.report_head->signal_reports) {
      ToProto(std::move(report), &reports.emplace_back());
    }
    out->AddSignalReports(reports);
  };
  absl::Status read = traceback::ForEachGoroutine(
      binary, program,
      [&](Goroutine& g) {
        add_head();
        out->AddGoroutine(g);
      },
      &notes, options);
  if (!read.ok()) return read;
  add_head();
  for (std::string& note : notes) out->AddNote(std::move(note));
  return absl::OkStatus();
}

void AddThreads(const symtab::Binary& binary, const target::Target& program,
                TraceOutput* out) {
  for (const target::Thread& stopped : program.threads()) {
    traceback::Thread walked = traceback::UnwindThread(
        binary, program.arch(), program.memory(), stopped.registers);
    walked.tid = stopped.tid;
    Thread thread;
    ToProto(std::move(walked), &thread);
    out->AddThread(thread);
  }
}

absl::StatusOr<std::unique_ptr<traceback::TargetNativeFrames>> NativeFramesIf(
    bool wanted, const target::Target& program, const symtab::Binary& binary) {
  if (!wanted) return nullptr;
  absl::StatusOr<std::unique_ptr<traceback::TargetNativeFrames>> native =
      traceback::TargetNativeFrames::Create(program, binary);
  if (!native.ok()) {
    return absl::Status(
        native.status().code(),
        absl::StrCat("native frames: ", native.status().message()));
  }
  return native;
}

absl::Status WriteCoreTrace(const symtab::Binary& opened,
                            CoreTraceRequest request, std::FILE* file) {
  if (request.threads && (request.output.group || request.format == "html")) {
    return absl::InvalidArgumentError(
        "threads are not grouped (--group, --format=html)");
  }
  absl::StatusOr<std::unique_ptr<target::Target>> dump =
      target::OpenDumpFile(request.core_path);
  if (!dump.ok()) return dump.status();
  const target::Target& program = **dump;
  absl::StatusOr<target::LoadedExecutable> loaded =
      (*dump)->LoadExecutable(opened);
  if (!loaded.ok()) return loaded.status();
  const symtab::Binary& binary = **loaded;
  // Without the program's whole memory there are no goroutines to list.
  if (!program.holds_all_memory()) {
    if (request.output.group || request.format == "html") {
      return absl::InvalidArgumentError(
          "the dump holds thread stacks only: threads are not grouped "
          "(--group, --format=html)");
    }
    request.threads = true;
  }
  // As the runtime's crash report: only the reporting goroutine's stack
  // among the running ones.
  const std::optional<symtab::GoVersion>& go = binary.go_version();
  request.output.text = {.go_minor = go ? go->minor : 0,
                         .defers = request.defers};
  TraceOutput out(request.format, request.output, ModuleOf(binary), file,
                  TraceOutput::Flush::kAsItComes);
  if (request.threads) {
    AddThreads(binary, program, &out);
    return out.Write();
  }
  absl::StatusOr<std::unique_ptr<traceback::TargetNativeFrames>> native =
      NativeFramesIf(request.native, program, binary);
  if (!native.ok()) return native.status();
  traceback::ReportHead head;
  if (absl::Status read = AddGoroutines(binary, program,
                                        {.pending_defers = request.defers,
                                         .native_frames = native->get(),
                                         .report_head = &head,
                                         .deadline = request.deadline},
                                        &out);
      !read.ok()) {
    return read;
  }
  return out.Write();
}

absl::StatusOr<Thread> UnwindCapture(const symtab::Binary& binary,
                                     absl::string_view capture) {
  absl::StatusOr<target::CaptureTarget> target = target::LoadCapture(capture);
  if (!target.ok()) return target.status();
  absl::StatusOr<target::LoadedExecutable> loaded =
      target->LoadExecutable(binary);
  if (!loaded.ok()) return loaded.status();
  Thread thread;
  ToProto(traceback::UnwindThread(**loaded, target->arch(), target->memory(),
                                  target->registers()),
          &thread);
  return thread;
}

namespace {

// The Go executable among the capture's modules (`files`, theirs in
// order), as the process loaded it: the one whose pclntab knows a pc of the
// thread's frames.
absl::StatusOr<std::unique_ptr<symtab::Binary>> GoExecutable(
    const Capture& capture, const std::vector<ModuleFiles>& files) {
  for (int i = 0; i < capture.modules_size(); ++i) {
    const LoadedModule& m = capture.modules(i);
    const auto in_module = [&](const NativeFrameRecord& frame) {
      return frame.pc() >= m.start() && frame.pc() < m.end();
    };
    if (files[i].path.empty() ||
        std::none_of(capture.native_frames().begin(),
                     capture.native_frames().end(), in_module)) {
      continue;
    }
    std::unique_ptr<symtab::Binary> opened;
    const symtab::Binary* binary = files[i].binary;
    if (binary == nullptr) {
      absl::StatusOr<std::unique_ptr<symtab::Binary>> read =
          symtab::Binary::Open(files[i].path);
      if (!read.ok()) continue;
      opened = *std::move(read);
      binary = opened.get();
    }
    for (const NativeFrameRecord& frame : capture.native_frames()) {
      if (in_module(frame) &&
          binary->pclntab().FindFunc(frame.pc() - m.load_bias()).ok()) {
        return binary->LoadedAt(m.load_bias());
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
                  const std::vector<ModuleFiles>& files,
                  const traceback::Thread& thread, Trace* trace,
                  RuntimeTextOptions* text) {
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      GoExecutable(capture, files);
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

Trace RenderCapture(
    const Capture& capture, absl::string_view contents,
    const std::function<ModuleFiles(const LoadedModule&)>& module_files,
    RuntimeTextOptions* text) {
  std::vector<ModuleFiles> files;
  files.reserve(capture.modules_size());
  symtab::NativeModules modules;
  for (const LoadedModule& m : capture.modules()) {
    const ModuleFiles& file = files.emplace_back(module_files(m));
    if (!file.path.empty()) {
      modules.Add(file.path, m.start(), m.end(), m.load_bias(), file.symbols);
    }
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
  if (capture.goroutine() != 0) {
    AddCgoCaller(capture, contents, files, thread, &trace, text);
  }
  ToProto(std::move(thread), trace.add_threads());
  return trace;
}

Trace CrashTextTrace(const traceback::CrashTextReader& reader,
                     absl::string_view text) {
  traceback::CrashText read = reader.Read(text);
  Trace trace;
  *trace.add_modules() = ModuleOf(reader.binary());
  trace.set_reason(std::move(read.reason));
  for (traceback::Goroutine& g : read.goroutines) {
    ToProto(std::move(g), trace.add_goroutines());
  }
  trace.set_signature(std::move(read.signature));
  trace.set_load_bias(read.load_bias);
  for (std::string& note : read.notes) trace.add_notes(std::move(note));
  for (const auto& [index, before] : read.elided_after) {
    trace.add_notes(absl::StrCat("goroutine ", trace.goroutines(index).id(),
                                 ": the text elided frames after its first ",
                                 before));
  }
  return trace;
}

}  // namespace gentrace::render
