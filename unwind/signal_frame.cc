#include "unwind/signal_frame.h"

namespace gentrace::unwind {

std::optional<uint64_t> SignalRegistersBase(const arch::ArchInfo& arch,
                                            const symtab::AddressSpace& memory,
                                            uint64_t ucontext) {
  const arch::SignalContextLayout& layout = arch.signal_context;
  if (layout.registers_pointer < 0) return ucontext;
  return memory.ReadWord(ucontext + layout.registers_pointer, arch.ptr_size,
                         arch.byte_order);
}

std::optional<InterruptedRegisters> ReadSignalContext(
    const arch::ArchInfo& arch, const symtab::AddressSpace& memory,
    uint64_t ucontext) {
  const arch::SignalContextLayout& layout = arch.signal_context;
  std::optional<uint64_t> base = SignalRegistersBase(arch, memory, ucontext);
  if (!base) return std::nullopt;
  auto read = [&](int offset) {
    return memory.ReadUnsigned(*base + offset, layout.value_size,
                               arch.byte_order);
  };
  std::optional<uint64_t> pc = read(layout.pc);
  std::optional<uint64_t> sp = read(layout.sp);
  std::optional<uint64_t> lr = layout.lr >= 0 ? read(layout.lr) : 0;
  if (!pc || !sp || !lr) return std::nullopt;
  return InterruptedRegisters{*pc, *sp, *lr};
}

arch::Registers ReadSignalContextRegisters(const arch::ArchInfo& arch,
                                           const symtab::AddressSpace& memory,
                                           uint64_t ucontext) {
  const arch::SignalContextLayout& layout = arch.signal_context;
  arch::Registers registers(arch);
  std::optional<uint64_t> base = SignalRegistersBase(arch, memory, ucontext);
  if (!base) return registers;
  const auto set = [&](absl::string_view name, int offset) {
    if (name.empty() || offset < 0) return;
    if (std::optional<uint64_t> value = memory.ReadUnsigned(
            *base + offset, layout.value_size, arch.byte_order)) {
      registers.Set(name, *value);
    }
  };
  const auto& names = layout.general_register_names;
  if (layout.general_registers >= 0) {
    for (size_t i = 0; i < names.size(); ++i) {
      set(names[i],
          layout.general_registers + static_cast<int>(i) * layout.value_size);
    }
  }
  set(arch.pc, layout.pc);
  set(arch.sp, layout.sp);
  set(arch.lr, layout.lr);
  return registers;
}

}  // namespace gentrace::unwind
