#include "render/profile_symbolization.h"

#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gentrace::render {

namespace {

absl::Status Corrupt(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("corrupt profile: ", what));
}

// The profile's string table, extended as strings are added.
class Strings {
 public:
  explicit Strings(pprof::Profile* profile) : profile_(profile) {
    if (profile_->string_table_size() == 0) profile_->add_string_table("");
    for (int i = 0; i < profile_->string_table_size(); ++i) {
      index_.try_emplace(profile_->string_table(i), i);
    }
  }
  bool Valid(int64_t index) const {
    return index >= 0 && index < profile_->string_table_size();
  }
  const std::string& At(int64_t index) const {
    return profile_->string_table(static_cast<int>(index));
  }
  int64_t Index(absl::string_view text) {
    auto [it, added] = index_.try_emplace(text, profile_->string_table_size());
    if (added) profile_->add_string_table(std::string(text));
    return it->second;
  }

 private:
  pprof::Profile* profile_;
  absl::flat_hash_map<std::string, int64_t> index_;
};

}  // namespace

absl::StatusOr<ProfileSymbolizationCounts> SymbolizeProfile(
    const symtab::Binary& binary, const symtab::Symbolizer& symbolizer,
    const ProfileSymbolizationOptions& options, pprof::Profile* profile) {
  Strings strings(profile);
  ProfileSymbolizationCounts counts;

  // The binary's mappings, by id.
  absl::flat_hash_map<uint64_t, pprof::Mapping*> mappings;
  absl::flat_hash_set<uint64_t> mapping_ids;
  for (pprof::Mapping& mapping : *profile->mutable_mapping()) {
    if (!strings.Valid(mapping.build_id()) ||
        !strings.Valid(mapping.filename())) {
      return Corrupt(absl::StrCat("mapping ", mapping.id(), "'s strings"));
    }
    mapping_ids.insert(mapping.id());
    const std::string& build_id = strings.At(mapping.build_id());
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

  using FunctionKey = std::tuple<int64_t, int64_t, int64_t, int64_t>;
  absl::flat_hash_map<FunctionKey, uint64_t> functions;
  uint64_t next_function_id = 1;
  for (const pprof::Function& function : profile->function()) {
    if (!strings.Valid(function.name()) ||
        !strings.Valid(function.system_name()) ||
        !strings.Valid(function.filename())) {
      return Corrupt(absl::StrCat("function ", function.id(), "'s strings"));
    }
    functions.try_emplace({function.name(), function.system_name(),
                           function.filename(), function.start_line()},
                          function.id());
    next_function_id = std::max(next_function_id, function.id() + 1);
  }

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
      const int64_t name = strings.Index(frame.function);
      const int64_t file = strings.Index(frame.file);
      auto [it, added] =
          functions.try_emplace({name, name, file, 0}, next_function_id);
      if (added) {
        pprof::Function* function = profile->add_function();
        function->set_id(next_function_id++);
        function->set_name(name);
        function->set_system_name(name);
        function->set_filename(file);
      }
      pprof::Line* line = unsymbolized[i]->add_line();
      line->set_function_id(it->second);
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
