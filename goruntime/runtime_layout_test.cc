// The layout tables on their own: facts every release's runtime source
// shares (tests/unwind/runtime_layout_test checks each row against DWARF).
#include "goruntime/runtime_layout.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "goruntime/defer_layout.h"
#include "gtest/gtest.h"

namespace gentrace::goruntime {
namespace {

TEST(RuntimeLayoutTest, EveryReleaseAndArchitectureHasAPlausibleRow) {
  for (const arch::ArchInfo& arch : arch::AllArches()) {
    const int p = arch.ptr_size;
    for (int minor = 13; minor <= 26; ++minor) {
      SCOPED_TRACE(absl::StrCat(arch.goarch, " go1.", minor));
      absl::StatusOr<RuntimeLayout> layout =
          RuntimeLayoutFor(symtab::GoVersion{minor, 0}, arch);
      ASSERT_TRUE(layout.ok()) << layout.status();
      // type g struct { stack stack; ... }: stack{lo, hi} comes first, and
      // type m struct { g0 *g; ... }.
      EXPECT_EQ(layout->g_stack_lo, 0);
      EXPECT_EQ(layout->g_stack_hi, p);
      EXPECT_EQ(layout->m_g0, 0);
      // type gobuf struct { sp, pc uintptr; g guintptr; ... lr, bp }.
      EXPECT_EQ(layout->gobuf_sp, 0);
      EXPECT_EQ(layout->gobuf_pc, p);
      EXPECT_GT(layout->gobuf_lr, layout->gobuf_pc);
      EXPECT_GT(layout->gobuf_bp, layout->gobuf_lr);
      std::set<int> g_offsets;
      for (const RuntimeLayoutField& field : RuntimeLayoutFields()) {
        const int offset = (*layout).*field.member;
        if (field.every_release) {
          EXPECT_GE(offset, 0) << field.name;
        }
        if (offset < 0 || field.type_name != "runtime.g") continue;
        EXPECT_TRUE(g_offsets.insert(offset).second)
            << field.name << " shares offset " << offset;
        if (field.name != "g_waitreason" && field.name != "g_atomicstatus") {
          EXPECT_EQ(offset % p, 0) << field.name << " is not word-aligned";
        }
      }
    }
  }
}

TEST(RuntimeLayoutTest, MipsSigsetMovesTheFieldsAfterIt) {
  // m.sigmask is 8 bytes on arm and 16 on mips; m.curg and m.id follow it.
  const symtab::GoVersion go1_22{22, 0};
  absl::StatusOr<RuntimeLayout> arm =
      RuntimeLayoutFor(go1_22, *arch::ArchByGoarch("arm"));
  absl::StatusOr<RuntimeLayout> mips =
      RuntimeLayoutFor(go1_22, *arch::ArchByGoarch("mips"));
  ASSERT_TRUE(arm.ok() && mips.ok());
  EXPECT_EQ(mips->m_procid, arm->m_procid);
  EXPECT_EQ(mips->m_curg - arm->m_curg, 8);
  EXPECT_EQ(mips->m_id - arm->m_id, 8);
}

TEST(RuntimeLayoutTest, ReleasesOutsideTheTableAreRefused) {
  const arch::ArchInfo& amd64 = *arch::ArchByGoarch("amd64");
  EXPECT_EQ(RuntimeLayoutFor({12, 0}, amd64).status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(RuntimeLayoutFor({99, 0}, amd64).status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(DeferLayoutFor({12, 0}, 8).status().code(),
            absl::StatusCode::kUnimplemented);
}

TEST(DeferLayoutTest, RecordsLinkAndPointAtTheirFunctions) {
  for (int p : {4, 8}) {
    for (int minor = 13; minor <= 26; ++minor) {
      SCOPED_TRACE(absl::StrCat(p, "-byte pointers, go1.", minor));
      absl::StatusOr<DeferLayout> layout = DeferLayoutFor({minor, 0}, p);
      ASSERT_TRUE(layout.ok()) << layout.status();
      for (int offset : {layout->sp, layout->pc, layout->fn, layout->link}) {
        EXPECT_GE(offset, 0);
        EXPECT_EQ(offset % p, 0);
      }
      EXPECT_EQ(
          std::set<int>({layout->sp, layout->pc, layout->fn, layout->link})
              .size(),
          4u);
      // Arguments were copied after the record up to Go 1.17 only.
      EXPECT_EQ(layout->siz >= 0, minor <= 17);
      EXPECT_GT(layout->g_defer, 0);
      EXPECT_GT(layout->g_panic, 0);
    }
  }
}

}  // namespace
}  // namespace gentrace::goruntime
