#include "arch/arch.h"

#include <algorithm>

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
  }
  EXPECT_GE(described, 1);
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
