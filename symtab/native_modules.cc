#include "symtab/native_modules.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "symtab/elf_file.h"
#include "symtab/mapped_file.h"

namespace gentrace::symtab {

void NativeModules::Add(const std::string& path, uint64_t start, uint64_t end,
                        uint64_t load_bias,
                        std::shared_ptr<const NativeSymbols> symbols) {
  ranges_.push_back({start, end, load_bias, path});
  if (symbols_.contains(path)) return;
  if (symbols == nullptr) {
    absl::StatusOr<std::unique_ptr<NativeSymbols>> opened =
        NativeSymbols::Open(path);
    if (opened.ok()) symbols = *std::move(opened);
  }
  symbols_[path] = std::move(symbols);
}

namespace {

// The page its lowest PT_LOAD segment starts on (0 if unreadable).
uint64_t LowestLoadPage(const std::string& path) {
  absl::StatusOr<std::unique_ptr<MappedFile>> file = MappedFile::Open(path);
  if (!file.ok()) return 0;
  absl::StatusOr<std::unique_ptr<ElfFile>> elf =
      ElfFile::Parse((*file)->bytes());
  if (!elf.ok()) return 0;
  uint64_t lowest = UINT64_MAX;
  for (const ElfSegment& segment : (*elf)->segments()) {
    constexpr uint32_t kPtLoad = 1;
    if (segment.type == kPtLoad) lowest = std::min(lowest, segment.vaddr);
  }
  return lowest == UINT64_MAX ? 0 : lowest & ~uint64_t{0xfff};
}

}  // namespace

void NativeModules::AddMapping(const std::string& path, uint64_t start,
                               uint64_t end, uint64_t file_offset) {
  auto placed = biases_.find(path);
  if (placed == biases_.end()) {
    if (file_offset != 0) return;  // not the file's start: cannot place it
    placed = biases_.emplace(path, start - LowestLoadPage(path)).first;
  }
  Add(path, start, end, placed->second);
}

NativeModules::Location NativeModules::Locate(uint64_t pc, bool exact) const {
  const uint64_t lookup = exact ? pc : pc - 1;
  Location out;
  for (const Range& r : ranges_) {
    if (lookup < r.start || lookup >= r.end) continue;
    out.module = r.path;
    const NativeSymbols* symbols = symbols_.at(r.path).get();
    if (symbols == nullptr) break;
    const uint64_t address = lookup - r.load_bias;
    if (const NativeSymbols::Function* f = symbols->FindFunction(address)) {
      out.function = f->name;
    }
    if (std::optional<NativeSymbols::Line> line = symbols->FindLine(address)) {
      out.file = line->file;
      out.line = line->line;
    }
    break;
  }
  return out;
}

std::vector<NativeModules::Module> NativeModules::modules() const {
  std::vector<Module> out;
  absl::flat_hash_set<absl::string_view> seen;
  for (const Range& r : ranges_) {
    if (symbols_.at(r.path) == nullptr || !seen.insert(r.path).second) continue;
    out.push_back({r.path, r.load_bias});
  }
  return out;
}

}  // namespace gentrace::symtab
