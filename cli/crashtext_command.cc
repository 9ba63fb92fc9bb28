// gentrace crashtext: the runtime's own crash text (a crash's stderr,
// debug.SetCrashOutput's file) read against the binary that printed it.
#include <cstdio>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "proto/convert.h"
#include "render/program_trace.h"
#include "symtab/mapped_file.h"
#include "traceback/crash_text.h"

namespace gentrace::cli {

absl::Status RunCrashText(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary", "format"};
  constexpr absl::string_view kFormats[] = {"json", "proto"};
  absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags, kFormats);
  if (!input.ok()) return input.status();
  const std::vector<std::string>& files = input->args.positional();
  if (files.size() > 1) {
    return absl::InvalidArgumentError(
        "usage: gentrace crashtext --binary=PATH [--format=json|proto] [FILE]");
  }
  std::string text;
  if (files.empty()) {
    char buffer[1 << 16];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), stdin)) > 0) {
      text.append(buffer, n);
    }
  } else {
    absl::StatusOr<std::unique_ptr<symtab::MappedFile>> file =
        symtab::MappedFile::Open(files[0]);
    if (!file.ok()) return file.status();
    text.assign(reinterpret_cast<const char*>((*file)->bytes().data()),
                (*file)->bytes().size());
  }
  const Trace trace =
      render::CrashTextTrace(traceback::CrashTextReader(*input->binary), text);
  std::string out;
  if (input->format == "proto") {
    out = trace.SerializeAsString();
  } else {
    absl::StatusOr<std::string> json = ToJsonLine(trace);
    if (!json.ok()) return json.status();
    out = *json + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return absl::OkStatus();
}

}  // namespace gentrace::cli
