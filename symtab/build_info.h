#ifndef GENTRACE_SYMTAB_BUILD_INFO_H_
#define GENTRACE_SYMTAB_BUILD_INFO_H_

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

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_BUILD_INFO_H_
