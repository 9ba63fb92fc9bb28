#include "tests/testing/symbol_index_forgery.h"

#include <cstdint>

#include "absl/strings/string_view.h"
#include "symtab/symbol_index.h"

namespace gentrace::testing {

void ResealSymbolIndex(std::string* index) {
  const uint64_t hash =
      symtab::SymbolIndex::Checksum(absl::string_view(*index).substr(64));
  for (int i = 0; i < 8; ++i) {
    (*index)[24 + i] = static_cast<char>(hash >> (8 * i));
  }
}

size_t SymbolIndexStringsOffset(const std::string& index) {
  uint32_t ids_size = 0;
  for (int i = 0; i < 4; ++i) {
    ids_size |= uint32_t{static_cast<uint8_t>(index[40 + i])} << (8 * i);
  }
  return 64 + ((ids_size + 7) & ~uint32_t{7});
}

}  // namespace gentrace::testing
