#include "traceback/crash_text.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "symtab/printed_name.h"
#include "symtab/utf8.h"
#include "traceback/traceback_text.h"

namespace gentrace::traceback {
namespace {

constexpr size_t kSignatureFunctions = 16;

std::string Fnv1a(const std::vector<absl::string_view>& names) {
  uint64_t hash = 0xcbf29ce484222325;
  for (absl::string_view name : names) {
    for (char c : name) {
      hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3;
    }
    hash = (hash ^ '\n') * 0x100000001b3;
  }
  return absl::StrCat(absl::Hex(hash, absl::kZeroPad16));
}

// What GOTRACEBACK=single leaves out of a stack: the runtime's unexported
// functions ("runtime.gopark", not "runtime.Goexit").
bool IsUnexportedRuntimeFunction(absl::string_view name) {
  constexpr absl::string_view kRuntime = "runtime.";
  return absl::StartsWith(name, kRuntime) &&
         !(name.size() > kRuntime.size() &&
           absl::ascii_isupper(name[kRuntime.size()]));
}

}  // namespace

CrashTextReader::CrashTextReader(const symtab::Binary& binary)
    : binary_(binary) {
  const symtab::Pclntab& table = binary.pclntab();
  entries_.reserve(table.num_funcs());
  for (uint32_t i = 0; i < table.num_funcs(); ++i) {
    absl::StatusOr<symtab::Func> func = table.FuncAt(i);
    if (!func.ok()) continue;
    absl::StatusOr<absl::string_view> name = func->Name();
    if (name.ok()) {
      entries_[symtab::PrintedFunctionName(*name)].push_back(func->entry());
    }
  }
}

CrashText CrashTextReader::Read(absl::string_view raw) const {
  // The runtime prints a panic's value as its bytes; what the trace
  // carries is text.
  const std::string valid = symtab::ValidUtf8(raw);
  const absl::string_view text = valid;
  const symtab::Binary& binary = binary_;
  CrashText out;
  // The report's first line, unless the text starts at a goroutine (what
  // debug.SetCrashOutput gets of a fatal error printed before it began).
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    if (!ParseGoroutineHeader(line)) out.reason = std::string(line);
    break;
  }
  const std::vector<TracebackTextSection> sections = ParseTracebackText(text);
  const symtab::Pclntab& table = binary.pclntab();
  // The load bias: a printed pc against the binary's entry plus offset (of
  // a function the name alone places).
  std::optional<uint64_t> bias;
  for (const TracebackTextSection& section : sections) {
    for (const TracebackTextFrame& f : section.frames) {
      auto it = entries_.find(f.function);
      if (f.inlined || !f.pc || it == entries_.end() ||
          it->second.size() != 1) {
        continue;
      }
      const uint64_t found = *f.pc - (it->second.front() + f.offset);
      if (!bias) bias = found;
      if (*bias != found) {
        out.notes.push_back(absl::StrCat(
            f.function, " +0x", absl::Hex(f.offset), " pc=0x", absl::Hex(*f.pc),
            ": another load bias than 0x", absl::Hex(*bias)));
      }
    }
  }
  out.load_bias = bias.value_or(0);

  const bool exact_after_injected_calls =
      !binary.go_version() || binary.go_version()->AtLeast(21);
  std::vector<symtab::SourceFrame> chain;
  for (const TracebackTextSection& section : sections) {
    Goroutine* g = nullptr;
    if (std::optional<GoroutineHeader> header =
            ParseGoroutineHeader(section.header)) {
      g = &out.goroutines.emplace_back();
      g->id = header->id;
      g->status = header->status;
    } else if (section.header == "runtime stack:") {
      g = &out.goroutines.emplace_back();
      g->status = "runtime stack";
    } else if (!out.goroutines.empty()) {
      g = &out.goroutines.back();  // on past "...frames elided..."
      out.elided_after.emplace(out.goroutines.size() - 1, g->frames.size());
    } else {
      continue;
    }
    // The callee was sigpanic (or, from Go 1.21, asyncPreempt or
    // debugCallV2, before which the runtime backed up as for a call): the
    // pc it interrupted is no return address.
    bool after_trap = false;
    for (size_t i = 0; i < section.frames.size(); ++i) {
      const TracebackTextFrame& f = section.frames[i];
      if (f.inlined) continue;  // the binary's chain gives them
      auto it = entries_.find(f.function);
      if (it == entries_.end()) {
        out.notes.push_back(absl::StrCat(g->status, " goroutine ", g->id, ": ",
                                         f.function, ": not in the binary"));
        continue;
      }
      Frame& frame = g->frames.emplace_back();
      frame.source = FrameSource::kRuntimeText;
      frame.sp = f.sp.value_or(0);
      frame.fp = f.fp.value_or(0);
      // Of the functions of that name (a generic one's instantiations), the
      // one whose code at the offset is where the text says.
      uint64_t pc = 0;
      for (uint64_t entry : it->second) {
        pc = entry + f.offset;
        frame.entry = entry + out.load_bias;
        frame.pc = pc + out.load_bias;
        // The faulting pc, or a call's return address (whose call is at
        // pc-1), as the runtime's traceback tells them apart.
        frame.trap = (g->frames.size() == 1 && section.signal_pc &&
                      *section.signal_pc == frame.pc) ||
                     after_trap || f.offset == 0;
        chain.clear();
        (void)binary.Symbolize(frame.trap ? pc : pc - 1, &chain);
        if (!chain.empty() && absl::StrCat(chain.back().file, ":",
                                           chain.back().line) == f.position) {
          break;
        }
      }
      frame.locations.clear();
      for (const symtab::SourceFrame& source : chain) {
        frame.locations.push_back(LocationOf(source));
      }
      if (absl::StatusOr<symtab::Func> func = table.FindFunc(pc); func.ok()) {
        frame.func_id = func->func_id();
      }
      after_trap = frame.func_id == symtab::FuncId::kSigpanic ||
                   (exact_after_injected_calls &&
                    (frame.func_id == symtab::FuncId::kAsyncPreempt ||
                     frame.func_id == symtab::FuncId::kDebugCallV2));
      const std::string position = absl::StrCat(
          frame.locations.empty() ? "" : frame.locations.back().file, ":",
          frame.locations.empty() ? 0 : frame.locations.back().line);
      if (frame.locations.empty() || position != f.position) {
        out.notes.push_back(absl::StrCat(
            f.function, " +0x", absl::Hex(f.offset), ": the text says ",
            f.position, ", the binary ", position));
      }
    }
  }
  // The first goroutine with a frame outside the runtime (a signal report
  // starts at the M's g0), from that frame on, without the runtime's
  // unexported functions anywhere: GOTRACEBACK=single hides them, system
  // and crash print them, and the same crash groups as one at every level.
  std::vector<absl::string_view> names;
  for (const Goroutine& g : out.goroutines) {
    for (const Frame& frame : g.frames) {
      for (const Location& location : frame.locations) {
        if (names.size() < kSignatureFunctions &&
            !IsUnexportedRuntimeFunction(location.function)) {
          names.push_back(location.function);
        }
      }
    }
    if (!names.empty()) break;
  }
  out.signature = Fnv1a(names);
  return out;
}

}  // namespace gentrace::traceback
