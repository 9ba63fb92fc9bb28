#ifndef GENTRACE_SYMTAB_PCLNTAB_LAYOUT_H_
#define GENTRACE_SYMTAB_PCLNTAB_LAYOUT_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "symtab/func_id.h"
#include "symtab/go_version.h"

namespace gentrace::symtab {

// The pclntab format family, from the header magic.
enum class PclntabFormat {
  kGo12,   // 0xFFFFFFFB: Go 1.2-1.15
  kGo116,  // 0xFFFFFFFA: Go 1.16-1.17
  kGo118,  // 0xFFFFFFF0: Go 1.18-1.19
  kGo120,  // 0xFFFFFFF1: Go 1.20 and later
};

absl::string_view PclntabFormatName(PclntabFormat format);
std::optional<PclntabFormat> PclntabFormatFromMagic(uint32_t magic);

// Byte offsets of the fields of one `_func` record; -1 where the release has
// no such field.
struct FuncRecordLayout {
  int entry_size;  // pointer size (absolute entry), or 4 (entryoff, 1.18+)
  int name_offset;
  int args;
  int deferreturn;
  int pcsp;
  int pcfile;
  int pcln;
  int npcdata;
  int cu_offset;
  int func_id;
  int func_id_size;  // 4 in Go 1.11, else 1
  int flag;
  int nfuncdata;
  int nfuncdata_size;  // 4 before Go 1.12, else 1
  int fixed_size;
  int start_line;  // 1.20+: the line of the func keyword; -1 before
};

// How inline trees are stored.
enum class InlineTreeKind {
  kNone,   // before Go 1.9, or release unknown in the 1.2 format
  kGo19,   // 1.9-1.11: {parent, file, line, func}, ancestors' lines in entries
  kGo112,  // 1.12-1.19: {parent, funcID, file, line, func, parentPc}
  kGo120,  // 1.20+: {funcID, nameOff, parentPc, startLine}
};

// Everything about a pclntab that depends on the Go release, in one place.
// The rest of symtab reads these fields and never compares versions.
struct PclntabLayout {
  PclntabFormat format;
  FuncRecordLayout func;
  // 1.18+: funcdata are u32 offsets from moduledata.gofunc; before, they are
  // pointer-sized absolute addresses.
  bool funcdata_are_offsets;
  // Function names (and inline names in 1.12-1.15) are offsets into the
  // funcnametab (1.16+) or into the whole pclntab.
  InlineTreeKind inline_kind;
  int inline_entry_size;
  int pcdata_inline_index;   // PCDATA id of the inline-tree index table
  int funcdata_inline_tree;  // FUNCDATA id of the inline tree
  // FUNCDATA ids of the argument layout (1.17+) and of argument liveness,
  // with its PCDATA index (1.18+); -1 where the release has none.
  int funcdata_arg_info;
  int funcdata_arg_live_info;
  int pcdata_arg_live_index;
  // Raw funcID -> FuncId; nullptr when funcIDs come from names (before Go
  // 1.11) or must be calibrated (release unknown).
  const FuncIdTable* func_ids;
  bool func_ids_by_name;  // before Go 1.11
};

// The layout for `format` as written by Go 1.<version->minor>, or, when the
// release is unknown, the layout shared by the format's family (funcID table
// left to calibration; inline trees off where the family disagrees).
PclntabLayout LayoutFor(PclntabFormat format, std::optional<GoVersion> version,
                        int ptr_size);

// Minor releases a binary of `format` can come from, for calibration.
std::pair<int, int> MinorRange(PclntabFormat format);

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_PCLNTAB_LAYOUT_H_
