// The runtime structure offsets in unwind/runtime_layout.cc are the ones
// each toolchain's DWARF gives, for every fixture GOARCH (the fixture script
// reads them with gdb-multiarch: tests/fixtures/runtime_offsets.py).
#include "unwind/runtime_layout.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "tests/testing/fixtures.h"
#include "unwind/arch.h"

namespace gentrace::unwind {
namespace {

using ::gentrace::testing::FixtureBinary;

// runtime_offsets.py's names for RuntimeLayout's fields.
const std::vector<std::pair<std::string, int RuntimeLayout::*>>& Fields() {
  static const auto* fields =
      new std::vector<std::pair<std::string, int RuntimeLayout::*>>{
          {"g_stack_lo", &RuntimeLayout::g_stack_lo},
          {"g_stack_hi", &RuntimeLayout::g_stack_hi},
          {"g_m", &RuntimeLayout::g_m},
          {"g_sched", &RuntimeLayout::g_sched},
          {"g_syscallsp", &RuntimeLayout::g_syscallsp},
          {"g_syscallpc", &RuntimeLayout::g_syscallpc},
          {"g_syscallbp", &RuntimeLayout::g_syscallbp},
          {"g_atomicstatus", &RuntimeLayout::g_atomicstatus},
          {"g_goid", &RuntimeLayout::g_goid},
          {"g_waitsince", &RuntimeLayout::g_waitsince},
          {"g_waitreason", &RuntimeLayout::g_waitreason},
          {"g_lockedm", &RuntimeLayout::g_lockedm},
          {"g_gopc", &RuntimeLayout::g_gopc},
          {"g_ancestors", &RuntimeLayout::g_ancestors},
          {"g_startpc", &RuntimeLayout::g_startpc},
          {"g_parent_goid", &RuntimeLayout::g_parent_goid},
          {"gobuf_sp", &RuntimeLayout::gobuf_sp},
          {"gobuf_pc", &RuntimeLayout::gobuf_pc},
          {"gobuf_lr", &RuntimeLayout::gobuf_lr},
          {"gobuf_bp", &RuntimeLayout::gobuf_bp},
          {"m_g0", &RuntimeLayout::m_g0},
          {"m_procid", &RuntimeLayout::m_procid},
          {"m_gsignal", &RuntimeLayout::m_gsignal},
          {"m_curg", &RuntimeLayout::m_curg},
          {"m_id", &RuntimeLayout::m_id},
      };
  return *fields;
}

class RuntimeLayoutTest : public ::testing::TestWithParam<FixtureBinary> {};

TEST_P(RuntimeLayoutTest, MatchesDwarf) {
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(GetParam().path);
  ASSERT_TRUE(binary.ok()) << binary.status();
  ASSERT_TRUE((*binary)->go_version().has_value());
  const ArchInfo* arch = ArchByGoarch((*binary)->goarch());
  ASSERT_NE(arch, nullptr);
  absl::StatusOr<RuntimeLayout> layout =
      RuntimeLayoutFor(*(*binary)->go_version(), *arch);
  ASSERT_TRUE(layout.ok()) << layout.status();

  int checked = 0;
  for (absl::string_view line :
       absl::StrSplit(gentrace::testing::ReadFileOrEmpty(GetParam().path +
                                                         ".runtime_layout.txt"),
                      '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> name_value =
        absl::StrSplit(line, absl::MaxSplits('=', 1));
    int dwarf = 0;
    ASSERT_TRUE(absl::SimpleAtoi(name_value.second, &dwarf)) << line;
    bool known = false;
    for (const auto& [name, member] : Fields()) {
      if (name != name_value.first) continue;
      EXPECT_EQ((*layout).*member, dwarf) << name;
      known = true;
      ++checked;
    }
    EXPECT_TRUE(known) << "unknown field " << line;
  }
  EXPECT_EQ(checked, static_cast<int>(Fields().size()));
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, RuntimeLayoutTest,
    ::testing::ValuesIn(gentrace::testing::FixturesWith(".runtime_layout.txt")),
    gentrace::testing::FixtureTestName());

}  // namespace
}  // namespace gentrace::unwind
