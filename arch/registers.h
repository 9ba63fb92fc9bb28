#ifndef GENTRACE_ARCH_REGISTERS_H_
#define GENTRACE_ARCH_REGISTERS_H_

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "arch/arch.h"

namespace gentrace::arch {

// A thread's general registers on one architecture, numbered as that
// architecture's NT_PRSTATUS slots (ArchInfo::prstatus_slots, gdb's names):
// a fixed array, not a list searched by name, with the registers that
// start a walk (pc, sp, LR) at hand. Small and copied freely.
class Registers {
 public:
  // More than any architecture's slots (arch_test checks).
  static constexpr size_t kMaxSlots = 48;

  // Of no architecture: holds nothing.
  Registers() = default;
  explicit Registers(const ArchInfo& arch);

  const ArchInfo* arch() const { return arch_; }

  // The register in slot `slot`; ignored past the architecture's slots.
  void SetSlot(size_t slot, uint64_t value);
  // By name; false when the architecture has no register of that name.
  bool Set(absl::string_view name, uint64_t value);
  std::optional<uint64_t> Get(absl::string_view name) const;

  // The registers a walk starts from; nullopt where the set lacks them (LR
  // reads 0 on architectures without one).
  std::optional<uint64_t> pc() const;
  std::optional<uint64_t> sp() const;
  uint64_t lr() const;

  // (name, value) of each register set, in slot order.
  std::vector<std::pair<absl::string_view, uint64_t>> all() const;

 private:
  std::optional<size_t> SlotOf(absl::string_view name) const;
  std::optional<uint64_t> At(std::optional<size_t> slot) const;

  const ArchInfo* arch_ = nullptr;
  // The slots of the pc, sp and LR, found once.
  std::optional<size_t> pc_slot_;
  std::optional<size_t> sp_slot_;
  std::optional<size_t> lr_slot_;
  std::array<uint64_t, kMaxSlots> values_{};
  std::bitset<kMaxSlots> set_;
};

}  // namespace gentrace::arch

#endif  // GENTRACE_ARCH_REGISTERS_H_
