#ifndef GENTRACE_RENDER_PROGRAM_TRACE_H_
#define GENTRACE_RENDER_PROGRAM_TRACE_H_

#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "render/trace_output.h"
#include "symtab/binary.h"
#include "symtab/native_symbols.h"
#include "target/target.h"
#include "traceback/crash_text.h"
#include "traceback/goroutines.h"
#include "traceback/native_frames.h"

namespace gentrace::render {

// Every goroutine of a stopped program (a core, a held process) into
// `out`, each as it is read: with `options.report_head`, what the
// runtime's crash report prints before them (throws on a scheduler stack,
// a signal's report) first; then how they were read (notes). `binary` is
// attached to `program` (Target::LoadExecutable). What `gentrace core`,
// `gentrace pid` and the service's /v1/cores print.
absl::Status AddGoroutines(const symtab::Binary& binary,
                           const target::Target& program,
                           const traceback::GoroutineReadOptions& options,
                           TraceOutput* out);

// Each thread's Go frames from its registers (`gentrace core --threads`).
void AddThreads(const symtab::Binary& binary, const target::Target& program,
                TraceOutput* out);

// The C frames to stitch into goroutines (GoroutineReadOptions::
// native_frames) when `wanted`: null when not, or why the program's cannot
// be read ("native frames: no native unwinding for mips64le: ...").
absl::StatusOr<std::unique_ptr<traceback::TargetNativeFrames>> NativeFramesIf(
    bool wanted, const target::Target& program, const symtab::Binary& binary);

// What a trace of a core is asked for (`gentrace core`, /v1/cores).
struct CoreTraceRequest {
  std::string core_path;        // an ELF core or a minidump
  std::string format = "text";  // as TraceOutput takes it
  TraceOutputOptions output;    // its text options are set from the binary
  bool threads = false;         // each thread's Go frames instead
  bool defers = false;          // each frame's pending deferred calls
  bool native = false;          // C frames of cgo calls
  // When to give up listing goroutines (GoroutineReadOptions::deadline).
  absl::Time deadline = absl::InfiniteFuture();
};

// The trace of a core or minidump of the program `binary` (attached to the
// dump: a copy loaded where the dump has it, for a PIE) written
// to `file` as it is rendered: every goroutine as the runtime's
// GOTRACEBACK=crash report prints them, with the report's head, or each
// thread's Go frames (asked for, or a dump of thread stacks only).
absl::Status WriteCoreTrace(const symtab::Binary& binary,
                            CoreTraceRequest request, std::FILE* file);

// The Go frames of a raw capture (one thread's registers and stack: the
// Capture message, binary or JSON) of the program `binary`, which is
// attached to it. What `gentrace unwind` and /v1/captures answer.
absl::StatusOr<Thread> UnwindCapture(const symtab::Binary& binary,
                                     absl::string_view capture);

// A module a capture lists, as RenderCapture reads it: the file that holds
// it ("": none, its frames stay unnamed), and what the caller holds open of
// that file already (the service, its stored binary); RenderCapture opens
// the file for what is missing.
struct ModuleFiles {
  std::string path;
  std::shared_ptr<const symtab::NativeSymbols> symbols = nullptr;
  const symtab::Binary* binary = nullptr;  // opened as ELF, not loaded
};

// A capture the in-process crash handler wrote (capture/: a thread's native
// frames and the modules the process had loaded; in a Go program's C code,
// the goroutine whose cgo call it was, with its memory), as `gentrace
// render` prints it: the thread's frames named from the modules, and that
// goroutine, C frames first. `capture` is `contents` parsed (whose memory
// is read as a target). `module_files` gives each module the capture lists
// its files; `text` gets the options its runtime text is printed with.
Trace RenderCapture(
    const Capture& capture, absl::string_view contents,
    const std::function<ModuleFiles(const LoadedModule&)>& module_files,
    RuntimeTextOptions* text);

// The runtime's own crash text read against the binary that printed it
// (traceback/crash_text.h) as a Trace: its goroutines, reason, signature,
// load bias and notes, and the binary as its module.
Trace CrashTextTrace(const traceback::CrashTextReader& reader,
                     absl::string_view text);

}  // namespace gentrace::render

#endif  // GENTRACE_RENDER_PROGRAM_TRACE_H_
