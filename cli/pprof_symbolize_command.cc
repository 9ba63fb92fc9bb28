// gentrace pprof-symbolize: a pprof profile's functions and lines, inlined
// calls included, filled in from the binary's pclntab (or its index) for
// the locations of its mappings (matched by build ID).
#include <cstdio>
#include <string>

#include "absl/strings/str_format.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "render/pprof_file.h"
#include "render/profile_symbolization.h"
#include "symtab/mapped_file.h"
#include "symtab/symbolizer.h"

namespace gentrace::cli {

absl::Status RunPprofSymbolize(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary", "in", "out", "callers",
                                          "index"};
  absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags);
  if (!input.ok()) return input.status();
  absl::StatusOr<std::string> in = input->args.Required("in");
  if (!in.ok()) return in.status();
  absl::StatusOr<std::string> out = input->args.Required("out");
  if (!out.ok()) return out.status();
  const symtab::Binary& binary = *input->binary;
  absl::StatusOr<std::unique_ptr<symtab::SymbolIndex>> index =
      OpenSymbolIndex(input->args, binary, "pprof-symbolize");
  if (!index.ok()) return index.status();

  absl::StatusOr<std::unique_ptr<symtab::MappedFile>> file =
      symtab::MappedFile::Open(*in);
  if (!file.ok()) return file.status();
  const absl::Span<const uint8_t> bytes = (*file)->bytes();
  absl::StatusOr<pprof::Profile> profile =
      render::DecodePprofFile(absl::string_view(
          reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  if (!profile.ok()) return profile.status();

  const symtab::Symbolizer symbolizer(binary, index->get());
  absl::StatusOr<render::ProfileSymbolizationCounts> counts =
      render::SymbolizeProfile(binary, symbolizer,
                               {.callers = input->args.Has("callers")},
                               &*profile);
  if (!counts.ok()) return counts.status();
  absl::StatusOr<std::string> encoded = render::EncodePprofFile(*profile);
  if (!encoded.ok()) return encoded.status();
  if (absl::Status written = WriteFileWhole(*out, *encoded); !written.ok()) {
    return written;
  }
  absl::FPrintF(stderr,
                "gentrace pprof-symbolize: %d mapping(s) of the binary; %d "
                "locations symbolized, %d had lines, %d in no Go function\n",
                counts->mappings, counts->symbolized, counts->had_lines,
                counts->not_found);
  return absl::OkStatus();
}

}  // namespace gentrace::cli
