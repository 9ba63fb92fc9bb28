#ifndef GENTRACE_SYMTAB_SCATTERED_MEMORY_H_
#define GENTRACE_SYMTAB_SCATTERED_MEMORY_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "symtab/address_space.h"
#include "symtab/byte_reader.h"

namespace gentrace::symtab {

// For tests: little-endian bytes put at chosen addresses; everything else
// is unmapped.
class ScatteredMemory : public AddressSpace {
 public:
  void Put(uint64_t address, absl::string_view bytes) {
    for (size_t i = 0; i < bytes.size(); ++i) {
      bytes_[address + i] = static_cast<uint8_t>(bytes[i]);
    }
  }
  // The low `size` bytes of `value`.
  void PutWord(uint64_t address, uint64_t value, int size = 8) {
    for (int i = 0; i < size; ++i) {
      bytes_[address + i] = static_cast<uint8_t>(value >> (8 * i));
    }
  }
  // The run of consecutive bytes put from `address`, copied where it stays
  // as long as this does (as AddressSpace promises).
  std::optional<ByteReader> ReadToEnd(uint64_t address) const override {
    std::vector<uint8_t> run;
    for (auto it = bytes_.find(address);
         it != bytes_.end() && it->first == address + run.size(); ++it) {
      run.push_back(it->second);
    }
    if (run.empty()) return std::nullopt;
    return ByteReader(runs_.emplace_back(std::move(run)), ByteOrder::kLittle);
  }
  // How many reads were made.
  int reads() const { return static_cast<int>(runs_.size()); }

 private:
  std::map<uint64_t, uint8_t> bytes_;
  mutable std::deque<std::vector<uint8_t>> runs_;
};

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_SCATTERED_MEMORY_H_
