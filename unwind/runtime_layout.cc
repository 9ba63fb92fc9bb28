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
// beyond pointer width because int64 fields are 4-byte aligned there. Go
// 1.20, for which no toolchain is at hand, shares 1.19's layout: checked end
// to end, through the goroutine view, against a go1.20.12 program's (esbuild
// 0.20.2's) own crash dump. Go 1.26 (64-bit) was read off a go1.26.5
// program's core (esbuild 0.28.2: its goroutines' known ids, states, wait
// reasons, saved registers, creators, and its M's thread id and runtime id)
// and checked the same way; its lockedm is placed by continuity with 1.23
// (the core had no locked goroutine).
// clang-format off
constexpr LayoutRow kRows[] = {
    // g: stack lo/hi, m, sched, syscallsp/pc/bp, atomicstatus, goid,
    //    waitsince, waitreason, lockedm, gopc, ancestors, startpc, parentGoid;
    // gobuf: sp, pc, lr, bp;  m: g0, procid, gsignal, curg, id.
    {19, 20, 8, {0, 8,   48, 56,  112, 120, -1,  144, 152, 168, 176, 232, 296, 304, 312, -1,
                 0, 8, 40, 48,            0, 72, 80, 192, 232}},
    {19, 20, 4, {0, 4,   24, 28,  56,  60,  -1,  72,  80,  92,  100, 152, 184, 188, 192, -1,
                 0, 4, 20, 24,            0, 40, 48, 108, 128}},
    {21, 22, 8, {0, 8,   48, 56,  112, 120, -1,  144, 152, 168, 176, 208, 280, 288, 296, 272,
                 0, 8, 40, 48,            0, 72, 80, 192, 232}},
    {21, 22, 4, {0, 4,   24, 28,  56,  60,  -1,  72,  80,  92,  100, 132, 172, 176, 180, 164,
                 0, 4, 20, 24,            0, 40, 48, 108, 128}},
    {23, 23, 8, {0, 8,   48, 56,  112, 120, 128, 152, 160, 176, 184, 216, 288, 296, 304, 280,
                 0, 8, 40, 48,            0, 72, 80, 192, 232}},
    {23, 23, 4, {0, 4,   24, 28,  56,  60,  64,  76,  84,  96,  104, 136, 176, 180, 184, 168,
                 0, 4, 20, 24,            0, 40, 48, 108, 128}},
    // gobuf lost `ret` in 1.25: everything after g.sched and m.morebuf
    // moved up a word.
    {26, 26, 8, {0, 8,   48, 56,  104, 112, 120, 144, 152, 168, 176, 216, 288, 296, 304, 280,
                 0, 8, 32, 40,            0, 64, 72, 184, 232}},
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
