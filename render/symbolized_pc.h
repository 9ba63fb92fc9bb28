#ifndef GENTRACE_RENDER_SYMBOLIZED_PC_H_
#define GENTRACE_RENDER_SYMBOLIZED_PC_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "symtab/pclntab.h"

namespace gentrace::render {

// One PC's symbolization as `gentrace symbolize` writes it, appended to
// `out`; `frames` are its logical frames, innermost first (ignored when
// `status` is an error).
//
// Text: a line per frame, "0x<pc>\t<function>\t<file>:<line>" and
// "\tinlined" for inlined calls; or "0x<pc>\t?\terror: <why>".
void AppendSymbolizedPcText(uint64_t pc, const absl::Status& status,
                            absl::Span<const symtab::SourceFrame> frames,
                            std::string* out);

// JSON Lines: the protobuf JSON of the SymbolizedPc message as
// proto/convert's ToJsonLine prints it (every field, lowerCamelCase
// names), byte for byte, written directly (symbolized_pc_test compares).
void AppendSymbolizedPcJson(uint64_t pc, const absl::Status& status,
                            absl::Span<const symtab::SourceFrame> frames,
                            std::string* out);

}  // namespace gentrace::render

#endif  // GENTRACE_RENDER_SYMBOLIZED_PC_H_
