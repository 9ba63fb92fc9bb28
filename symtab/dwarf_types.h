#ifndef GENTRACE_SYMTAB_DWARF_TYPES_H_
#define GENTRACE_SYMTAB_DWARF_TYPES_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gentrace::symtab {

// The struct types of a binary's DWARF (.debug_info, compressed or not), read
// with elfutils' libdw: enough to find where a member lives. Go binaries keep
// DWARF unless linked with -w or stripped.
class DwarfTypes {
 public:
  // NotFoundError when the file has no DWARF; other errors when it cannot be
  // read. With `unit_name`, only the structs of compile units so named are
  // known (the Go linker puts a package's types in that package's units:
  // "runtime" for runtime.g), which spares walking the rest.
  static absl::StatusOr<DwarfTypes> Open(const std::string& path,
                                         absl::string_view unit_name = "");
  // The same over an ELF file's bytes (kept by the DwarfTypes).
  static absl::StatusOr<DwarfTypes> FromBytes(std::string bytes,
                                              absl::string_view unit_name = "");

  DwarfTypes(DwarfTypes&&) noexcept;
  DwarfTypes& operator=(DwarfTypes&&) noexcept;
  ~DwarfTypes();

  // The byte offset of `member_path` (dotted: "stack.lo" is member lo of
  // member stack) from the start of the struct named `type_name`; nullopt if
  // the struct or any member on the path is not there.
  std::optional<int64_t> MemberOffset(absl::string_view type_name,
                                      absl::string_view member_path) const;

 private:
  struct Handles;
  explicit DwarfTypes(std::unique_ptr<Handles> handles);
  // Indexes the structs of the units named `unit_name` (all when empty).
  static DwarfTypes Index(std::unique_ptr<Handles> handles,
                          absl::string_view unit_name);

  std::unique_ptr<Handles> handles_;
  // Struct name -> its DIE's offset in .debug_info.
  absl::flat_hash_map<std::string, uint64_t> structs_;
};

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_DWARF_TYPES_H_
