#include "goruntime/runtime_layout.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gentrace::goruntime {
namespace {

// A layout that holds from go1.<since_minor>.<since_patch> until the next
// row of the same pointer size.
struct LayoutRow {
  int since_minor;
  int since_patch;
  int ptr_size;
  RuntimeLayout layout;
};

// Every release from go1.13 to go1.26.5 (191 release tags), then go1.26.10
// and go1.27.3, on every GOARCH it supports, from type-checking its runtime
// source with the gc compiler's sizes (tools/runtime_layout_from_source;
// sweep.sh's output, with the two newest from Debian's source packages, is
// tests/unwind/runtime_layouts_by_release.tsv.xz, and runtime_layout_test
// checks this table against every line of it, and against the DWARF of the
// binaries each installed toolchain builds). Patch releases can move fields:
// go1.18.2 moved 32-bit m.procid to an 8-byte boundary. 32-bit rows differ
// beyond pointer width because int64 fields are 4-byte aligned there.
// clang-format off
constexpr LayoutRow kRows[] = {
    // g: stack lo/hi, m, sched, syscallsp/pc/bp, atomicstatus, goid,
    //    waitsince, waitreason, lockedm, gopc, ancestors, startpc, parentGoid;
    // gobuf: sp, pc, lr, bp;  m: g0, procid, gsignal, curg, id.
    {13, 0, 8, {0, 8,  48, 56,  112, 120, -1,  144, 152, 168, 176, 216, 280, 288, 296, -1,
                0, 8, 40, 48,             0, 72, 80, 192, 232}},
    {17, 0, 8, {0, 8,  48, 56,  112, 120, -1,  144, 152, 168, 176, 232, 296, 304, 312, -1,
                0, 8, 40, 48,             0, 72, 80, 192, 232}},
    {21, 0, 8, {0, 8,  48, 56,  112, 120, -1,  144, 152, 168, 176, 208, 280, 288, 296, 272,
                0, 8, 40, 48,             0, 72, 80, 192, 232}},
    {23, 0, 8, {0, 8,  48, 56,  112, 120, 128, 152, 160, 176, 184, 216, 288, 296, 304, 280,
                0, 8, 40, 48,             0, 72, 80, 192, 232}},
    // gobuf lost `ret` in 1.25: g.sched onwards and m.morebuf onwards
    // moved up a word.
    {25, 0, 8, {0, 8,  48, 56,  104, 112, 120, 144, 152, 168, 176, 208, 280, 288, 296, 272,
                0, 8, 32, 40,             0, 64, 72, 184, 224}},
    {26, 0, 8, {0, 8,  48, 56,  104, 112, 120, 144, 152, 168, 176, 208, 288, 296, 304, 280,
                0, 8, 32, 40,             0, 64, 72, 184, 232}},

    {13, 0, 4, {0, 4,  24, 28,  56,  60,  -1,  72,  80,  92,  100, 132, 164, 168, 172, -1,
                0, 4, 20, 24,             0, 36, 44, 104, 124}},
    {17, 0, 4, {0, 4,  24, 28,  56,  60,  -1,  72,  80,  92,  100, 152, 184, 188, 192, -1,
                0, 4, 20, 24,             0, 36, 44, 104, 124}},
    {18, 2, 4, {0, 4,  24, 28,  56,  60,  -1,  72,  80,  92,  100, 152, 184, 188, 192, -1,
                0, 4, 20, 24,             0, 40, 48, 108, 128}},
    {21, 0, 4, {0, 4,  24, 28,  56,  60,  -1,  72,  80,  92,  100, 132, 172, 176, 180, 164,
                0, 4, 20, 24,             0, 40, 48, 108, 128}},
    {23, 0, 4, {0, 4,  24, 28,  56,  60,  64,  76,  84,  96,  104, 136, 176, 180, 184, 168,
                0, 4, 20, 24,             0, 40, 48, 108, 128}},
    {24, 0, 4, {0, 4,  24, 28,  56,  60,  64,  76,  84,  96,  104, 136, 180, 184, 188, 172,
                0, 4, 20, 24,             0, 40, 48, 108, 128}},
    {25, 0, 4, {0, 4,  24, 28,  52,  56,  60,  72,  80,  92,  100, 132, 176, 180, 184, 168,
                0, 4, 16, 20,             0, 32, 40, 100, 120}},
    {26, 0, 4, {0, 4,  24, 28,  52,  56,  60,  72,  80,  92,  100, 132, 184, 188, 192, 176,
                0, 4, 16, 20,             0, 32, 40, 100, 124}},
};
// clang-format on

// The oldest release the table was checked for; older ones are left to the
// binary's DWARF.
constexpr int kOldestMinor = 13;

constexpr int64_t kMaxFieldOffset = 4096;

// clang-format off
constexpr RuntimeLayoutField kFields[] = {
    {"g_stack_lo",     &RuntimeLayout::g_stack_lo,     "runtime.g",     "stack.lo",     true},
    {"g_stack_hi",     &RuntimeLayout::g_stack_hi,     "runtime.g",     "stack.hi",     true},
    {"g_m",            &RuntimeLayout::g_m,            "runtime.g",     "m",            true},
    {"g_sched",        &RuntimeLayout::g_sched,        "runtime.g",     "sched",        true},
    {"g_syscallsp",    &RuntimeLayout::g_syscallsp,    "runtime.g",     "syscallsp",    true},
    {"g_syscallpc",    &RuntimeLayout::g_syscallpc,    "runtime.g",     "syscallpc",    true},
    {"g_syscallbp",    &RuntimeLayout::g_syscallbp,    "runtime.g",     "syscallbp",    false},
    {"g_atomicstatus", &RuntimeLayout::g_atomicstatus, "runtime.g",     "atomicstatus", true},
    {"g_goid",         &RuntimeLayout::g_goid,         "runtime.g",     "goid",         true},
    {"g_waitsince",    &RuntimeLayout::g_waitsince,    "runtime.g",     "waitsince",    true},
    {"g_waitreason",   &RuntimeLayout::g_waitreason,   "runtime.g",     "waitreason",   true},
    {"g_lockedm",      &RuntimeLayout::g_lockedm,      "runtime.g",     "lockedm",      true},
    {"g_gopc",         &RuntimeLayout::g_gopc,         "runtime.g",     "gopc",         true},
    {"g_ancestors",    &RuntimeLayout::g_ancestors,    "runtime.g",     "ancestors",    true},
    {"g_startpc",      &RuntimeLayout::g_startpc,      "runtime.g",     "startpc",      true},
    {"g_parent_goid",  &RuntimeLayout::g_parent_goid,  "runtime.g",     "parentGoid",   false},
    {"gobuf_sp",       &RuntimeLayout::gobuf_sp,       "runtime.gobuf", "sp",           true},
    {"gobuf_pc",       &RuntimeLayout::gobuf_pc,       "runtime.gobuf", "pc",           true},
    {"gobuf_lr",       &RuntimeLayout::gobuf_lr,       "runtime.gobuf", "lr",           true},
    {"gobuf_bp",       &RuntimeLayout::gobuf_bp,       "runtime.gobuf", "bp",           true},
    {"m_g0",           &RuntimeLayout::m_g0,           "runtime.m",     "g0",           true},
    {"m_procid",       &RuntimeLayout::m_procid,       "runtime.m",     "procid",       true},
    {"m_gsignal",      &RuntimeLayout::m_gsignal,      "runtime.m",     "gsignal",      true},
    {"m_curg",         &RuntimeLayout::m_curg,         "runtime.m",     "curg",         true},
    {"m_id",           &RuntimeLayout::m_id,           "runtime.m",     "id",           true},
};
// clang-format on

}  // namespace

absl::Span<const RuntimeLayoutField> RuntimeLayoutFields() { return kFields; }

SignalFields GSignalFields(const RuntimeLayout& layout, int ptr_size,
                           int go_minor) {
  const int after =
      layout.g_parent_goid >= 0 ? layout.g_parent_goid : layout.g_gopc;
  SignalFields fields;
  fields.sigpc = after - ptr_size;
  fields.sigcode1 = fields.sigpc - ptr_size;
  fields.sigcode0 = fields.sigcode1 - ptr_size;
  // The one-byte fields between lockedm and sig: 1.24 fipsIndicator; 1.25
  // syncSafePoint and runningCleanups; 1.26 fipsOnlyBypass and ditWanted.
  const int between = go_minor >= 26 ? 5 : go_minor >= 25 ? 3 : go_minor >= 24;
  fields.sig = layout.g_lockedm + ptr_size + (between + 3) / 4 * 4;
  return fields;
}

int MIncgoOffset(const RuntimeLayout& layout, int ptr_size) {
  // id, mallocing, throwing; preemptoff at a word boundary past them; the
  // three int32s and the four bytes.
  const int preemptoff = layout.m_id + 8 + 4 + 4;
  return preemptoff + 2 * ptr_size + 3 * 4 + 4;
}

int GBytesRead(const RuntimeLayout& layout) {
  const RuntimeLayout& l = layout;
  return 8 + std::max({l.g_stack_hi, l.g_m, l.g_sched + l.gobuf_lr,
                       l.g_sched + l.gobuf_bp, l.g_syscallsp, l.g_syscallpc,
                       l.g_syscallbp, l.g_atomicstatus, l.g_goid, l.g_waitsince,
                       l.g_waitreason, l.g_lockedm, l.g_gopc, l.g_ancestors,
                       l.g_startpc, l.g_parent_goid});
}

int MBytesRead(const RuntimeLayout& layout, int ptr_size) {
  const RuntimeLayout& l = layout;
  return 8 + std::max({l.m_g0, l.m_procid, l.m_gsignal, l.m_curg, l.m_id,
                       MIncgoOffset(layout, ptr_size)});
}

absl::StatusOr<RuntimeLayout> RuntimeLayoutFor(const symtab::GoVersion& version,
                                               const arch::ArchInfo& arch,
                                               int table_newest_minor) {
  const LayoutRow* found = nullptr;
  if (version.minor >= kOldestMinor &&
      version.minor <=
          std::min(table_newest_minor, kRuntimeLayoutTableNewestMinor)) {
    for (const LayoutRow& row : kRows) {
      if (row.ptr_size == arch.ptr_size &&
          (version.minor > row.since_minor ||
           (version.minor == row.since_minor &&
            version.patch >= row.since_patch))) {
        found = &row;  // rows of a pointer size run oldest to newest
      }
    }
  }
  if (found != nullptr) {
    RuntimeLayout layout = found->layout;
    // m.sigmask, before m.curg and m.id, is Linux's sigset; the table's
    // rows have the 8 bytes of most ports.
    constexpr int kTableSigsetSize = 8;
    layout.m_curg += arch.sigset_size - kTableSigsetSize;
    layout.m_id += arch.sigset_size - kTableSigsetSize;
    return layout;
  }
  return absl::UnimplementedError(
      absl::StrCat("no goroutine structure layout for ", version.ToString(),
                   " on ", arch.goarch));
}

absl::StatusOr<RuntimeLayout> RuntimeLayoutFromDwarf(
    const symtab::DwarfTypes& dwarf) {
  RuntimeLayout layout;
  for (const RuntimeLayoutField& field : kFields) {
    std::optional<int64_t> offset =
        dwarf.MemberOffset(field.type_name, field.path);
    if (!offset && field.every_release) {
      return absl::NotFoundError(
          absl::StrCat("the DWARF has no ", field.type_name, ".", field.path));
    }
    // The fields gentrace reads lie in the first few hundred bytes of
    // their structs in every release; anything far beyond is a broken
    // DWARF, not a layout.
    if (offset && (*offset < 0 || *offset >= kMaxFieldOffset)) {
      return absl::DataLossError(absl::StrCat("the DWARF puts ",
                                              field.type_name, ".", field.path,
                                              " at ", *offset));
    }
    layout.*field.member = offset ? static_cast<int>(*offset) : -1;
  }
  return layout;
}

absl::StatusOr<ChosenRuntimeLayout> ChooseRuntimeLayout(
    const symtab::Binary& binary, const arch::ArchInfo& arch,
    const RuntimeLayoutOptions& options) {
  if (options.forced) {
    return ChosenRuntimeLayout{*options.forced, "a layout forced by the caller",
                               true};
  }
  if (!binary.go_version()) {
    return absl::FailedPreconditionError(
        "the binary's Go release is unknown, so its goroutine layout is");
  }
  const symtab::GoVersion& version = *binary.go_version();
  const std::string release =
      absl::StrCat(version.ToString(), " on ", arch.goarch);
  absl::StatusOr<RuntimeLayout> table =
      RuntimeLayoutFor(version, arch, options.table_newest_minor);
  absl::StatusOr<symtab::DwarfTypes> dwarf =
      symtab::DwarfTypes::Open(binary.path(), "runtime");
  absl::StatusOr<RuntimeLayout> declared =
      dwarf.ok() ? RuntimeLayoutFromDwarf(*dwarf)
                 : absl::StatusOr<RuntimeLayout>(dwarf.status());
  if (!declared.ok()) {
    const int newest =
        std::min(options.table_newest_minor, kRuntimeLayoutTableNewestMinor);
    if (!table.ok() && version.minor > newest) {
      // Releases rarely move these fields; the newest row is the best
      // guess, and only the program's memory can say whether it holds.
      absl::StatusOr<RuntimeLayout> guess =
          RuntimeLayoutFor(symtab::GoVersion{newest, 1 << 20}, arch, newest);
      if (!guess.ok()) return guess.status();
      return ChosenRuntimeLayout{
          *guess,
          absl::StrCat("gentrace's table for go1.", newest,
                       " (its newest) applied to ", release,
                       ", a newer release with no DWARF"),
          true};
    }
    if (!table.ok()) return table.status();
    return ChosenRuntimeLayout{
        *table, dwarf.ok() ? absl::StrCat("gentrace's table for ", release,
                                          " (the binary's DWARF is unusable: ",
                                          declared.status().message(), ")")
                           : absl::StrCat("gentrace's table for ", release,
                                          " (no DWARF to confirm it)")};
  }
  if (!table.ok()) {
    return ChosenRuntimeLayout{
        *declared, absl::StrCat("the binary's DWARF (gentrace's table has no ",
                                release, ")")};
  }
  std::vector<std::string> differences;
  for (const RuntimeLayoutField& field : kFields) {
    if ((*table).*field.member != (*declared).*field.member) {
      differences.push_back(absl::StrCat(field.name, " ",
                                         (*table).*field.member, " vs ",
                                         (*declared).*field.member));
    }
  }
  if (!differences.empty()) {
    return ChosenRuntimeLayout{
        *declared,
        absl::StrCat("the binary's DWARF, which differs from gentrace's table "
                     "for ",
                     release, " (table vs DWARF: ",
                     absl::StrJoin(differences, ", "), ")")};
  }
  return ChosenRuntimeLayout{*table,
                             absl::StrCat("gentrace's table for ", release,
                                          ", confirmed by the binary's DWARF")};
}

}  // namespace gentrace::goruntime
