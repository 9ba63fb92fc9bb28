// gentrace render: a capture written in-process (capture/, the crash
// handler) symbolized afterwards: its native frames named from the modules
// the process had loaded (ELF symbols, demangled; DWARF lines), and in a Go
// program's C code the goroutine whose cgo call it was, from the Go
// executable among those modules.
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "proto/gentrace.pb.h"
#include "render/program_trace.h"
#include "render/trace_output.h"
#include "symtab/mapped_file.h"

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
  const absl::string_view contents(
      reinterpret_cast<const char*>((*file)->bytes().data()),
      (*file)->bytes().size());
  Capture capture;
  if (!capture.ParseFromArray(contents.data(),
                              static_cast<int>(contents.size()))) {
    return absl::DataLossError(
        absl::StrCat(*path, ": not a complete Capture message"));
  }
  render::RuntimeTextOptions text;
  const Trace trace = render::RenderCapture(
      capture, contents,
      [](const LoadedModule& m) {
        return render::ModuleFiles{.path = m.path()};
      },
      &text);
  return render::WriteThreadTrace(trace, *format, text);
}

}  // namespace gentrace::cli
