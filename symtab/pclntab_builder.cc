#include "symtab/pclntab_builder.h"

#include <cstring>

namespace gentrace::symtab {
namespace {

// `bytes` bytes of `value`, little-endian.
void AppendLittle(uint64_t value, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) {
    out->push_back(static_cast<char>(value >> (8 * i)));
  }
}

void AppendU32(uint32_t value, std::string* out) {
  AppendLittle(value, 4, out);
}

void AppendUvarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

// A pc-value table (runtime/symtab.go, pcvalue): pairs of a zig-zag value
// delta (from -1) and a pc delta, ended by a zero byte.
std::string PcValueTable(const std::vector<std::pair<uint64_t, int32_t>>& steps,
                         uint64_t size) {
  std::string out;
  int64_t value = -1;
  for (size_t i = 0; i < steps.size(); ++i) {
    const int64_t delta = steps[i].second - value;
    AppendUvarint(static_cast<uint64_t>((delta << 1) ^ (delta >> 63)), &out);
    const uint64_t end = i + 1 < steps.size() ? steps[i + 1].first : size;
    AppendUvarint(end - steps[i].first, &out);
    value = steps[i].second;
  }
  out.push_back(0);
  return out;
}

uint8_t RawFuncId(FuncId id, int go_minor) {
  const FuncIdTable* table = FuncIdTableFor(go_minor);
  for (size_t raw = 0; table != nullptr && raw < table->ids.size(); ++raw) {
    if (table->ids[raw] == id) return static_cast<uint8_t>(raw);
  }
  return 0;
}

}  // namespace

uint64_t PclntabBuilder::Add(Function function) {
  const uint64_t entry = next_entry_;
  next_entry_ += function.size;
  functions_.emplace_back(entry, std::move(function));
  return text_start_ + entry;
}

std::string PclntabBuilder::Build() const {
  constexpr uint64_t kHeaderSize = 8 + 8 * 8;
  std::string names;
  std::string pctab(1, '\0');  // offset 0: no table
  std::vector<uint32_t> name_offsets, pcsp_offsets;
  for (const auto& [entry, f] : functions_) {
    name_offsets.push_back(static_cast<uint32_t>(names.size()));
    names.append(f.name).push_back('\0');
    pcsp_offsets.push_back(static_cast<uint32_t>(pctab.size()));
    pctab += PcValueTable(f.sp_deltas, f.size);
  }
  // functab: {entryoff, funcoff} per function and the end entry, then the
  // _func records (funcoff counts from the functab's start).
  constexpr uint32_t kRecordSize = 44;
  const uint64_t nfunc = functions_.size();
  std::string pcln;
  for (uint64_t i = 0; i < nfunc; ++i) {
    AppendU32(static_cast<uint32_t>(functions_[i].first), &pcln);
    AppendU32(static_cast<uint32_t>((nfunc + 1) * 8 + i * kRecordSize), &pcln);
  }
  AppendU32(static_cast<uint32_t>(next_entry_), &pcln);
  AppendU32(0, &pcln);
  for (uint64_t i = 0; i < nfunc; ++i) {
    const Function& f = functions_[i].second;
    AppendU32(static_cast<uint32_t>(functions_[i].first), &pcln);  // entryOff
    AppendU32(name_offsets[i], &pcln);                             // nameOff
    AppendU32(0, &pcln);                                           // args
    AppendU32(0, &pcln);  // deferreturn
    AppendU32(pcsp_offsets[i], &pcln);
    AppendU32(0, &pcln);  // pcfile
    AppendU32(0, &pcln);  // pcln
    AppendU32(0, &pcln);  // npcdata
    AppendU32(0, &pcln);  // cuOffset
    AppendU32(0, &pcln);  // startLine
    pcln.push_back(static_cast<char>(RawFuncId(f.func_id, go_minor_)));
    pcln.push_back(static_cast<char>(f.flags));
    pcln.push_back(0);  // padding
    pcln.push_back(0);  // nfuncdata
  }
  const uint64_t funcname_at = kHeaderSize;
  const uint64_t cu_at = funcname_at + names.size();
  const uint64_t filetab_at = cu_at;
  const uint64_t pctab_at = filetab_at;
  const uint64_t pcln_at = pctab_at + pctab.size();
  std::string out;
  AppendU32(0xFFFFFFF1, &out);
  out.push_back(0);  // pad
  out.push_back(0);  // pad
  out.push_back(1);  // minLC: the pc quantum
  out.push_back(8);  // ptrSize
  for (uint64_t word : {nfunc, uint64_t{0}, text_start_, funcname_at, cu_at,
                        filetab_at, pctab_at, pcln_at}) {
    AppendLittle(word, 8, &out);
  }
  return out + names + pctab + pcln;
}

}  // namespace gentrace::symtab
