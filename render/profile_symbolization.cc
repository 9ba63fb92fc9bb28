#include "render/profile_symbolization.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "render/pprof_file.h"

namespace gentrace::render {

namespace {

absl::Status Corrupt(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("corrupt profile: ", what));
}

}  // namespace

absl::StatusOr<ProfileSymbolizationCounts> SymbolizeProfile(
    const symtab::Binary& binary, const symtab::Symbolizer& symbolizer,
    const ProfileSymbolizationOptions& options, pprof::Profile* profile) {
  absl::StatusOr<ProfileTables> tables = ProfileTables::Index(profile);
  if (!tables.ok()) return tables.status();
  ProfileSymbolizationCounts counts;

  // The binary's mappings, by id.
  absl::flat_hash_map<uint64_t, pprof::Mapping*> mappings;
  absl::flat_hash_set<uint64_t> mapping_ids;
  for (pprof::Mapping& mapping : *profile->mutable_mapping()) {
    if (!tables->ValidString(mapping.build_id()) ||
        !tables->ValidString(mapping.filename())) {
      return Corrupt(absl::StrCat("mapping ", mapping.id(), "'s strings"));
    }
    mapping_ids.insert(mapping.id());
    const std::string& build_id = tables->StringAt(mapping.build_id());
    if (!build_id.empty() && (build_id == binary.gnu_build_id() ||
                              build_id == binary.go_build_id())) {
      mappings[mapping.id()] = &mapping;
    }
  }
  if (mappings.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "no mapping of the profile has the binary's build ID (GNU ",
        binary.gnu_build_id().empty() ? "none" : binary.gnu_build_id(), ", Go ",
        binary.go_build_id().empty() ? "none" : binary.go_build_id(), ")"));
  }
  counts.mappings = static_cast<int>(mappings.size());

  // The locations to fill, and the link address each is looked up at.
  std::vector<pprof::Location*> unsymbolized;
  std::vector<uint64_t> pcs;
  for (pprof::Location& location : *profile->mutable_location()) {
    if (location.mapping_id() != 0 &&
        !mapping_ids.contains(location.mapping_id())) {
      return Corrupt(
          absl::StrCat("location ", location.id(), " names no mapping"));
    }
    auto mapping = mappings.find(location.mapping_id());
    if (mapping == mappings.end()) continue;
    if (location.line_size() > 0) {
      ++counts.had_lines;
      continue;
    }
    const pprof::Mapping& in = *mapping->second;
    std::optional<uint64_t> link;
    if (location.address() >= in.memory_start() &&
        (in.memory_limit() <= in.memory_start() ||
         location.address() < in.memory_limit())) {
      link = binary.elf().AddressOfFileOffset(
          location.address() - in.memory_start() + in.file_offset());
    }
    if (!link) {
      ++counts.not_found;
      continue;
    }
    uint64_t pc = *link + binary.load_bias();
    if (options.callers && pc > 0) --pc;
    unsymbolized.push_back(&location);
    pcs.push_back(pc);
  }

  std::vector<symtab::Symbolizer::BatchResult> results;
  std::vector<symtab::SourceFrame> frames;
  symbolizer.SymbolizeBatch(pcs, &results, &frames);
  for (size_t i = 0; i < unsymbolized.size(); ++i) {
    const symtab::Symbolizer::BatchResult& result = results[i];
    if (!result.status.ok() || result.count == 0) {
      ++counts.not_found;
      continue;
    }
    ++counts.symbolized;
    for (uint32_t f = result.first; f < result.first + result.count; ++f) {
      const symtab::SourceFrame& frame = frames[f];
      pprof::Line* line = unsymbolized[i]->add_line();
      line->set_function_id(
          tables->Function(frame.function, frame.file, frame.start_line));
      line->set_line(frame.line);
    }
  }
  for (auto& [id, mapping] : mappings) {
    mapping->set_has_functions(true);
    mapping->set_has_filenames(true);
    mapping->set_has_line_numbers(true);
    mapping->set_has_inline_frames(true);
  }
  return counts;
}

}  // namespace gentrace::render
