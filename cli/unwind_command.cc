// gentrace unwind: the Go frames of a raw capture (registers + stack).
#include <cstdio>
#include <string>
#include <utility>

#include "cli/args.h"
#include "cli/commands.h"
#include "render/program_trace.h"
#include "render/trace_output.h"
#include "symtab/mapped_file.h"

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
  absl::StatusOr<Thread> thread = render::UnwindCapture(
      *input->binary,
      absl::string_view(reinterpret_cast<const char*>(bytes.data()),
                        bytes.size()));
  if (!thread.ok()) return thread.status();
  absl::StatusOr<std::string> out =
      render::ThreadOutput(*thread, input->format);
  if (!out.ok()) return out.status();
  std::fwrite(out->data(), 1, out->size(), stdout);
  return absl::OkStatus();
}

}  // namespace gentrace::cli
