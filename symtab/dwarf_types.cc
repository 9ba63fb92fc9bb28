#include "symtab/dwarf_types.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gentrace::symtab {

struct DwarfTypes::Handles {
  int fd = -1;
  // FromBytes: the file's bytes, and libelf's view of them.
  std::string bytes;
  Elf* elf = nullptr;
  Dwarf* dwarf = nullptr;
  // Every section's data as libdw reads it (decompressed where it was
  // compressed): where the names it hands back may lie. In address order.
  std::vector<absl::string_view> sections;
  ~Handles() {
    if (dwarf != nullptr) dwarf_end(dwarf);
    if (elf != nullptr) elf_end(elf);
    if (fd >= 0) close(fd);
  }

  // The DIE's name, or nullptr. libdw hands back a pointer into a section
  // without checking that a NUL ends the string there: in a hostile file
  // the last one may run off its section's end, and so is no name.
  const char* NameOf(Dwarf_Die* die) const {
    const char* name = dwarf_diename(die);
    if (name == nullptr) return nullptr;
    // The last section starting at or before the name.
    const auto after =
        std::upper_bound(sections.begin(), sections.end(), name,
                         [](const char* at, absl::string_view section) {
                           return std::less<const char*>()(at, section.data());
                         });
    if (after == sections.begin()) return nullptr;
    const absl::string_view section = *(after - 1);
    // As integers: the name may lie in none of the sections.
    const uintptr_t offset = reinterpret_cast<uintptr_t>(name) -
                             reinterpret_cast<uintptr_t>(section.data());
    if (offset >= section.size()) return nullptr;
    return std::memchr(name, '\0', section.size() - offset) != nullptr
               ? name
               : nullptr;
  }
};

DwarfTypes::DwarfTypes(std::unique_ptr<Handles> handles)
    : handles_(std::move(handles)) {}
DwarfTypes::DwarfTypes(DwarfTypes&&) noexcept = default;
DwarfTypes& DwarfTypes::operator=(DwarfTypes&&) noexcept = default;
DwarfTypes::~DwarfTypes() = default;

absl::StatusOr<DwarfTypes> DwarfTypes::Open(const std::string& path,
                                            absl::string_view unit_name) {
  auto handles = std::make_unique<Handles>();
  handles->fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (handles->fd < 0) {
    return absl::NotFoundError(
        absl::StrCat("open ", path, ": ", std::strerror(errno)));
  }
  handles->dwarf = dwarf_begin(handles->fd, DWARF_C_READ);
  if (handles->dwarf == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(path, ": no DWARF (", dwarf_errmsg(-1), ")"));
  }
  return Index(std::move(handles), unit_name);
}

absl::StatusOr<DwarfTypes> DwarfTypes::FromBytes(std::string bytes,
                                                 absl::string_view unit_name) {
  auto handles = std::make_unique<Handles>();
  handles->bytes = std::move(bytes);
  elf_version(EV_CURRENT);
  handles->elf = elf_memory(handles->bytes.data(), handles->bytes.size());
  if (handles->elf == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("not an ELF file (", elf_errmsg(-1), ")"));
  }
  handles->dwarf = dwarf_begin_elf(handles->elf, DWARF_C_READ, nullptr);
  if (handles->dwarf == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no DWARF (", dwarf_errmsg(-1), ")"));
  }
  return Index(std::move(handles), unit_name);
}

DwarfTypes DwarfTypes::Index(std::unique_ptr<Handles> handles,
                             absl::string_view unit_name) {
  Elf* elf = dwarf_getelf(handles->dwarf);
  for (Elf_Scn* scn = elf == nullptr ? nullptr : elf_nextscn(elf, nullptr);
       scn != nullptr; scn = elf_nextscn(elf, scn)) {
    if (Elf_Data* data = elf_getdata(scn, nullptr);
        data != nullptr && data->d_buf != nullptr) {
      handles->sections.emplace_back(static_cast<const char*>(data->d_buf),
                                     data->d_size);
    }
  }
  std::sort(handles->sections.begin(), handles->sections.end(),
            [](absl::string_view a, absl::string_view b) {
              return std::less<const char*>()(a.data(), b.data());
            });
  DwarfTypes types(std::move(handles));
  // Index the named structs at each unit's top level, where Go puts them.
  Dwarf_Off offset = 0;
  Dwarf_Off next = 0;
  size_t header_size = 0;
  while (dwarf_nextcu(types.handles_->dwarf, offset, &next, &header_size,
                      nullptr, nullptr, nullptr) == 0) {
    Dwarf_Die unit;
    Dwarf_Die die;
    const char* unit_die_name = nullptr;
    if (dwarf_offdie(types.handles_->dwarf, offset + header_size, &unit) !=
            nullptr &&
        (unit_name.empty() ||
         ((unit_die_name = types.handles_->NameOf(&unit)) != nullptr &&
          unit_name == unit_die_name)) &&
        dwarf_child(&unit, &die) == 0) {
      do {
        const char* name = types.handles_->NameOf(&die);
        if (dwarf_tag(&die) == DW_TAG_structure_type && name != nullptr) {
          types.structs_.try_emplace(name, dwarf_dieoffset(&die));
        }
      } while (dwarf_siblingof(&die, &die) == 0);
    }
    offset = next;
  }
  return types;
}

std::optional<int64_t> DwarfTypes::MemberOffset(
    absl::string_view type_name, absl::string_view member_path) const {
  auto it = structs_.find(type_name);
  if (it == structs_.end()) return std::nullopt;
  Dwarf_Die type;
  if (dwarf_offdie(handles_->dwarf, it->second, &type) == nullptr) {
    return std::nullopt;
  }
  int64_t total = 0;
  const std::vector<absl::string_view> parts = absl::StrSplit(member_path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    Dwarf_Die peeled;
    if (dwarf_peel_type(&type, &peeled) != 0 ||
        dwarf_tag(&peeled) != DW_TAG_structure_type) {
      return std::nullopt;
    }
    Dwarf_Die member;
    bool found = false;
    if (dwarf_child(&peeled, &member) == 0) {
      do {
        const char* name = handles_->NameOf(&member);
        found = dwarf_tag(&member) == DW_TAG_member && name != nullptr &&
                parts[i] == name;
      } while (!found && dwarf_siblingof(&member, &member) == 0);
    }
    if (!found) return std::nullopt;
    Dwarf_Attribute attribute;
    Dwarf_Word location = 0;
    if (dwarf_attr(&member, DW_AT_data_member_location, &attribute) ==
            nullptr ||
        dwarf_formudata(&attribute, &location) != 0) {
      return std::nullopt;
    }
    total += static_cast<int64_t>(location);
    // The next part is a member of this member's type.
    if (i + 1 < parts.size() &&
        (dwarf_attr(&member, DW_AT_type, &attribute) == nullptr ||
         dwarf_formref_die(&attribute, &type) == nullptr)) {
      return std::nullopt;
    }
  }
  return total;
}

}  // namespace gentrace::symtab
