// gentrace unwind: the Go frames of a raw capture (registers + stack).
#include <cstdio>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "proto/convert.h"
#include "render/trace_output.h"
#include "symtab/mapped_file.h"
#include "target/capture.h"
#include "traceback/walk.h"

namespace gentrace::cli {

absl::Status RunUnwind(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary", "capture", "format"};
  constexpr absl::string_view kFormats[] = {"text", "json"};
  absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags, kFormats);
  if (!input.ok()) return input.status();
  absl::StatusOr<std::string> path = input->args.Required("capture");
  if (!path.ok()) return path.status();
  absl::StatusOr<std::unique_ptr<symtab::MappedFile>> file =
      symtab::MappedFile::Open(*path);
  if (!file.ok()) return file.status();
  const auto bytes = (*file)->bytes();
  absl::StatusOr<target::CaptureTarget> capture =
      target::LoadCapture(absl::string_view(
          reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  if (!capture.ok()) return capture.status();
  if (absl::Status loaded = capture->LoadExecutable(&input->binary);
      !loaded.ok()) {
    return loaded;
  }
  const symtab::Binary& binary = *input->binary;
  Thread thread;
  ToProto(traceback::UnwindThread(binary, capture->arch(), capture->memory(),
                                  capture->registers()),
          &thread);
  std::string out;
  if (input->format == "json") {
    absl::StatusOr<std::string> json = ToJsonLine(thread);
    if (!json.ok()) return json.status();
    out = *json + "\n";
  } else {
    render::AppendThreadText(thread, &out);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return absl::OkStatus();
}

}  // namespace gentrace::cli
