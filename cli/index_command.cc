// gentrace index: a binary's symbolization index (symtab/symbol_index.h),
// which gentrace symbolize then answers from.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/line_reader.h"
#include "symtab/symbol_index.h"

namespace gentrace::cli {

std::string DefaultIndexPath(absl::string_view binary_path) {
  return absl::StrCat(binary_path, ".gtindex");
}

absl::Status RunIndex(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary", "out"};
  absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags);
  if (!input.ok()) return input.status();
  const std::string out =
      input->args.Flag("out").value_or(DefaultIndexPath(input->binary->path()));
  absl::StatusOr<std::string> index =
      symtab::SymbolIndex::Build(*input->binary);
  if (!index.ok()) return index.status();
  // Written beside its final name and renamed into place, so a reader never
  // maps a half-written index.
  const std::string partial = absl::StrCat(out, ".partial");
  const int fd = open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot write ", partial, ": ", std::strerror(errno)));
  }
  absl::Status written = WriteAll(fd, *index);
  if (close(fd) != 0 && written.ok()) {
    written = absl::UnavailableError(
        absl::StrCat("cannot write ", partial, ": ", std::strerror(errno)));
  }
  if (written.ok() && std::rename(partial.c_str(), out.c_str()) != 0) {
    written = absl::UnavailableError(absl::StrCat(
        "cannot rename ", partial, " to ", out, ": ", std::strerror(errno)));
  }
  if (!written.ok()) {
    unlink(partial.c_str());
    return written;
  }
  return absl::OkStatus();
}

}  // namespace gentrace::cli
