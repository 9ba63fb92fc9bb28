#include "render/runtime_text.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "symtab/hex_text.h"
#include "symtab/printed_name.h"

namespace gentrace::render {

using ::gentrace::symtab::AppendHex;
namespace {

// How much of a deep stack the runtime prints: up to Go 1.20, this many
// physical frames; from 1.21, this many innermost and outermost logical ones.
constexpr int kMaxPhysicalFrames = 100;
constexpr int kInnerFrames = 50;
constexpr int kOuterFrames = 50;

// runtime.printFuncName: "panic" for gopanic, "[...]" for type arguments.
void AppendFunctionName(absl::string_view name, std::string* out) {
  if (name == "runtime.gopanic") {
    out->append("panic");
    return;
  }
  symtab::AppendPrintedFunctionName(name, out);
}

// "created by F[ in goroutine N]" and the `go` statement's position; nothing
// if it was not symbolized. `message` is a Goroutine or an Ancestor.
// A group's (`group` non-null) shows `*` for what its members do not share.
template <typename Message>
void AppendCreatedBy(const Message& message, int64_t parent_id,
                     const GoroutineGroup* group, std::string* out) {
  if (!message.has_created_by()) return;
  const Location& at = message.created_by();
  out->append("created by ");
  AppendFunctionName(at.function(), out);
  if (group != nullptr && group->varying_parent()) {
    out->append(" in goroutine *");
  } else if (parent_id != 0) {
    absl::StrAppend(out, " in goroutine ", parent_id);
  }
  absl::StrAppend(out, "\n\t", at.file(), ":");
  if (group != nullptr && group->varying_creator_line()) {
    out->append("*");
  } else {
    absl::StrAppend(out, at.line());
  }
  if (group != nullptr && group->varying_creator_pc()) {
    out->append(" +*");
  } else if (message.created_by_pc() > message.created_by_entry()) {
    absl::StrAppend(
        out, " +0x",
        absl::Hex(message.created_by_pc() - message.created_by_entry()));
  }
  out->append("\n");
}

// runtime.printAncestorTraceback: each recorded pc as "F(...)" and its
// position, the elision mark if the record is full, and the creator (not
// for the main goroutine, and without "in goroutine": the next ancestor
// says it).
void AppendAncestor(const Ancestor& ancestor, const RuntimeTextOptions& options,
                    std::string* out) {
  absl::StrAppend(out, "[originating from goroutine ", ancestor.id(), "]:\n");
  for (const Frame& frame : ancestor.frames()) {
    if (frame.locations().empty()) continue;
    const Location& at = frame.locations(0);
    AppendFunctionName(at.function(), out);
    absl::StrAppend(out, "(...)\n\t", at.file(), ":", at.line());
    if (frame.pc() > frame.entry()) {
      absl::StrAppend(out, " +0x", absl::Hex(frame.pc() - frame.entry()));
    }
    out->append("\n");
  }
  // The runtime records at most this many pcs.
  const int recorded_max =
      options.go_minor >= 21 ? kInnerFrames : kMaxPhysicalFrames;
  if (ancestor.frames_size() == recorded_max) {
    out->append("...additional frames elided...\n");
  }
  if (ancestor.id() != 1) AppendCreatedBy(ancestor, 0, nullptr, out);
}

// "\tdeferred main.f.func1 at /src/main.go:20 (open-coded, closure
// 0xc000012340)"
// Without `addresses`, the closure and argument addresses are left out.
void AppendDeferredCall(const DeferredCall& call, bool addresses,
                        std::string* out) {
  out->append("\tdeferred ");
  if (call.function().function().empty()) {
    absl::StrAppend(out, "0x", absl::Hex(call.entry()));
  } else {
    absl::StrAppend(out, call.function().function(), " at ",
                    call.function().file(), ":", call.function().line());
  }
  switch (call.kind()) {
    case DEFER_KIND_HEAP:
      out->append(" (heap record");
      break;
    case DEFER_KIND_STACK:
      out->append(" (stack record");
      break;
    default:
      out->append(" (open-coded");
      break;
  }
  if (!addresses) {
    out->append(")\n");
    return;
  }
  absl::StrAppend(out, ", closure 0x", absl::Hex(call.closure()));
  if (call.argument_bytes() > 0) {
    absl::StrAppend(out, ", ", call.argument_bytes(), " argument bytes at 0x",
                    absl::Hex(call.arguments()));
  }
  out->append(")\n");
}

// A goroutine's frames, creator and ancestors (all but its header line);
// a group's (`group` non-null) with `*` for what its members do not share.
void AppendStack(const Goroutine& goroutine, const RuntimeTextOptions& options,
                 const GoroutineGroup* group, std::string* out) {
  const bool hidden = StackHidden(goroutine, options);
  if (hidden ||
      (goroutine.frames().empty() && goroutine.status() == "running")) {
    out->append("\tgoroutine running on other thread; stack unavailable\n");
  }

  // The logical frames (inlined calls first), and which to print: up to
  // 1.20 the first 100 physical frames, then "...additional frames
  // elided..." if there were that many; from 1.21 the first 50 and last 50
  // logical frames, with the count of those between.
  struct Logical {
    int frame;
    int location;
  };
  std::vector<Logical> logical;
  int physical = 0;
  for (const Frame& frame : goroutine.frames()) {
    if (hidden) break;
    if (options.go_minor < 21 && physical == kMaxPhysicalFrames) break;
    for (int i = 0; i < frame.locations_size(); ++i) {
      logical.push_back({physical, i});
    }
    ++physical;
  }
  // Frames whose lines or pcs a group's members do not all share.
  auto line_varies = [group](int frame) {
    return group != nullptr &&
           std::binary_search(group->varying_lines().begin(),
                              group->varying_lines().end(), frame);
  };
  auto pc_varies = [group](int frame) {
    return group != nullptr &&
           std::binary_search(group->varying_pcs().begin(),
                              group->varying_pcs().end(), frame);
  };
  auto append_position = [&](const Location& at, int frame) {
    absl::StrAppend(out, "\t", at.file(), ":");
    if (line_varies(frame)) {
      out->append("*");
    } else {
      absl::StrAppend(out, at.line());
    }
  };
  const int total = static_cast<int>(logical.size());
  for (int n = 0; n < total; ++n) {
    if (options.go_minor >= 21 && total > kInnerFrames + kOuterFrames &&
        n == kInnerFrames) {
      absl::StrAppend(out, "...", total - kInnerFrames - kOuterFrames,
                      " frames elided...\n");
      n = total - kOuterFrames;
    }
    const int index = logical[n].frame;
    const Frame& frame = goroutine.frames(index);
    const Location& at = frame.locations(logical[n].location);
    if (frame.source() == FRAME_SOURCE_NATIVE) {
      // A C frame stitched in (--native), as the runtime prints the frames
      // a cgo traceback function gives it: no arguments, no offset.
      absl::StrAppend(out, at.function(), "\n");
      append_position(at, index);
      if (!pc_varies(index)) {
        absl::StrAppend(out, " pc=0x", absl::Hex(frame.pc()));
      }
      out->append("\n");
      continue;
    }
    AppendFunctionName(at.function(), out);
    if (at.inlined()) {
      out->append("(...)\n");
      append_position(at, index);
      out->append("\n");
      continue;
    }
    absl::StrAppend(out, "(", frame.arguments(), ")\n");
    append_position(at, index);
    if (pc_varies(index)) {
      out->append(" +*");
    } else if (frame.pc() > frame.entry()) {
      out->append(" +");
      AppendHex(frame.pc() - frame.entry(), out);
    }
    if (options.frame_addresses) {
      out->append(" fp=");
      AppendHex(frame.fp(), out);
      out->append(" sp=");
      AppendHex(frame.sp(), out);
      out->append(" pc=");
      AppendHex(frame.pc(), out);
    }
    out->append("\n");
    if (options.defers) {
      for (const DeferredCall& call : frame.defers()) {
        AppendDeferredCall(call, /*addresses=*/group == nullptr, out);
      }
    }
  }
  if (options.go_minor < 21 && physical == kMaxPhysicalFrames) {
    out->append("...additional frames elided...\n");
  }

  if (options.defers) {
    if (goroutine.panicking()) {
      absl::StrAppend(
          out, "\tpanicking: ", goroutine.panics(),
          goroutine.panics() == 1 ? " panic" : " panics", " in progress",
          goroutine.panic_recovered() ? ", the newest recovered" : "",
          "; the deferred calls above run as it unwinds\n");
    }
    for (const std::string& problem : goroutine.defer_problems()) {
      absl::StrAppend(out, "\tdefers: ", problem, "\n");
    }
  }
  if (ShownCreator(goroutine) != nullptr) {
    AppendCreatedBy(goroutine,
                    options.go_minor >= 21 ? goroutine.parent_id() : 0, group,
                    out);
  }
  for (const Ancestor& ancestor : goroutine.ancestors()) {
    AppendAncestor(ancestor, options, out);
  }
}

// "18, 20-22": ascending ids, runs as ranges.
void AppendIdRanges(const google::protobuf::RepeatedField<int64_t>& ids,
                    std::string* out) {
  for (int i = 0; i < ids.size();) {
    int last = i;
    while (last + 1 < ids.size() && ids[last + 1] == ids[last] + 1) ++last;
    absl::StrAppend(out, i == 0 ? "" : ", ", ids[i]);
    if (last > i) absl::StrAppend(out, "-", ids[last]);
    i = last + 1;
  }
}

}  // namespace

void AppendPanicReport(const Goroutine& goroutine,
                       const RuntimeTextOptions& options, std::string* out) {
  const ReportCause cause = goroutine.report_cause();
  if (!goroutine.reporting() ||
      (cause != REPORT_CAUSE_PANIC && cause != REPORT_CAUSE_THROW)) {
    return;
  }
  const bool thrown = cause == REPORT_CAUSE_THROW;
  const FatalError& fatal = goroutine.fatal_error();
  // A fatal error the program is blamed for shows the panics it came in
  // the middle of from 1.26, indented like a nested panic.
  const bool panics_shown =
      !thrown || (fatal.by_program() && options.go_minor >= 26);
  const auto& panics = goroutine.panic_values();
  if (panics_shown) {
    // printpanics: the oldest first (panics[size-1]); after each one a tab
    // unless it was a Goexit's; from 1.25 a panic after one that repanicked
    // is not printed (it repeats that one's value).
    for (int i = panics.size() - 1; i >= 0; --i) {
      const PanicValue& p = panics[i];
      if (i + 1 < panics.size()) {
        const PanicValue& older = panics[i + 1];
        if (options.go_minor >= 25 && older.repanicked()) continue;
        if (!older.goexit()) *out += "\t";
      }
      if (p.goexit()) continue;
      absl::StrAppend(out, "panic: ", p.value());
      if (p.recovered() && p.repanicked()) {
        *out += " [recovered, repanicked]";
      } else if (p.recovered()) {
        *out += " [recovered]";
      }
      *out += "\n";
    }
  }
  if (thrown) {
    if (panics_shown && !panics.empty()) *out += "\t";
    absl::StrAppend(out, "fatal error: ", fatal.message(), "\n");
  }
  if (goroutine.has_signal()) {
    const Signal& signal = goroutine.signal();
    *out += "[signal ";
    if (signal.name().empty()) {
      absl::StrAppend(out, "0x", absl::Hex(signal.number()));
    } else {
      *out += signal.name();
    }
    absl::StrAppend(out, " code=0x", absl::Hex(signal.code()), " addr=0x",
                    absl::Hex(signal.addr()), " pc=0x", absl::Hex(signal.pc()),
                    "]\n");
  }
  *out += "\n";
}

void AppendSignalReportHead(const SignalReport& report, bool first,
                            const RuntimeTextOptions& options,
                            std::string* out) {
  const Signal& signal = report.signal();
  if (signal.name().empty()) {
    absl::StrAppend(out, "Signal ", signal.number(), "\n");
  } else {
    absl::StrAppend(out, signal.name(), "\n");
  }
  absl::StrAppend(out, "PC=0x", absl::Hex(signal.pc()), " m=", report.m_id(),
                  " sigcode=", signal.code());
  if (report.fault_address()) {
    absl::StrAppend(out, " addr=0x", absl::Hex(signal.addr()));
  }
  *out += "\n";
  if (report.in_cgo()) *out += "signal arrived during cgo execution\n";
  if (!report.instruction_bytes().empty()) {
    *out += "instruction bytes:";
    for (const char byte : report.instruction_bytes()) {
      absl::StrAppend(out, " 0x", absl::Hex(static_cast<uint8_t>(byte)));
    }
    *out += "\n";
  }
  *out += "\n";
  AppendGoroutineText(report.interrupted(), options, out);
  if (!first && report.has_running()) {
    AppendGoroutineText(report.running(), options, out);
  }
}

void AppendSignalReportRegisters(const SignalReport& report, std::string* out) {
  for (const Register& reg : report.registers()) {
    absl::StrAppend(out, reg.label(), "0x", absl::Hex(reg.value()),
                    reg.separator().empty() ? "\n" : reg.separator());
  }
}

void AppendRuntimeStackText(const Goroutine& g0,
                            const RuntimeTextOptions& options,
                            std::string* out) {
  if (g0.fatal_error().report_pending()) {
    absl::StrAppend(out, "fatal error: ", g0.fatal_error().message(), "\n");
    return;
  }
  AppendPanicReport(g0, options, out);
  out->append("runtime stack:\n");
  AppendStack(g0, options, nullptr, out);
}

void AppendGoroutineText(const Goroutine& goroutine,
                         const RuntimeTextOptions& options, std::string* out) {
  absl::StrAppend(out, "goroutine ", goroutine.id());
  // 1.22+: the g and its M, at GOTRACEBACK=crash.
  if (options.go_minor >= 22 && options.frame_addresses) {
    absl::StrAppend(out, " gp=0x", absl::Hex(goroutine.address()));
    if (goroutine.m_address() != 0) {
      absl::StrAppend(out, " m=", goroutine.m_id(), " mp=0x",
                      absl::Hex(goroutine.m_address()));
    } else {
      out->append(" m=nil");
    }
  }
  absl::StrAppend(out, " [", goroutine.status(), "]:\n");
  AppendStack(goroutine, options, nullptr, out);
}

void AppendGroupText(const GoroutineGroup& group,
                     const RuntimeTextOptions& options, std::string* out) {
  absl::StrAppend(out, group.ids_size(),
                  group.ids_size() == 1 ? " goroutine [" : " goroutines [",
                  group.status(), "]: ");
  AppendIdRanges(group.ids(), out);
  out->append("\n");
  RuntimeTextOptions shared = options;
  shared.frame_addresses = false;
  AppendStack(group.goroutine(), shared, &group, out);
}

bool StackHidden(const Goroutine& goroutine,
                 const RuntimeTextOptions& options) {
  return goroutine.status() == "running" && !goroutine.reporting() &&
         !options.running_stacks;
}

const Location* ShownCreator(const Goroutine& goroutine) {
  return goroutine.id() != 1 && goroutine.has_created_by()
             ? &goroutine.created_by()
             : nullptr;
}

}  // namespace gentrace::render
