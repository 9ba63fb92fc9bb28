#include "unwind/runtime_layout.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace gentrace::unwind {
namespace {

struct LayoutRow {
  int first_minor;  // the row holds from go1.<first_minor> ...
  int last_minor;   // ... to go1.<last_minor>
  int ptr_size;
  RuntimeLayout layout;
};

// From the DWARF of binaries each toolchain built (checked by
// runtime_layout_test against every fixture GOARCH). 32-bit rows differ
// beyond pointer width because int64 fields are 4-byte aligned there.
// clang-format off
constexpr LayoutRow kRows[] = {
    // g: stack lo/hi, m, sched, syscallsp/pc/bp, atomicstatus, goid,
    //    waitsince, waitreason, lockedm, gopc, ancestors, startpc, parentGoid;
    // gobuf: sp, pc, lr, bp;  m: g0, procid, gsignal, curg, id.
    {19, 19, 8, {0, 8,   48, 56,  112, 120, -1,  144, 152, 168, 176, 232, 296, 304, 312, -1,
                 0, 8, 40, 48,            0, 72, 80, 192, 232}},
    {19, 19, 4, {0, 4,   24, 28,  56,  60,  -1,  72,  80,  92,  100, 152, 184, 188, 192, -1,
                 0, 4, 20, 24,            0, 40, 48, 108, 128}},
    {21, 22, 8, {0, 8,   48, 56,  112, 120, -1,  144, 152, 168, 176, 208, 280, 288, 296, 272,
                 0, 8, 40, 48,            0, 72, 80, 192, 232}},
    {21, 22, 4, {0, 4,   24, 28,  56,  60,  -1,  72,  80,  92,  100, 132, 172, 176, 180, 164,
                 0, 4, 20, 24,            0, 40, 48, 108, 128}},
    {23, 23, 8, {0, 8,   48, 56,  112, 120, 128, 152, 160, 176, 184, 216, 288, 296, 304, 280,
                 0, 8, 40, 48,            0, 72, 80, 192, 232}},
    {23, 23, 4, {0, 4,   24, 28,  56,  60,  64,  76,  84,  96,  104, 136, 176, 180, 184, 168,
                 0, 4, 20, 24,            0, 40, 48, 108, 128}},
};
// clang-format on

}  // namespace

absl::StatusOr<RuntimeLayout> RuntimeLayoutFor(const symtab::GoVersion& version,
                                               const ArchInfo& arch) {
  for (const LayoutRow& row : kRows) {
    if (row.ptr_size == arch.ptr_size && version.minor >= row.first_minor &&
        version.minor <= row.last_minor) {
      RuntimeLayout layout = row.layout;
      // m.sigmask, before m.curg and m.id, is Linux's sigset: 128 signals
      // on MIPS, 64 elsewhere.
      if (absl::StartsWith(arch.goarch, "mips")) {
        layout.m_curg += 8;
        layout.m_id += 8;
      }
      return layout;
    }
  }
  return absl::UnimplementedError(
      absl::StrCat("no goroutine structure layout for ", version.ToString(),
                   " on ", arch.goarch));
}

}  // namespace gentrace::unwind
