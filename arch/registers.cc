#include "arch/registers.h"

namespace gentrace::arch {

void Registers::Set(absl::string_view name, uint64_t value) {
  for (auto& [n, v] : values_) {
    if (n == name) {
      v = value;
      return;
    }
  }
  values_.emplace_back(std::string(name), value);
}

std::optional<uint64_t> Registers::Get(absl::string_view name) const {
  for (const auto& [n, v] : values_) {
    if (n == name) return v;
  }
  return std::nullopt;
}

}  // namespace gentrace::arch
