#ifndef GENTRACE_SYMTAB_NATIVE_CFI_H_
#define GENTRACE_SYMTAB_NATIVE_CFI_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"

namespace gentrace::symtab {

// Where a native frame's caller keeps a register, as call frame
// information says: saved at CFA + offset, or its value is CFA + offset.
// (Registers the CFI leaves unchanged, or calls undefined, have none.)
struct CfiRule {
  int dwarf_register = 0;
  bool is_value = false;  // val_offset: the value itself, not where it is
  int64_t offset = 0;
};

// One row of a native function's call frame information: over [start,
// end), the CFA (the caller's stack pointer) is `cfa_register` +
// `cfa_offset`, and `rules` say where the caller's registers are, the
// return address among them (`return_address_register`).
struct CfiRow {
  uint64_t start = 0;
  uint64_t end = 0;
  int cfa_register = 0;
  int64_t cfa_offset = 0;
  int return_address_register = 0;
  std::vector<CfiRule> rules;
};

// The rows of every function an ELF file's .eh_frame describes (found
// through .eh_frame_hdr's table, the loader's own index), function by
// function in address order, at the file's own addresses; `visit` gets
// each function's entry with each of its rows. Registers numbered below
// `dwarf_registers` are asked for. Rows whose CFA is not a register plus
// an offset end their function's rows (what Breakpad's rules cannot say
// this way). A file without .eh_frame_hdr has none; the rows of an entry
// stop where the next function begins.
absl::Status ForEachNativeCfiRow(
    const std::string& path, int dwarf_registers,
    absl::FunctionRef<void(uint64_t function, const CfiRow& row)> visit);

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_NATIVE_CFI_H_
