#include "arch/arch.h"

#include <algorithm>

#include "arch/linux_signals.h"
#include "arch/registers.h"
#include "gtest/gtest.h"

namespace gentrace::arch {
namespace {

TEST(ArchTableTest, EveryRowIsFoundByItsNameAndItsElfKind) {
  for (const ArchInfo& arch : AllArches()) {
    EXPECT_EQ(ArchByGoarch(arch.goarch), &arch) << arch.goarch;
    EXPECT_EQ(ArchByElf(arch.elf_machine, arch.ptr_size, arch.byte_order),
              &arch)
        << arch.goarch;
  }
  EXPECT_EQ(ArchByGoarch("vax"), nullptr);
  // i386's machine number with 8-byte words is no Go port.
  EXPECT_EQ(ArchByElf(3, 8, ByteOrder::kLittle), nullptr);
}

TEST(ArchTableTest, CoreRegisterSlotsNameThePcAndSp) {
  for (const ArchInfo& arch : AllArches()) {
    const auto& slots = arch.prstatus_slots;
    EXPECT_NE(std::find(slots.begin(), slots.end(), arch.pc), slots.end())
        << arch.goarch;
    EXPECT_NE(std::find(slots.begin(), slots.end(), arch.sp), slots.end())
        << arch.goarch;
    if (!arch.lr.empty()) {
      EXPECT_NE(std::find(slots.begin(), slots.end(), arch.lr), slots.end())
          << arch.goarch;
    }
  }
}

// Where a row names the ucontext's general registers, its pc and sp offsets
// are the slots of the pc and sp registers: one description, not two.
TEST(ArchTableTest, SignalContextRegisterOrderAgreesWithPcAndSpOffsets) {
  int described = 0;
  for (const ArchInfo& arch : AllArches()) {
    const SignalContextLayout& layout = arch.signal_context;
    if (layout.general_register_names.empty()) continue;
    ++described;
    const auto slot_of = [&](absl::string_view name) {
      const auto& names = layout.general_register_names;
      const auto it = std::find(names.begin(), names.end(), name);
      return it == names.end()
                 ? -1
                 : layout.general_registers +
                       layout.value_size * static_cast<int>(it - names.begin());
    };
    EXPECT_EQ(slot_of(arch.pc), layout.pc) << arch.goarch;
    EXPECT_EQ(slot_of(arch.sp), layout.sp) << arch.goarch;
    if (layout.lr >= 0) {
      EXPECT_EQ(slot_of(arch.lr), layout.lr) << arch.goarch;
    }
  }
  EXPECT_GE(described, 1);
}

// dumpregs' lines read the pc and sp where the row says they are.
TEST(ArchTableTest, DumpedRegistersLieInTheSignalContext) {
  for (const ArchInfo& arch : AllArches()) {
    SCOPED_TRACE(arch.goarch);
    const SignalContextLayout& layout = arch.signal_context;
    if (layout.dumped_registers.empty()) continue;
    // Where the row knows the pc and sp slots, dumpregs reads them there.
    int pc = 0, sp = 0;
    for (const DumpedRegister& reg : layout.dumped_registers) {
      pc += reg.offset == layout.pc && reg.size == layout.value_size;
      sp += reg.offset == layout.sp && reg.size == layout.value_size;
    }
    EXPECT_EQ(pc, 1);
    EXPECT_EQ(sp, 1);
  }
}

// Every port's dump is described, and the register Go code keeps g in is
// one of the dumped ones, where both tables name it.
TEST(ArchTableTest, TheGRegisterIsADumpedOne) {
  for (const ArchInfo& arch : AllArches()) {
    SCOPED_TRACE(arch.goarch);
    const SignalContextLayout& layout = arch.signal_context;
    EXPECT_FALSE(layout.dumped_registers.empty());
    if (layout.g_register < 0) continue;
    int g = 0;
    for (const DumpedRegister& reg : layout.dumped_registers) {
      g += reg.offset == layout.g_register && reg.size == layout.value_size;
    }
    EXPECT_EQ(g, 1);
  }
}

// The runtime's names by each numbering, its real-time signals, and the end
// of its tables.
TEST(LinuxSignalsTest, NamesFollowEachNumbering) {
  const ArchInfo& amd64 = *ArchByGoarch("amd64");
  const ArchInfo& mips = *ArchByGoarch("mips64le");
  EXPECT_EQ(LinuxSignalName(amd64, 11), "SIGSEGV: segmentation violation");
  EXPECT_EQ(LinuxSignalName(amd64, 7), "SIGBUS: bus error");
  EXPECT_EQ(LinuxSignalName(mips, 10), "SIGBUS: bus error");
  EXPECT_EQ(LinuxSignalName(mips, 7), "SIGEMT");
  EXPECT_EQ(LinuxSignalName(amd64, 16), "SIGSTKFLT: stack fault");
  EXPECT_EQ(LinuxSignalName(mips, 16), "SIGUSR1: user-defined signal 1");
  EXPECT_EQ(LinuxSignalName(amd64, 40), "signal 40");
  EXPECT_EQ(LinuxSignalName(amd64, 65), "");
  EXPECT_EQ(LinuxSignalName(mips, 128), "signal 128");
  EXPECT_EQ(LinuxSignalName(mips, 129), "");
  EXPECT_TRUE(IsFaultSignal(amd64, 7));
  EXPECT_FALSE(IsFaultSignal(mips, 7));
  EXPECT_TRUE(IsFaultSignal(mips, 10));
  EXPECT_EQ(SiginfoCodeOffset(mips), 4);
  EXPECT_EQ(SiginfoAddrOffset(*ArchByGoarch("386")), 12);
}

// A typed register set holds every register the table names anywhere: the
// walk's pc, sp, LR and frame pointer, and the ucontext's registers.
TEST(RegistersTest, EveryNamedRegisterHasASlot) {
  for (const ArchInfo& arch : AllArches()) {
    SCOPED_TRACE(arch.goarch);
    EXPECT_LE(arch.prstatus_slots.size(), Registers::kMaxSlots);
    Registers registers(arch);
    for (absl::string_view name : arch.signal_context.general_register_names) {
      if (name.empty()) continue;  // a slot not named
      EXPECT_TRUE(registers.Set(name, 1)) << name;
    }
    for (absl::string_view name : arch.dwarf_registers) {
      if (name.empty()) continue;
      EXPECT_TRUE(registers.Set(name, 1)) << "DWARF " << name;
    }
    // A minidump context gives at least the registers a walk starts from.
    int minidump_walk_registers = 0;
    for (absl::string_view name : arch.minidump.registers) {
      if (name.empty()) continue;
      EXPECT_TRUE(registers.Set(name, 1)) << "minidump " << name;
      minidump_walk_registers +=
          name == arch.pc || name == arch.sp || name == arch.lr;
    }
    if (!arch.minidump.registers.empty()) {
      EXPECT_EQ(minidump_walk_registers, arch.uses_lr ? 3 : 2);
    }
    EXPECT_TRUE(registers.Set(arch.pc, 0x1000));
    EXPECT_TRUE(registers.Set(arch.sp, 0x2000));
    if (!arch.lr.empty()) {
      EXPECT_TRUE(registers.Set(arch.lr, 0x3000));
    }
    if (!arch.fp.empty()) {
      EXPECT_TRUE(registers.Set(arch.fp, 0x4000));
    }
    EXPECT_EQ(registers.pc(), 0x1000u);
    EXPECT_EQ(registers.sp(), 0x2000u);
    EXPECT_EQ(registers.lr(), arch.lr.empty() ? 0u : 0x3000u);
  }
}

TEST(RegistersTest, SlotsAreTheCoresNumbering) {
  const ArchInfo& arm64 = *ArchByGoarch("arm64");
  Registers registers(arm64);
  EXPECT_FALSE(registers.pc().has_value());
  EXPECT_FALSE(registers.Set("rip", 1));  // not an arm64 register
  registers.SetSlot(32, 0x401000);        // NT_PRSTATUS: x0-x30, sp, pc
  registers.SetSlot(30, 0x402000);
  registers.SetSlot(999, 7);  // past the slots: ignored
  EXPECT_EQ(registers.pc(), 0x401000u);
  EXPECT_EQ(registers.Get("x30"), 0x402000u);
  EXPECT_EQ(registers.lr(), 0x402000u);
  const auto all = registers.all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].first, "x30");
  EXPECT_EQ(all[1].first, "pc");
  EXPECT_FALSE(Registers().pc().has_value());
}

TEST(ArchTableTest, HostArchMatchesThisBuild) {
  const ArchInfo* host = HostArch();
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->ptr_size, static_cast<int>(sizeof(void*)));
}

TEST(ArchTableTest, SigsetAndRedZoneColumnsAreSane) {
  for (const ArchInfo& arch : AllArches()) {
    EXPECT_TRUE(arch.sigset_size == 8 || arch.sigset_size == 16) << arch.goarch;
    EXPECT_GE(arch.red_zone, 0) << arch.goarch;
  }
}

}  // namespace
}  // namespace gentrace::arch
