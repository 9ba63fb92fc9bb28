#include "arch/registers.h"

namespace gentrace::arch {

Registers::Registers(const ArchInfo& arch)
    : arch_(&arch),
      pc_slot_(SlotOf(arch.pc)),
      sp_slot_(SlotOf(arch.sp)),
      lr_slot_(SlotOf(arch.lr)) {}

std::optional<size_t> Registers::SlotOf(absl::string_view name) const {
  if (arch_ == nullptr || name.empty()) return std::nullopt;
  const absl::Span<const absl::string_view> slots = arch_->prstatus_slots;
  for (size_t i = 0; i < slots.size() && i < kMaxSlots; ++i) {
    if (slots[i] == name) return i;
  }
  return std::nullopt;
}

void Registers::SetSlot(size_t slot, uint64_t value) {
  if (arch_ == nullptr || slot >= arch_->prstatus_slots.size() ||
      slot >= kMaxSlots) {
    return;
  }
  values_[slot] = value;
  set_.set(slot);
}

bool Registers::Set(absl::string_view name, uint64_t value) {
  const std::optional<size_t> slot = SlotOf(name);
  if (!slot) return false;
  SetSlot(*slot, value);
  return true;
}

std::optional<uint64_t> Registers::At(std::optional<size_t> slot) const {
  if (!slot || !set_.test(*slot)) return std::nullopt;
  return values_[*slot];
}

std::optional<uint64_t> Registers::Get(absl::string_view name) const {
  return At(SlotOf(name));
}

std::optional<uint64_t> Registers::pc() const { return At(pc_slot_); }
std::optional<uint64_t> Registers::sp() const { return At(sp_slot_); }
uint64_t Registers::lr() const { return At(lr_slot_).value_or(0); }

std::vector<std::pair<absl::string_view, uint64_t>> Registers::all() const {
  std::vector<std::pair<absl::string_view, uint64_t>> out;
  for (size_t i = 0;
       arch_ != nullptr && i < arch_->prstatus_slots.size() && i < kMaxSlots;
       ++i) {
    if (set_.test(i)) out.emplace_back(arch_->prstatus_slots[i], values_[i]);
  }
  return out;
}

}  // namespace gentrace::arch
