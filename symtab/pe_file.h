#ifndef GENTRACE_SYMTAB_PE_FILE_H_
#define GENTRACE_SYMTAB_PE_FILE_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "symtab/elf_file.h"

namespace gentrace::symtab {

// Whether `image` begins as a PE file (an MZ header pointing at "PE\0\0").
bool IsPe(absl::Span<const uint8_t> image);

// Reads a PE32 or PE32+ executable (386, amd64, arm, arm64) into the
// container model: each section at ImageBase plus its RVA, as a section
// and a PT_LOAD segment of its file-backed bytes; the COFF symbols (Go's
// linker keeps them unless -s), the entry point, and the CodeView GUID and
// age of a debug directory when there is one. Every offset and count is
// checked against the image.
absl::StatusOr<std::unique_ptr<ElfFile>> ParsePe(
    absl::Span<const uint8_t> image);

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_PE_FILE_H_
