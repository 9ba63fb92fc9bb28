#ifndef GENTRACE_CLI_THREAD_OUTPUT_H_
#define GENTRACE_CLI_THREAD_OUTPUT_H_

#include <string>

#include "proto/gentrace.pb.h"
#include "symtab/address_space.h"
#include "symtab/binary.h"
#include "unwind/arch.h"
#include "unwind/registers.h"

namespace gentrace::cli {

// Walks the Go frames from `registers` (taken at an interrupted instruction)
// over `memory`, symbolizing each frame, as a Thread message (tid unset).
Thread UnwindRegisters(const symtab::Binary& binary,
                       const unwind::ArchInfo& arch,
                       const symtab::AddressSpace& memory,
                       const unwind::Registers& registers);

// A thread as GOTRACEBACK=crash prints frames: function, file:line,
// inlined calls, fp= sp= pc=; then why the walk stopped.
void AppendThreadText(const Thread& thread, std::string* out);

}  // namespace gentrace::cli

#endif  // GENTRACE_CLI_THREAD_OUTPUT_H_
