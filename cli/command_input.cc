#include "cli/commands.h"

namespace gentrace::cli {

absl::StatusOr<CommandInput> ParseAndOpen(
    absl::Span<char* const> argv, absl::Span<const absl::string_view> flags,
    absl::Span<const absl::string_view> formats) {
  absl::StatusOr<Args> args = Args::Parse(argv, flags);
  if (!args.ok()) return args.status();
  CommandInput input{*std::move(args), "", nullptr};
  if (!formats.empty()) {
    absl::StatusOr<std::string> format = input.args.Format(formats);
    if (!format.ok()) return format.status();
    input.format = *format;
  }
  absl::StatusOr<std::string> path = input.args.Required("binary");
  if (!path.ok()) return path.status();
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(*path);
  if (!binary.ok()) return binary.status();
  input.binary = *std::move(binary);
  return input;
}

absl::StatusOr<render::GoroutineProfile::Samples> ProfileSamples(
    const Args& args, absl::string_view format) {
  if (!args.Has("pprof-group")) {
    return render::GoroutineProfile::Samples::kPerGoroutine;
  }
  if (format != "pprof") {
    return absl::InvalidArgumentError("--pprof-group needs --format=pprof");
  }
  return render::GoroutineProfile::Samples::kPerStack;
}

}  // namespace gentrace::cli
