#include "symtab/pclntab_layout.h"

#include <algorithm>

namespace gentrace::symtab {

absl::string_view PclntabFormatName(PclntabFormat format) {
  switch (format) {
    case PclntabFormat::kGo12:
      return "1.2";
    case PclntabFormat::kGo116:
      return "1.16";
    case PclntabFormat::kGo118:
      return "1.18";
    case PclntabFormat::kGo120:
      return "1.20";
  }
  return "?";
}

std::optional<PclntabFormat> PclntabFormatFromMagic(uint32_t magic) {
  switch (magic) {
    case 0xFFFFFFFB:
      return PclntabFormat::kGo12;
    case 0xFFFFFFFA:
      return PclntabFormat::kGo116;
    case 0xFFFFFFF0:
      return PclntabFormat::kGo118;
    case 0xFFFFFFF1:
      return PclntabFormat::kGo120;
    default:
      return std::nullopt;
  }
}

std::pair<int, int> MinorRange(PclntabFormat format) {
  switch (format) {
    case PclntabFormat::kGo12:
      return {2, 15};
    case PclntabFormat::kGo116:
      return {16, 17};
    case PclntabFormat::kGo118:
      return {18, 19};
    case PclntabFormat::kGo120:
      return {20, 99};
  }
  return {0, 0};
}

namespace {

// _func layouts (the runtime's _func struct per release); P = pointer size.
FuncRecordLayout RecordLayout(PclntabFormat format, int minor, int p) {
  switch (format) {
    case PclntabFormat::kGo12:
      if (minor <= 10) {
        return {p,  p,  p + 4, -1, p + 12, p + 16, p + 20, p + 24,
                -1, -1, 1,     -1, p + 28, 4,      p + 32, -1};
      }
      if (minor == 11) {
        return {p,  p,     p + 4, -1, p + 12, p + 16, p + 20, p + 24,
                -1, p + 8, 4,     -1, p + 28, 4,      p + 32, -1};
      }
      return {p,  p,      p + 4, p + 8, p + 12, p + 16, p + 20, p + 24,
              -1, p + 28, 1,     -1,    p + 31, 1,      p + 32, -1};
    case PclntabFormat::kGo116:
      // 1.16 has padding where 1.17 put the flag byte; reading it as a flag
      // yields 0, which is right for 1.16.
      return {p,      p,      p + 4, p + 8,  p + 12, p + 16, p + 20, p + 24,
              p + 28, p + 32, 1,     p + 33, p + 35, 1,      p + 36, -1};
    case PclntabFormat::kGo118:
      return {4, 4, 8, 12, 16, 20, 24, 28, 32, 36, 1, 37, 39, 1, 40, -1};
    case PclntabFormat::kGo120:
      return {4, 4, 8, 12, 16, 20, 24, 28, 32, 40, 1, 41, 43, 1, 44, 36};
  }
  return {};
}

}  // namespace

PclntabLayout LayoutFor(PclntabFormat format, std::optional<GoVersion> version,
                        int ptr_size) {
  auto [first, last] = MinorRange(format);
  const bool known =
      version.has_value() && version->minor >= first && version->minor <= last;
  // Without a release, assume the newest layout of the family for the record
  // (the fields unwinding needs sit at the same offsets across it, except in
  // the 1.2 family before 1.12, which predates buildinfo-less binaries that
  // matter in practice).
  const int minor =
      known ? version->minor : (format == PclntabFormat::kGo12 ? 12 : last);
  PclntabLayout layout;
  layout.format = format;
  layout.func = RecordLayout(format, minor, ptr_size);
  layout.funcdata_are_offsets =
      format == PclntabFormat::kGo118 || format == PclntabFormat::kGo120;
  layout.func_ids_by_name = known && minor < 11;
  layout.func_ids = known ? FuncIdTableFor(minor) : nullptr;

  // PCDATA/FUNCDATA ids of the inline tree and entry layout
  // (internal/abi/symtab.go).
  layout.inline_kind = InlineTreeKind::kNone;
  layout.inline_entry_size = 0;
  layout.pcdata_inline_index = -1;
  layout.funcdata_inline_tree = -1;
  // Argument metadata for tracebacks (internal/abi/symtab.go): ArgInfo
  // from 1.17, liveness of register-spilled arguments from 1.18.
  const bool family_has_args = format == PclntabFormat::kGo118 ||
                               format == PclntabFormat::kGo120 ||
                               (known && minor >= 17);
  layout.funcdata_arg_info = family_has_args ? 5 : -1;
  layout.funcdata_arg_live_info = family_has_args && minor >= 18 ? 6 : -1;
  layout.pcdata_arg_live_index = family_has_args && minor >= 18 ? 3 : -1;
  if (format == PclntabFormat::kGo12) {
    if (!known || minor < 9) return layout;
    if (minor <= 11) {
      layout.inline_kind = InlineTreeKind::kGo19;
      layout.inline_entry_size = 16;
    } else {
      layout.inline_kind = InlineTreeKind::kGo112;
      layout.inline_entry_size = 20;
    }
    layout.pcdata_inline_index = minor <= 12 ? 1 : 2;
    layout.funcdata_inline_tree = minor <= 12 ? 2 : 4;
    return layout;
  }
  layout.pcdata_inline_index = 2;
  layout.funcdata_inline_tree = 3;
  if (format == PclntabFormat::kGo120) {
    layout.inline_kind = InlineTreeKind::kGo120;
    layout.inline_entry_size = 16;
  } else {
    layout.inline_kind = InlineTreeKind::kGo112;
    layout.inline_entry_size = 20;
  }
  return layout;
}

}  // namespace gentrace::symtab
