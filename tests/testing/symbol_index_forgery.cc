#include "tests/testing/symbol_index_forgery.h"

#include <cstdint>

namespace gentrace::testing {

void ResealSymbolIndex(std::string* index) {
  uint64_t hash = 0xcbf29ce484222325;
  for (size_t i = 64; i < index->size(); ++i) {
    hash ^= static_cast<uint8_t>((*index)[i]);
    hash *= 0x100000001b3;
  }
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
