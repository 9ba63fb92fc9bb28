#include "symtab/native_cfi.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "symtab/byte_reader.h"

namespace gentrace::symtab {
namespace {

// .eh_frame_hdr's encodings this reads: the pointer to .eh_frame
// (pc-relative, signed 4 bytes), the count (unsigned 4 bytes) and the
// table of (function, FDE) pairs relative to the header (signed 4 bytes),
// which is what GNU ld and lld write.
constexpr uint8_t kPcrelSdata4 = 0x1b;
constexpr uint8_t kUdata4 = 0x03;
constexpr uint8_t kDatarelSdata4 = 0x3b;
// Rows one function may have; more is no function.
constexpr int kMaxRows = 1 << 16;

struct Closer {
  int fd = -1;
  Elf* elf = nullptr;
  Dwarf_CFI* cfi = nullptr;
  ~Closer() {
    if (cfi != nullptr) dwarf_cfi_end(cfi);
    if (elf != nullptr) elf_end(elf);
    if (fd >= 0) close(fd);
  }
};

// The register rule a CFI location description says, if Breakpad's
// rules can say it: CFA + offset, stored there or the value itself.
bool RuleOf(const Dwarf_Op* ops, size_t nops, CfiRule* rule) {
  rule->is_value = nops > 0 && ops[nops - 1].atom == DW_OP_stack_value;
  if (rule->is_value) --nops;
  if (nops == 0 || ops[0].atom != DW_OP_call_frame_cfa) return false;
  if (nops == 1) {
    rule->offset = 0;
    return true;
  }
  if (nops == 2 && ops[1].atom == DW_OP_plus_uconst) {
    rule->offset = static_cast<int64_t>(ops[1].number);
    return true;
  }
  if (nops == 3 && ops[1].atom == DW_OP_consts && ops[2].atom == DW_OP_plus) {
    rule->offset = static_cast<int64_t>(ops[1].number);
    return true;
  }
  return false;
}

// The row at `address`, if the CFI has one whose CFA is a register plus
// an offset.
bool RowAt(Dwarf_CFI* cfi, uint64_t address, int dwarf_registers, CfiRow* row) {
  Dwarf_Frame* frame = nullptr;
  if (dwarf_cfi_addrframe(cfi, address, &frame) != 0) return false;
  struct Freed {
    Dwarf_Frame* frame;
    ~Freed() { std::free(frame); }
  } freed{frame};
  Dwarf_Addr start = 0, end = 0;
  bool signal = false;
  const int ra = dwarf_frame_info(frame, &start, &end, &signal);
  Dwarf_Op* ops = nullptr;
  size_t nops = 0;
  if (ra < 0 || end <= address || dwarf_frame_cfa(frame, &ops, &nops) != 0 ||
      nops != 1) {
    return false;
  }
  // A register plus an offset: DW_OP_bregN offset, or DW_OP_bregx N offset.
  if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
    row->cfa_register = ops[0].atom - DW_OP_breg0;
    row->cfa_offset = static_cast<int64_t>(ops[0].number);
  } else if (ops[0].atom == DW_OP_bregx) {
    row->cfa_register = static_cast<int>(ops[0].number);
    row->cfa_offset = static_cast<int64_t>(ops[0].number2);
  } else {
    return false;
  }
  // (After a restore_state libdw dates the row from where the state was
  // remembered; it holds from `address` on.)
  row->start = start < address ? address : start;
  row->end = end;
  row->return_address_register = ra;
  row->rules.clear();
  const auto add_rule = [&](int regno) {
    Dwarf_Op ops_mem[3];
    Dwarf_Op* reg_ops = nullptr;
    size_t reg_nops = 0;
    CfiRule rule{.dwarf_register = regno};
    if (dwarf_frame_register(frame, regno, ops_mem, &reg_ops, &reg_nops) == 0 &&
        RuleOf(reg_ops, reg_nops, &rule)) {
      row->rules.push_back(rule);
    }
  };
  for (int regno = 0; regno < dwarf_registers; ++regno) add_rule(regno);
  if (ra >= dwarf_registers) add_rule(ra);
  return true;
}

}  // namespace

absl::Status ForEachNativeCfiRow(
    const std::string& path, int dwarf_registers,
    absl::FunctionRef<void(uint64_t function, const CfiRow& row)> visit) {
  Closer closer;
  closer.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (closer.fd < 0) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path));
  }
  elf_version(EV_CURRENT);
  closer.elf = elf_begin(closer.fd, ELF_C_READ_MMAP, nullptr);
  size_t names = 0;
  if (closer.elf == nullptr || elf_getshdrstrndx(closer.elf, &names) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not ELF"));
  }
  // .eh_frame_hdr: its address and bytes.
  uint64_t header_address = 0;
  ByteReader header;
  for (Elf_Scn* scn = elf_nextscn(closer.elf, nullptr); scn != nullptr;
       scn = elf_nextscn(closer.elf, scn)) {
    GElf_Shdr shdr;
    const char* name = gelf_getshdr(scn, &shdr) != nullptr
                           ? elf_strptr(closer.elf, names, shdr.sh_name)
                           : nullptr;
    Elf_Data* data = nullptr;
    if (name == nullptr || std::strcmp(name, ".eh_frame_hdr") != 0 ||
        (data = elf_getdata(scn, nullptr)) == nullptr ||
        data->d_buf == nullptr) {
      continue;
    }
    header_address = shdr.sh_addr;
    header =
        ByteReader(absl::MakeConstSpan(static_cast<const uint8_t*>(data->d_buf),
                                       data->d_size),
                   elf_getident(closer.elf, nullptr)[EI_DATA] == ELFDATA2MSB
                       ? ByteOrder::kBig
                       : ByteOrder::kLittle);
  }
  if (header.size() == 0) return absl::OkStatus();  // no native CFI
  if (header.U8(0) != 1 || header.U8(1) != kPcrelSdata4 ||
      header.U8(2) != kUdata4 || header.U8(3) != kDatarelSdata4 ||
      !header.U32(8)) {
    return absl::UnimplementedError(
        absl::StrCat(path, ": .eh_frame_hdr encodings not read"));
  }
  const uint32_t count = *header.U32(8);
  if (!header.Contains(12, uint64_t{count} * 8)) {
    return absl::DataLossError(absl::StrCat(path, ": .eh_frame_hdr cut short"));
  }
  std::vector<uint64_t> functions;
  functions.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    functions.push_back(header_address + static_cast<int32_t>(*header.U32(
                                             12 + uint64_t{i} * 8)));
  }
  closer.cfi = dwarf_getcfi_elf(closer.elf);
  if (closer.cfi == nullptr) return absl::OkStatus();
  CfiRow row;
  for (size_t i = 0; i < functions.size(); ++i) {
    const uint64_t limit =
        i + 1 < functions.size() ? functions[i + 1] : UINT64_MAX;
    uint64_t address = functions[i];
    for (int rows = 0; rows < kMaxRows && address < limit &&
                       RowAt(closer.cfi, address, dwarf_registers, &row);
         ++rows) {
      if (row.start < functions[i]) row.start = functions[i];
      if (row.end > limit) row.end = limit;
      visit(functions[i], row);
      address = row.end;
    }
  }
  return absl::OkStatus();
}

}  // namespace gentrace::symtab
