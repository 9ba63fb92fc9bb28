#include "render/breakpad_symbols.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "arch/arch.h"
#include "symtab/build_info.h"
#include "symtab/func_id.h"
#include "symtab/native_cfi.h"
#include "symtab/native_symbols.h"
#include "symtab/pc_value_table.h"
#include "symtab/pclntab.h"

namespace gentrace::render {
namespace {

using Guid = std::array<uint8_t, 16>;

std::string UpperHex(absl::Span<const uint8_t> bytes) {
  std::string hex;
  for (uint8_t b : bytes) absl::StrAppend(&hex, absl::Hex(b, absl::kZeroPad2));
  return absl::AsciiStrToUpper(hex);
}

// The GUID's first three fields as the big-endian numbers Breakpad's
// processor reads them as, then age 0.
std::string ModuleId(Guid guid) {
  std::reverse(guid.begin(), guid.begin() + 4);
  std::reverse(guid.begin() + 4, guid.begin() + 6);
  std::reverse(guid.begin() + 6, guid.begin() + 8);
  return UpperHex(guid) + "0";
}

absl::Span<const uint8_t> Bytes(absl::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// Where the module starts: the first loadable segment's address less its
// file offset (dump_syms' load address), at a page boundary (a PE's
// sections are placed apart in the file and in memory).
uint64_t ModuleBase(const symtab::ElfFile& elf) {
  for (const symtab::ElfSegment& segment : elf.segments()) {
    if (segment.type == 1 /* PT_LOAD */ && segment.vaddr >= segment.offset) {
      return (segment.vaddr - segment.offset) & ~uint64_t{0xfff};
    }
  }
  return 0;
}

// Deduplicated names numbered in order of first use.
class Numbering {
 public:
  uint32_t Of(absl::string_view name) {
    auto [it, added] = numbers_.try_emplace(
        std::string(name), static_cast<uint32_t>(names_.size()));
    if (added) names_.push_back(&it->first);
    return it->second;
  }
  void Write(absl::string_view record, std::string* out) const {
    for (size_t i = 0; i < names_.size(); ++i) {
      absl::StrAppend(out, record, " ", i, " ", *names_[i], "\n");
    }
  }

 private:
  // A map's nodes stay put: names_ points at its keys.
  std::map<std::string, uint32_t> numbers_;
  std::vector<const std::string*> names_;
};

// Address ranges, adjacent ones joined.
class Ranges {
 public:
  void Add(uint64_t start, uint64_t end) {
    if (!ranges_.empty() && ranges_.back().second == start) {
      ranges_.back().second = end;
    } else {
      ranges_.emplace_back(start, end);
    }
  }
  const std::vector<std::pair<uint64_t, uint64_t>>& ranges() const {
    return ranges_;
  }

 private:
  std::vector<std::pair<uint64_t, uint64_t>> ranges_;
};

// A function's inline tree as Breakpad records it: each inlined call by
// its origin (the inlined function) and call site, with the ranges where
// it is on the stack.
struct InlinedCall {
  Ranges ranges;
  std::map<std::tuple<uint32_t, uint32_t, int32_t>,
           std::unique_ptr<InlinedCall>>
      calls;  // by (origin, call file, call line)
};

void WriteInlinedCalls(const InlinedCall& parent, int depth, uint64_t base,
                       std::string* out) {
  for (const auto& [key, call] : parent.calls) {
    const auto& [origin, file, line] = key;
    absl::StrAppend(out, "INLINE ", depth, " ", line, " ", file, " ", origin);
    for (const auto& [start, end] : call->ranges.ranges()) {
      absl::StrAppend(out, " ", absl::Hex(start - base), " ",
                      absl::Hex(end - start));
    }
    out->push_back('\n');
    WriteInlinedCalls(*call, depth + 1, base, out);
  }
}

// Whether the runtime's unwinder ends a walk at this function: the top of
// a goroutine or thread, or a function that switches stacks (its frame
// size says nothing of its caller's).
bool EndsTheWalk(const symtab::Func& func) {
  using symtab::FuncId;
  const FuncId id = func.func_id();
  if ((func.flags() & symtab::kFuncFlagTopFrame) || id == FuncId::kGoexit ||
      id == FuncId::kMstart || id == FuncId::kRt0Go) {
    return true;
  }
  return id == FuncId::kMcall || id == FuncId::kMorestack ||
         id == FuncId::kSystemstack ||
         ((func.flags() & symtab::kFuncFlagSpWrite) &&
          id != FuncId::kCgocallback);
}

// The STACK CFI rules of a native function's CFI row, in Breakpad's
// names for `arch`'s registers (its DWARF numbering; Breakpad writes x86
// registers with a '$', as its stack pointer's name shows); "" where a
// register it needs has no name. `previous` are the registers the last row
// of the function gave rules, which this row must undo if it has none.
std::string NativeRules(const symtab::CfiRow& row, const arch::ArchInfo& arch,
                        std::vector<std::string>* previous) {
  const absl::string_view prefix =
      absl::StartsWith(arch.breakpad.cfi_sp, "$") ? "$" : "";
  const auto name = [&](int regno) -> std::string {
    if (regno < 0 ||
        static_cast<size_t>(regno) >= arch.dwarf_registers.size() ||
        arch.dwarf_registers[regno].empty()) {
      return "";
    }
    return absl::StrCat(prefix, arch.dwarf_registers[regno]);
  };
  const std::string cfa = name(row.cfa_register);
  if (cfa.empty()) return "";
  std::string text = absl::StrCat(".cfa: ", cfa, " ", row.cfa_offset, " +");
  std::vector<std::string> named;
  for (const symtab::CfiRule& rule : row.rules) {
    const std::string target =
        rule.dwarf_register == row.return_address_register
            ? ".ra"
            : name(rule.dwarf_register);
    // The stack pointer is the CFA itself, as Breakpad's rules have it.
    if (target.empty() || target == arch.breakpad.cfi_sp) continue;
    absl::StrAppend(&text, " ", target, ": .cfa ", rule.offset, " +",
                    rule.is_value ? "" : " ^");
    named.push_back(target);
  }
  for (const std::string& register_name : *previous) {
    if (register_name != ".ra" &&
        std::find(named.begin(), named.end(), register_name) == named.end()) {
      absl::StrAppend(&text, " ", register_name, ": ", register_name);
    }
  }
  *previous = std::move(named);
  return text;
}

}  // namespace

absl::StatusOr<BreakpadModule> BreakpadModuleOf(const symtab::Binary& binary) {
  if (binary.arch() == nullptr) {
    return absl::FailedPreconditionError("no architecture Go builds for");
  }
  BreakpadModule module;
  module.cpu = std::string(binary.arch()->breakpad.cpu);
  const std::string& path = binary.path();
  module.name = path.substr(path.find_last_of('/') + 1);
  const absl::string_view format = binary.format();
  if (format == "ELF") {
    module.os = "Linux";
    // The GNU build ID, else the text folded, as Breakpad's writer
    // identifies the module; its first 16 bytes are the GUID.
    const std::string& hex = binary.gnu_build_id().empty()
                                 ? binary.file_id()
                                 : binary.gnu_build_id();
    if (hex.empty()) {
      return absl::FailedPreconditionError(
          "no GNU build ID and no .text to identify the module by");
    }
    const std::string id = absl::HexStringToBytes(hex);
    Guid guid{};
    std::copy_n(Bytes(id).begin(), std::min(id.size(), guid.size()),
                guid.begin());
    module.code_id = UpperHex(Bytes(id));
    module.id = ModuleId(guid);
    return module;
  }
  module.os = format == "PE" ? "windows" : "mac";
  if (!binary.file_id().empty()) {
    // A PE's is the GUID and age as Windows prints them; a Mach-O's UUID
    // takes age 0.
    module.id = absl::AsciiStrToUpper(binary.file_id());
    if (format != "PE") module.id += "0";
  } else {
    module.id = ModuleId(symtab::FoldInto16Bytes(binary.go_build_id()));
  }
  return module;
}

// The STACK CFI rules of a Go function: for each run of its pcsp table,
// the CFA (the caller's SP) from this frame's SP and size, and the return
// address: pushed by the call below the CFA (x86), or in the link register
// until the prologue has saved it at 0(SP).
void AppendStackCfi(const symtab::Func& func, const arch::ArchInfo& arch,
                    uint64_t base, std::string* out) {
  const arch::ArchInfo::Breakpad& names = arch.breakpad;
  if (names.cfi_sp.empty()) return;
  const int pushed = arch.uses_lr ? 0 : arch.ptr_size;
  const bool ends = EndsTheWalk(func);
  auto rules = [&](int64_t delta) {
    const int64_t cfa = delta + pushed;
    std::string text = absl::StrCat(".cfa: ", names.cfi_sp, " ", cfa, " +");
    if (ends) {
      absl::StrAppend(&text, " .ra: 0");
    } else if (!arch.uses_lr) {
      absl::StrAppend(&text, " .ra: .cfa -", arch.ptr_size, " + ^");
    } else if (delta <= 0) {
      // No frame below SP holds it (the runtime reads LR itself then).
      absl::StrAppend(&text, " .ra: ", names.cfi_lr);
    } else {
      absl::StrAppend(&text, " .ra: .cfa -", delta, " + ^");
    }
    // A frame that has pushed more than the return address keeps the
    // caller's frame pointer just below it (Go 1.21+ pushes it first; up
    // to 1.20 the prologue allocates the frame, then stores it there, one
    // instruction later); a frameless one, and every frame before its
    // prologue and after its epilogue, leaves it be.
    if (!names.cfi_fp.empty()) {
      absl::StrAppend(&text, " ", names.cfi_fp, ": ");
      if (delta >= arch.ptr_size) {
        absl::StrAppend(&text, ".cfa -", 2 * arch.ptr_size, " + ^");
      } else {
        absl::StrAppend(&text, names.cfi_fp);
      }
    }
    return text;
  };
  symtab::PcValueTable table = func.SpDeltaTable();
  bool first = true;
  int64_t last = 0;
  while (table.Next()) {
    // Widened: a hostile table's delta near INT32_MAX plus the pushed
    // return address must not overflow.
    const int64_t delta = table.value();
    if (table.start_pc() >= func.end()) break;
    // Every delta as the table has it, as the Go linker's .debug_frame
    // gives it too: one that leaves SP above the entry's (syscall.
    // rawVforkSyscall pops its own return address, runtime.clone's child
    // runs on a new stack, runtime.debugCallV2 returns past what a
    // debugger pushed) describes no caller a walk can reach, but the
    // rules after it in the function do.
    if (first) {
      absl::StrAppend(out, "STACK CFI INIT ", absl::Hex(func.entry() - base),
                      " ", absl::Hex(func.end() - func.entry()), " ",
                      rules(delta), "\n");
    } else if (delta != last) {
      absl::StrAppend(out, "STACK CFI ", absl::Hex(table.start_pc() - base),
                      " ", rules(delta), "\n");
    }
    first = false;
    last = delta;
  }
}

absl::Status WriteBreakpadSymbols(
    const symtab::Binary& binary,
    absl::FunctionRef<void(absl::string_view)> sink) {
  absl::StatusOr<BreakpadModule> module = BreakpadModuleOf(binary);
  if (!module.ok()) return module.status();
  if (binary.load_bias() != 0) {
    return absl::InvalidArgumentError(
        "symbols are written from the binary as linked, not as loaded");
  }
  const symtab::Pclntab& table = binary.pclntab();
  const arch::ArchInfo& arch = *binary.arch();
  const uint64_t base = ModuleBase(binary.elf());

  Numbering files, origins;
  std::string functions;  // FUNC, line and INLINE records
  std::string cfi;        // STACK CFI records
  std::vector<symtab::SourceFrame> chain;
  std::vector<std::pair<uint64_t, uint64_t>> go_text;
  for (uint32_t i = 0; i < table.num_funcs(); ++i) {
    absl::StatusOr<symtab::Func> func = table.FuncAt(i);
    if (!func.ok()) continue;  // a gap between text sections, or corrupt
    absl::StatusOr<absl::string_view> name = func->Name();
    if (!name.ok() || func->end() <= func->entry() || func->entry() < base) {
      continue;
    }
    go_text.emplace_back(func->entry(), func->end());
    absl::StrAppend(&functions, "FUNC ", absl::Hex(func->entry() - base), " ",
                    absl::Hex(func->end() - func->entry()), " 0 ", *name, "\n");
    std::string lines;
    InlinedCall tree;
    uint64_t line_start = 0, line_end = 0;
    uint32_t line_file = 0;
    int32_t line = -1;
    auto flush_line = [&] {
      if (line >= 0 && line_end > line_start) {
        absl::StrAppend(&lines, absl::Hex(line_start - base), " ",
                        absl::Hex(line_end - line_start), " ", line, " ",
                        line_file, "\n");
      }
    };
    // A function whose tables do not decode keeps its FUNC record alone.
    (void)table.ForEachRun(*func, [&](uint64_t start, uint64_t end) {
      chain.clear();
      if (!table.Symbolize(*func, start, &chain).ok() || chain.empty()) return;
      const symtab::SourceFrame& innermost = chain.front();
      const uint32_t file = files.Of(innermost.file);
      if (file != line_file || innermost.line != line || start != line_end) {
        flush_line();
        line_start = start;
        line_file = file;
        line = innermost.line;
      }
      line_end = end;
      // chain: inlined calls innermost first, the physical function last;
      // each call sits at the position of the frame outside it.
      InlinedCall* parent = &tree;
      for (size_t k = chain.size() - 1; k-- > 0;) {
        const auto key =
            std::make_tuple(origins.Of(chain[k].function),
                            files.Of(chain[k + 1].file), chain[k + 1].line);
        std::unique_ptr<InlinedCall>& call = parent->calls[key];
        if (call == nullptr) call = std::make_unique<InlinedCall>();
        call->ranges.Add(start, end);
        parent = call.get();
      }
    });
    flush_line();
    WriteInlinedCalls(tree, 0, base, &functions);
    functions += lines;
    AppendStackCfi(*func, arch, base, &cfi);
  }

  std::string out = absl::StrCat("MODULE ", module->os, " ", module->cpu, " ",
                                 module->id, " ", module->name, "\n");
  if (!module->code_id.empty()) {
    absl::StrAppend(&out, "INFO CODE_ID ", module->code_id, "\n");
  }
  files.Write("FILE", &out);
  origins.Write("INLINE_ORIGIN", &out);
  sink(out);
  sink(functions);
  functions.clear();

  // Native functions: the ELF symbols outside every Go function (a cgo
  // program's C code; none in a stripped binary).
  out.clear();
  if (binary.format() == "ELF") {
    if (absl::StatusOr<std::unique_ptr<symtab::NativeSymbols>> native =
            symtab::NativeSymbols::Open(binary.path());
        native.ok()) {
      std::sort(go_text.begin(), go_text.end());
      for (const symtab::NativeSymbols::Function& f : (*native)->functions()) {
        auto after = std::upper_bound(go_text.begin(), go_text.end(),
                                      std::make_pair(f.address, UINT64_MAX));
        const bool in_go =
            after != go_text.begin() && f.address < std::prev(after)->second;
        if (in_go || f.address < base || f.name.empty()) continue;
        absl::StrAppend(&out, "PUBLIC ", absl::Hex(f.address - base), " 0 ",
                        f.name, "\n");
      }
    }
  }
  sink(out);
  sink(cfi);

  // Native functions' rules from their CFI (.eh_frame), outside Go's text.
  if (binary.format() == "ELF" && !arch.breakpad.cfi_sp.empty()) {
    cfi.clear();
    uint64_t function = 0, end = 0;
    std::string rows;
    std::vector<std::string> previous;
    std::string last;
    const auto flush = [&] {
      if (!rows.empty()) {
        absl::StrAppend(&cfi, "STACK CFI INIT ", absl::Hex(function - base),
                        " ", absl::Hex(end - function), " ", rows);
      }
      rows.clear();
    };
    (void)symtab::ForEachNativeCfiRow(
        binary.path(), static_cast<int>(arch.dwarf_registers.size()),
        [&](uint64_t entry, const symtab::CfiRow& row) {
          if (entry != function) {
            flush();
            function = entry;
            previous.clear();
            last.clear();
          }
          auto after = std::upper_bound(go_text.begin(), go_text.end(),
                                        std::make_pair(entry, UINT64_MAX));
          if ((after != go_text.begin() && entry < std::prev(after)->second) ||
              entry < base) {
            return;
          }
          const std::string rules = NativeRules(row, arch, &previous);
          if (rules.empty()) return;
          end = row.end;
          if (rules == last) return;
          if (rows.empty()) {
            absl::StrAppend(&rows, rules, "\n");
          } else {
            absl::StrAppend(&rows, "STACK CFI ", absl::Hex(row.start - base),
                            " ", rules, "\n");
          }
          last = rules;
        });
    flush();
    sink(cfi);
  }
  return absl::OkStatus();
}

}  // namespace gentrace::render
