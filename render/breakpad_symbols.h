#ifndef GENTRACE_RENDER_BREAKPAD_SYMBOLS_H_
#define GENTRACE_RENDER_BREAKPAD_SYMBOLS_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "arch/arch.h"
#include "symtab/binary.h"
#include "symtab/pclntab.h"

namespace gentrace::render {

// What a Breakpad symbol file's MODULE and INFO CODE_ID lines say of a
// binary: the symbol store's key (OS, CPU, module ID, name) as Breakpad's
// own tools derive it, so that its processor pairs the file with the
// module a minidump lists.
struct BreakpadModule {
  std::string os;       // "Linux", "mac", "windows"
  std::string cpu;      // "x86_64", ...
  std::string id;       // 33 upper-case hex digits: a GUID and an age
  std::string code_id;  // upper-case hex; empty where none is written
  std::string name;     // the file's base name
};

// The module ID of an ELF file is its GNU build ID's first 16 bytes read
// as a GUID (the first three fields byte-swapped), age 0, and its code ID
// the whole build ID; without a build ID note, the first 4 KiB of .text
// folded into 16 bytes by XOR, as Breakpad's dump_syms and minidump writer
// both do. A Mach-O or PE file's is its LC_UUID or CodeView GUID and age;
// Go's linker writes neither, and then the Go build ID's bytes folded the
// same way stand in.
absl::StatusOr<BreakpadModule> BreakpadModuleOf(const symtab::Binary& binary);

// Writes Breakpad's text symbol file of `binary` to `sink`, in pieces:
// MODULE, INFO CODE_ID, FILE and INLINE_ORIGIN records, then per Go
// function a FUNC record with its line records (each run of one innermost
// file:line) and INLINE records (its inline tree: each inlined call's
// ranges, call site and nesting), PUBLIC records of the native functions
// the ELF symbols name outside Go's text, and STACK CFI records for every
// Go function from its pcsp table: where the caller's stack pointer is (the
// CFA) and where its return address is (on the stack, or in the link
// register until the prologue saves it), the walk ended at the runtime's
// top frames and stack switches as the runtime's unwinder ends it.
// Addresses are relative to the module's base (its first loadable
// segment's address less its file offset).
absl::Status WriteBreakpadSymbols(
    const symtab::Binary& binary,
    absl::FunctionRef<void(absl::string_view)> sink);

// Appends the STACK CFI records (INIT, then one per change) of one Go
// function, as WriteBreakpadSymbols writes them; nothing where Breakpad's
// walker for `arch` takes no CFI.
void AppendStackCfi(const symtab::Func& func, const arch::ArchInfo& arch,
                    uint64_t base, std::string* out);

}  // namespace gentrace::render

#endif  // GENTRACE_RENDER_BREAKPAD_SYMBOLS_H_
