#ifndef GENTRACE_UNWIND_FRAME_ARGUMENTS_H_
#define GENTRACE_UNWIND_FRAME_ARGUMENTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/arch.h"
#include "symtab/address_space.h"
#include "symtab/pclntab.h"
#include "unwind/go_unwinder.h"

namespace gentrace::unwind {

// What the runtime prints between the parentheses after a physical frame's
// function name, e.g. "0xc000012345, 0x3?, {0x1, 0x2}, ...": from Go 1.17
// the argument layout of FUNCDATA ArgInfo, with "?" after register
// arguments that may be dead at the pc (1.18+ ArgLiveInfo); before 1.17 the
// first words of the argument area. `binary` holds the funcdata; `stack` the
// frame's arguments. Unreadable argument bytes print as "_". What the
// funcdata says of a pc is remembered per thread when `binary` is the
// table's own image (Binary::image()), so a walk meeting the pc again only
// reads the argument words.
std::string FrameArguments(const symtab::Pclntab& table,
                           const symtab::AddressSpace& binary,
                           const symtab::AddressSpace& stack,
                           const arch::ArchInfo& arch, const GoFrame& frame);

// The scalar argument values of that list, in order (nullopt where
// unreadable): what a caller needs to read a known function's arguments,
// such as sigtrampgo's signal context.
std::vector<std::optional<uint64_t>> ArgumentValues(
    const symtab::Pclntab& table, const symtab::AddressSpace& binary,
    const symtab::AddressSpace& stack, const arch::ArchInfo& arch,
    const GoFrame& frame);

}  // namespace gentrace::unwind

#endif  // GENTRACE_UNWIND_FRAME_ARGUMENTS_H_
