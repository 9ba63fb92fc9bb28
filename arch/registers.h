#ifndef GENTRACE_ARCH_REGISTERS_H_
#define GENTRACE_ARCH_REGISTERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "arch/arch.h"

namespace gentrace::arch {

// A thread's registers by name (the architecture's gdb names). Small and
// copied freely.
class Registers {
 public:
  void Set(absl::string_view name, uint64_t value);
  std::optional<uint64_t> Get(absl::string_view name) const;
  const std::vector<std::pair<std::string, uint64_t>>& all() const {
    return values_;
  }

  // The registers the unwinder starts from; nullopt where the set lacks
  // them (LR reads 0 on architectures without one).
  std::optional<uint64_t> Pc(const ArchInfo& arch) const {
    return Get(arch.pc);
  }
  std::optional<uint64_t> Sp(const ArchInfo& arch) const {
    return Get(arch.sp);
  }
  uint64_t Lr(const ArchInfo& arch) const {
    return arch.lr.empty() ? 0 : Get(arch.lr).value_or(0);
  }

 private:
  std::vector<std::pair<std::string, uint64_t>> values_;
};

}  // namespace gentrace::arch

#endif  // GENTRACE_ARCH_REGISTERS_H_
