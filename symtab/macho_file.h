#ifndef GENTRACE_SYMTAB_MACHO_FILE_H_
#define GENTRACE_SYMTAB_MACHO_FILE_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "symtab/elf_file.h"

namespace gentrace::symtab {

// Whether `image` begins as a Mach-O file: a 64-bit one, or a fat
// (universal) file of several.
bool IsMachO(absl::Span<const uint8_t> image);

// Reads a 64-bit little-endian Mach-O executable (amd64, arm64) into the
// container model: LC_SEGMENT_64 segments and their sections, the LC_SYMTAB
// symbols (without the leading '_' the Go linker gives them), LC_MAIN's
// entry and LC_UUID. A fat file gives its slice for `goarch`; with no
// `goarch`, its only slice (several are an error that names them). Every
// offset and count is checked against the image.
absl::StatusOr<std::unique_ptr<ElfFile>> ParseMachO(
    absl::Span<const uint8_t> image, absl::string_view goarch);

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_MACHO_FILE_H_
