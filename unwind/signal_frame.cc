#include "unwind/signal_frame.h"

namespace gentrace::unwind {

std::optional<InterruptedRegisters> ReadSignalContext(
    const arch::ArchInfo& arch, const symtab::AddressSpace& memory,
    uint64_t ucontext) {
  const arch::SignalContextLayout& layout = arch.signal_context;
  auto read = [&](uint64_t address, int size) -> std::optional<uint64_t> {
    std::optional<symtab::ByteReader> bytes = memory.Read(address, size);
    if (!bytes) return std::nullopt;
    return bytes->Word(0, size);
  };
  uint64_t base = ucontext;
  if (layout.registers_pointer >= 0) {
    std::optional<uint64_t> registers =
        read(ucontext + layout.registers_pointer, arch.ptr_size);
    if (!registers) return std::nullopt;
    base = *registers;
  }
  std::optional<uint64_t> pc = read(base + layout.pc, layout.value_size);
  std::optional<uint64_t> sp = read(base + layout.sp, layout.value_size);
  std::optional<uint64_t> lr =
      layout.lr >= 0 ? read(base + layout.lr, layout.value_size) : 0;
  if (!pc || !sp || !lr) return std::nullopt;
  return InterruptedRegisters{*pc, *sp, *lr};
}

arch::Registers ReadSignalContextRegisters(const arch::ArchInfo& arch,
                                           const symtab::AddressSpace& memory,
                                           uint64_t ucontext) {
  const arch::SignalContextLayout& layout = arch.signal_context;
  arch::Registers registers(arch);
  const auto& names = layout.general_register_names;
  if (layout.general_registers < 0 || names.empty()) return registers;
  std::optional<symtab::ByteReader> bytes =
      memory.Read(ucontext + layout.general_registers,
                  static_cast<uint64_t>(layout.value_size) * names.size());
  if (!bytes) return registers;
  for (size_t i = 0; i < names.size(); ++i) {
    std::optional<uint64_t> value =
        bytes->Word(layout.value_size * i, layout.value_size);
    if (value) registers.Set(names[i], *value);
  }
  return registers;
}

}  // namespace gentrace::unwind
