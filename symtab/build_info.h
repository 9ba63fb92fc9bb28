#ifndef GENTRACE_SYMTAB_BUILD_INFO_H_
#define GENTRACE_SYMTAB_BUILD_INFO_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "symtab/elf_file.h"
#include "symtab/go_version.h"

namespace gentrace::symtab {

// What `go version -m` reports: the toolchain and the main module.
struct BuildInfo {
  std::string go_version;   // runtime.buildVersion, e.g. "go1.21.13"
  std::string path;         // main package path ("path" line)
  std::string main_module;  // main module path ("mod" line)
  std::string module_info;  // the whole module info text
};

// Reads the .go.buildinfo blob (Go 1.13-1.25): the section by name, else a
// scan of the file-backed data segments for its 16-byte-aligned magic. Falls
// back, for the Go version alone, to the runtime.buildVersion symbol, then
// to a validated scan for that string's header (Go 1.26 has no buildinfo).
std::optional<BuildInfo> ReadBuildInfo(const ElfFile& elf);

// The Go build ID (the .note.go.buildid note), or "" if there is none.
std::string ReadGoBuildId(const ElfFile& elf);
// The GNU build ID (NT_GNU_BUILD_ID) in lower-case hex, or "".
std::string ReadGnuBuildId(const ElfFile& elf);

// Bytes folded into 16 by XOR, 16 at a time: how Breakpad identifies an
// ELF file without a GNU build ID (by its text), and gentrace a Mach-O or
// PE file without an ID of its own in Breakpad's terms (by its Go build ID).
std::array<uint8_t, 16> FoldInto16Bytes(absl::string_view bytes);

// The file's own ID, lower-case hex, "" if it has none: a Mach-O's
// LC_UUID, a PE's CodeView GUID and age; for an ELF file without a GNU
// build ID, the ID Breakpad's minidump writer and dump_syms give it
// instead (the first 4 KiB of .text, whole 16-byte blocks, folded), which
// is what a Breakpad minidump's module record holds for it. An ELF file
// with a GNU build ID has none besides that.
std::string ReadFileId(const ElfFile& elf, absl::string_view gnu_build_id);

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_BUILD_INFO_H_
