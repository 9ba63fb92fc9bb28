#include "symtab/native_modules.h"

namespace gentrace::symtab {

void NativeModules::Add(const std::string& path, uint64_t start, uint64_t end,
                        uint64_t load_bias) {
  ranges_.push_back({start, end, load_bias, path});
  if (symbols_.contains(path)) return;
  absl::StatusOr<std::unique_ptr<NativeSymbols>> symbols =
      NativeSymbols::Open(path);
  symbols_[path] = symbols.ok() ? std::move(*symbols) : nullptr;
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

}  // namespace gentrace::symtab
