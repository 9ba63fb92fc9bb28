// gentrace pprof-symbolize: a pprof profile's functions and lines, inlined
// calls included, filled in from the binary's pclntab (or its index) for
// the locations of its mappings (matched by build ID): one binary's, or
// every binary's the service's store holds.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "render/pprof_file.h"
#include "render/profile_symbolization.h"
#include "serve/store.h"
#include "symtab/mapped_file.h"
#include "symtab/symbolizer.h"

namespace gentrace::cli {
namespace {

// The profile's mappings' build IDs, each once, in their order.
std::vector<std::string> MappingBuildIds(const pprof::Profile& profile) {
  std::vector<std::string> ids;
  absl::flat_hash_set<std::string> seen;
  for (const pprof::Mapping& mapping : profile.mapping()) {
    if (mapping.build_id() <= 0 ||
        mapping.build_id() >= profile.string_table_size()) {
      continue;
    }
    const std::string& id = profile.string_table(mapping.build_id());
    if (seen.insert(id).second) ids.push_back(id);
  }
  return ids;
}

}  // namespace

absl::Status RunPprofSymbolize(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"binary", "in",    "out", "callers",
                                          "index",  "store", "arch"};
  absl::StatusOr<Args> args = Args::Parse(argv, kFlags);
  if (!args.ok()) return args.status();
  const bool from_store = !args->Has("binary");
  if (from_store && !args->Has("store")) {
    return absl::InvalidArgumentError("needs --binary=PATH or --store=DIR");
  }
  absl::StatusOr<std::string> in = args->Required("in");
  if (!in.ok()) return in.status();
  absl::StatusOr<std::string> out = args->Required("out");
  if (!out.ok()) return out.status();
  absl::StatusOr<std::unique_ptr<symtab::MappedFile>> file =
      symtab::MappedFile::Open(*in);
  if (!file.ok()) return file.status();
  const absl::Span<const uint8_t> bytes = (*file)->bytes();
  absl::StatusOr<pprof::Profile> profile =
      render::DecodePprofFile(absl::string_view(
          reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  if (!profile.ok()) return profile.status();

  const render::ProfileSymbolizationOptions options{.callers =
                                                        args->Has("callers")};
  render::ProfileSymbolizationCounts total;
  const auto symbolize = [&](const symtab::Binary& binary,
                             const symtab::SymbolIndex* index) {
    const symtab::Symbolizer symbolizer(binary, index);
    absl::StatusOr<render::ProfileSymbolizationCounts> counts =
        render::SymbolizeProfile(binary, symbolizer, options, &*profile);
    if (!counts.ok()) return counts.status();
    total.mappings += counts->mappings;
    total.symbolized += counts->symbolized;
    total.had_lines += counts->had_lines;
    total.not_found += counts->not_found;
    return absl::OkStatus();
  };
  int binaries = 0, missing = 0;
  if (from_store) {
    // Each mapping's binary, by its build ID, from the store.
    absl::StatusOr<std::unique_ptr<serve::Store>> store =
        serve::Store::Open(StoreDir(*args));
    if (!store.ok()) return store.status();
    absl::flat_hash_set<std::string> done;
    for (const std::string& id : MappingBuildIds(*profile)) {
      absl::StatusOr<serve::Store::Entry> entry = (*store)->Find(id);
      if (!entry.ok()) {
        ++missing;
        continue;
      }
      if (!done.insert(entry->dir).second) continue;
      absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
          symtab::Binary::Open(entry->executable);
      if (!binary.ok()) return binary.status();
      absl::StatusOr<std::unique_ptr<symtab::SymbolIndex>> index =
          symtab::SymbolIndex::Open(entry->index, **binary);
      if (absl::Status done_one =
              symbolize(**binary, index.ok() ? index->get() : nullptr);
          !done_one.ok()) {
        return done_one;
      }
      ++binaries;
    }
    if (binaries == 0) {
      return absl::NotFoundError(
          "the store holds no binary of the profile's mappings' build IDs");
    }
  } else {
    absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags);
    if (!input.ok()) return input.status();
    absl::StatusOr<std::unique_ptr<symtab::SymbolIndex>> index =
        OpenSymbolIndex(input->args, *input->binary, "pprof-symbolize");
    if (!index.ok()) return index.status();
    if (absl::Status done = symbolize(*input->binary, index->get());
        !done.ok()) {
      return done;
    }
    binaries = 1;
  }
  absl::StatusOr<std::string> encoded = render::EncodePprofFile(*profile);
  if (!encoded.ok()) return encoded.status();
  if (absl::Status written = WriteFileWhole(*out, *encoded); !written.ok()) {
    return written;
  }
  absl::FPrintF(stderr,
                "gentrace pprof-symbolize: %d mapping(s) of %d binary(ies)%s; "
                "%d locations symbolized, %d had lines, %d in no Go function\n",
                total.mappings, binaries,
                missing > 0 ? absl::StrFormat(" (%d build ID(s) not in the "
                                              "store)",
                                              missing)
                            : "",
                total.symbolized, total.had_lines, total.not_found);
  return absl::OkStatus();
}

}  // namespace gentrace::cli
