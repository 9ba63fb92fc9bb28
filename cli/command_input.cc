#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/line_reader.h"

namespace gentrace::cli {

absl::StatusOr<CommandInput> ParseAndOpen(
    absl::Span<char* const> argv, absl::Span<const absl::string_view> flags,
    absl::Span<const absl::string_view> formats) {
  // Every command that opens a binary takes --arch: a fat Mach-O file's
  // slice.
  std::vector<absl::string_view> known(flags.begin(), flags.end());
  known.push_back("arch");
  absl::StatusOr<Args> args = Args::Parse(argv, known);
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
      symtab::Binary::Open(*path, input.args.Flag("arch").value_or(""));
  if (!binary.ok()) return binary.status();
  input.binary = *std::move(binary);
  return input;
}

absl::Status WriteFileWhole(const std::string& path, absl::string_view bytes) {
  const std::string partial = absl::StrCat(path, ".partial");
  const int fd = open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot write ", partial, ": ", std::strerror(errno)));
  }
  absl::Status written = WriteAll(fd, bytes);
  if (close(fd) != 0 && written.ok()) {
    written = absl::UnavailableError(
        absl::StrCat("cannot write ", partial, ": ", std::strerror(errno)));
  }
  if (written.ok() && std::rename(partial.c_str(), path.c_str()) != 0) {
    written = absl::UnavailableError(absl::StrCat(
        "cannot rename ", partial, " to ", path, ": ", std::strerror(errno)));
  }
  if (!written.ok()) unlink(partial.c_str());
  return written;
}

absl::StatusOr<std::unique_ptr<symtab::SymbolIndex>> OpenSymbolIndex(
    const Args& args, const symtab::Binary& binary, absl::string_view command) {
  const std::optional<std::string> flag = args.Flag("index");
  if (flag == "none") return nullptr;
  const std::string path = flag.value_or(DefaultIndexPath(binary.path()));
  if (!flag && access(path.c_str(), F_OK) != 0) return nullptr;
  absl::StatusOr<std::unique_ptr<symtab::SymbolIndex>> opened =
      symtab::SymbolIndex::Open(path, binary);
  if (opened.ok() || flag) return opened;
  absl::FPrintF(stderr, "gentrace %s: not using %s: %s\n", command, path,
                opened.status().message());
  return nullptr;
}

absl::StatusOr<render::TraceOutputOptions> OutputOptions(
    const Args& args, absl::string_view format) {
  render::TraceOutputOptions options;
  if (args.Has("pprof-group")) {
    if (format != "pprof") {
      return absl::InvalidArgumentError("--pprof-group needs --format=pprof");
    }
    options.profile_samples = render::GoroutineProfile::Samples::kPerStack;
  }
  if (std::optional<std::string> level = args.Flag("group")) {
    options.group = render::ParseGroupBy(*level);
    if (!options.group) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--group=", *level, ": the levels are exact, pcs and functions"));
    }
    if (format == "pprof") {
      return absl::InvalidArgumentError(
          "--group has no pprof form: --pprof-group makes a sample per stack");
    }
  }
  if (std::optional<std::string> root = args.Flag("source-root")) {
    if (format != "html") {
      return absl::InvalidArgumentError("--source-root needs --format=html");
    }
    options.html.source_root = *root;
  }
  return options;
}

}  // namespace gentrace::cli
