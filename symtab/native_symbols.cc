#include "symtab/native_symbols.h"

#include <cxxabi.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "symtab/elf_file.h"
#include "symtab/mapped_file.h"

namespace gentrace::symtab {
namespace {

constexpr uint32_t kShtSymtab = 2;
constexpr uint32_t kShtDynsym = 11;
constexpr uint8_t kSttFunc = 2;
constexpr uint8_t kSttGnuIfunc = 10;

// The function symbols of one symbol table section.
void AppendFunctions(const ElfFile& elf, const ElfSection& table,
                     std::vector<NativeSymbols::Function>* out) {
  if (table.link >= elf.sections().size()) return;
  std::optional<ByteReader> symbols = elf.SectionData(table);
  std::optional<ByteReader> strings =
      elf.SectionData(elf.sections()[table.link]);
  if (!symbols || !strings) return;
  const uint64_t entry_size = elf.is_64() ? 24 : 16;
  for (uint64_t at = 0; at + entry_size <= symbols->size(); at += entry_size) {
    const uint8_t info = *symbols->U8(at + (elf.is_64() ? 4 : 12));
    const uint16_t section = *symbols->U16(at + (elf.is_64() ? 6 : 14));
    const uint8_t type = info & 0xf;
    if ((type != kSttFunc && type != kSttGnuIfunc) || section == 0) continue;
    std::optional<absl::string_view> name = strings->CString(*symbols->U32(at));
    if (!name || name->empty()) continue;
    NativeSymbols::Function f;
    f.name = Demangle(*name);
    if (elf.is_64()) {
      f.address = *symbols->U64(at + 8);
      f.size = *symbols->U64(at + 16);
    } else {
      f.address = *symbols->U32(at + 4);
      f.size = *symbols->U32(at + 8);
    }
    out->push_back(std::move(f));
  }
}

}  // namespace

std::string Demangle(absl::string_view name) {
  std::string mangled(name);
  int status = 0;
  char* demangled =
      abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status);
  if (status != 0 || demangled == nullptr) return mangled;
  std::string out(demangled);
  std::free(demangled);  // NOLINT(cppcoreguidelines-no-malloc): its API
  return out;
}

struct NativeSymbols::DwarfLines {
  int fd = -1;
  ::Dwarf* dwarf = nullptr;
  // Units without address ranges in .debug_aranges are searched one by one.
  std::vector<Dwarf_Off> units;
  std::mutex mutex;  // libdw's lazy caches are not thread-safe
  ~DwarfLines() {
    if (dwarf != nullptr) dwarf_end(dwarf);
    if (fd >= 0) close(fd);
  }
};

NativeSymbols::~NativeSymbols() = default;

absl::StatusOr<std::unique_ptr<NativeSymbols>> NativeSymbols::Open(
    const std::string& path) {
  absl::StatusOr<std::unique_ptr<MappedFile>> file = MappedFile::Open(path);
  if (!file.ok()) return file.status();
  absl::StatusOr<std::unique_ptr<ElfFile>> elf =
      ElfFile::Parse((*file)->bytes());
  if (!elf.ok()) return elf.status();
  std::unique_ptr<NativeSymbols> symbols(new NativeSymbols());
  for (uint32_t wanted : {kShtSymtab, kShtDynsym}) {
    for (const ElfSection& section : (*elf)->sections()) {
      if (section.type == wanted) {
        AppendFunctions(**elf, section, &symbols->functions_);
      }
    }
    if (!symbols->functions_.empty()) break;  // .symtab has .dynsym's too
  }
  std::vector<Function>& f = symbols->functions_;
  // By address; at one address, the sized symbol first.
  std::sort(f.begin(), f.end(), [](const Function& a, const Function& b) {
    return a.address != b.address ? a.address < b.address : a.size > b.size;
  });
  f.erase(std::unique(f.begin(), f.end(),
                      [](const Function& a, const Function& b) {
                        return a.address == b.address;
                      }),
          f.end());

  auto dwarf = std::make_unique<DwarfLines>();
  dwarf->fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (dwarf->fd >= 0) dwarf->dwarf = dwarf_begin(dwarf->fd, DWARF_C_READ);
  if (dwarf->dwarf != nullptr) {
    Dwarf_Off offset = 0, next = 0;
    size_t header_size = 0;
    while (dwarf->units.size() < 1000000 &&
           dwarf_nextcu(dwarf->dwarf, offset, &next, &header_size, nullptr,
                        nullptr, nullptr) == 0) {
      dwarf->units.push_back(offset + header_size);
      offset = next;
    }
    symbols->dwarf_ = std::move(dwarf);
  }
  return symbols;
}

const NativeSymbols::Function* NativeSymbols::FindFunction(
    uint64_t address) const {
  auto it = std::upper_bound(
      functions_.begin(), functions_.end(), address,
      [](uint64_t a, const Function& f) { return a < f.address; });
  if (it == functions_.begin()) return nullptr;
  const Function& f = *(it - 1);
  if (f.size > 0) return address < f.address + f.size ? &f : nullptr;
  return &f;  // an unsized symbol reaches to the next one
}

std::optional<NativeSymbols::Line> NativeSymbols::FindLine(
    uint64_t address) const {
  if (dwarf_ == nullptr) return std::nullopt;
  std::lock_guard<std::mutex> lock(dwarf_->mutex);
  Dwarf_Die unit;
  bool found = dwarf_addrdie(dwarf_->dwarf, address, &unit) != nullptr;
  for (size_t i = 0; !found && i < dwarf_->units.size(); ++i) {
    found = dwarf_offdie(dwarf_->dwarf, dwarf_->units[i], &unit) != nullptr &&
            dwarf_haspc(&unit, address) == 1;
  }
  if (!found) return std::nullopt;
  Dwarf_Line* line = dwarf_getsrc_die(&unit, address);
  if (line == nullptr) return std::nullopt;
  int number = 0;
  const char* file = dwarf_linesrc(line, nullptr, nullptr);
  if (file == nullptr || dwarf_lineno(line, &number) != 0) return std::nullopt;
  return Line{file, number};
}

}  // namespace gentrace::symtab
