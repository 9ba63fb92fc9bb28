#include "goruntime/defer_layout.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gentrace::goruntime {
namespace {

struct Row {
  int since_minor;
  int ptr_size;
  DeferLayout layout;
};

// From each release's src/runtime/runtime2.go, type-checked with the gc
// compiler's sizes by tools/runtime_layout_from_source (-fields=defer); the
// sweep over every release tag is tests/defer/defer_layouts_by_release.tsv.xz,
// which defer_layout_test holds this table to. Newest first.
//   1.27: _panic shrinks past the fields read here (no row)
//   1.26: _panic loses argp
//   1.25: _panic gains repanicked, between recovered and goexit (the sweep
//         has no column for it; runtime_layout_test checks it against
//         DWARF)
//   1.22: the panic/defer rework (rangefunc, head; no siz, started, fd,
//         varp, _panic link)
//   1.18: defers take no arguments (siz gone)
//   1.14: open-coded defers (openDefer, fd, varp, framepc)
//   1.13: stack-allocated records (heap)
constexpr Row kRows[] = {
    // clang-format off
    //             g_panic g_defer siz started heap open range sp pc fn link fd varp size
    //             panic: link recovered arg goexit repanicked
    {26, 8, {32, 40, -1, -1, 0, -1, 1, 8, 16, 24, 32, -1, -1, 48, 16, 88, 0, 90, 89}},
    {26, 4, {16, 20, -1, -1, 0, -1, 1, 4, 8, 12, 16, -1, -1, 24, 8, 44, 0, 46, 45}},
    {25, 8, {32, 40, -1, -1, 0, -1, 1, 8, 16, 24, 32, -1, -1, 48, 24, 96, 8, 98, 97}},
    {25, 4, {16, 20, -1, -1, 0, -1, 1, 4, 8, 12, 16, -1, -1, 24, 12, 48, 4, 50, 49}},
    {22, 8, {32, 40, -1, -1, 0, -1, 1, 8, 16, 24, 32, -1, -1, 48, 24, 96, 8, 97, -1}},
    {22, 4, {16, 20, -1, -1, 0, -1, 1, 4, 8, 12, 16, -1, -1, 24, 12, 48, 4, 49, -1}},
    {18, 8, {32, 40, -1, 0, 1, 2, -1, 8, 16, 24, 40, 48, 56, 72, 24, 48, 8, 50, -1}},
    {18, 4, {16, 20, -1, 0, 1, 2, -1, 4, 8, 12, 20, 24, 28, 36, 12, 24, 4, 26, -1}},
    {14, 8, {32, 40, 0, 4, 5, 6, -1, 8, 16, 24, 40, 48, 56, 72, 24, 48, 8, 50, -1}},
    {14, 4, {16, 20, 0, 4, 5, 6, -1, 8, 12, 16, 24, 28, 32, 40, 12, 24, 4, 26, -1}},
    {13, 8, {32, 40, 0, 4, 5, -1, -1, 8, 16, 24, 40, -1, -1, 48, 24, 32, 8, -1, -1}},
    {13, 4, {16, 20, 0, 4, 5, -1, -1, 8, 12, 16, 24, -1, -1, 28, 12, 16, 4, -1, -1}},
    // clang-format on
};

constexpr DeferLayoutField kFields[] = {
    {"g_panic", &DeferLayout::g_panic, "runtime.g", "_panic"},
    {"g_defer", &DeferLayout::g_defer, "runtime.g", "_defer"},
    {"defer_siz", &DeferLayout::siz, "runtime._defer", "siz"},
    {"defer_started", &DeferLayout::started, "runtime._defer", "started"},
    {"defer_heap", &DeferLayout::heap, "runtime._defer", "heap"},
    {"defer_open_defer", &DeferLayout::open_defer, "runtime._defer",
     "openDefer"},
    {"defer_rangefunc", &DeferLayout::rangefunc, "runtime._defer", "rangefunc"},
    {"defer_sp", &DeferLayout::sp, "runtime._defer", "sp"},
    {"defer_pc", &DeferLayout::pc, "runtime._defer", "pc"},
    {"defer_fn", &DeferLayout::fn, "runtime._defer", "fn"},
    {"defer_link", &DeferLayout::link, "runtime._defer", "link"},
    {"defer_fd", &DeferLayout::fd, "runtime._defer", "fd"},
    {"defer_varp", &DeferLayout::varp, "runtime._defer", "varp"},
    {"defer_size", &DeferLayout::size, "runtime._defer", ""},
    {"panic_link", &DeferLayout::panic_link, "runtime._panic", "link"},
    {"panic_recovered", &DeferLayout::panic_recovered, "runtime._panic",
     "recovered"},
    {"panic_arg", &DeferLayout::panic_arg, "runtime._panic", "arg"},
    {"panic_goexit", &DeferLayout::panic_goexit, "runtime._panic", "goexit"},
};

}  // namespace

absl::Span<const DeferLayoutField> DeferLayoutFields() { return kFields; }

absl::StatusOr<DeferLayout> DeferLayoutFor(const symtab::GoVersion& version,
                                           int ptr_size) {
  for (const Row& row : kRows) {
    if (row.ptr_size == ptr_size && version.AtLeast(row.since_minor)) {
      return row.layout;
    }
  }
  return absl::UnimplementedError(
      absl::StrCat("no defer record layout for go1.", version.minor, " with ",
                   ptr_size, "-byte pointers (gentrace knows Go 1.13 on)"));
}

}  // namespace gentrace::goruntime
