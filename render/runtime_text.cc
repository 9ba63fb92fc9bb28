#include "render/runtime_text.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "symtab/hex_text.h"

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
  const size_t open = name.find('[');
  const size_t close = name.rfind(']');
  if (open == absl::string_view::npos || close == absl::string_view::npos ||
      close <= open) {
    absl::StrAppend(out, name);
    return;
  }
  absl::StrAppend(out, name.substr(0, open), "[...]", name.substr(close + 1));
}

// "created by F[ in goroutine N]" and the `go` statement's position; nothing
// if it was not symbolized. `message` is a Goroutine or an Ancestor.
template <typename Message>
void AppendCreatedBy(const Message& message, int64_t parent_id,
                     std::string* out) {
  if (!message.has_created_by()) return;
  const Location& at = message.created_by();
  out->append("created by ");
  AppendFunctionName(at.function(), out);
  if (parent_id != 0) absl::StrAppend(out, " in goroutine ", parent_id);
  absl::StrAppend(out, "\n\t", at.file(), ":", at.line());
  if (message.created_by_pc() > message.created_by_entry()) {
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
  if (ancestor.id() != 1) AppendCreatedBy(ancestor, 0, out);
}

// "\tdeferred main.f.func1 at /src/main.go:20 (open-coded, closure
// 0xc000012340)"
void AppendDeferredCall(const DeferredCall& call, std::string* out) {
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
  absl::StrAppend(out, ", closure 0x", absl::Hex(call.closure()));
  if (call.argument_bytes() > 0) {
    absl::StrAppend(out, ", ", call.argument_bytes(), " argument bytes at 0x",
                    absl::Hex(call.arguments()));
  }
  out->append(")\n");
}

}  // namespace

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
  const bool hidden = goroutine.status() == "running" &&
                      !goroutine.reporting() && !options.running_stacks;
  if (hidden ||
      (goroutine.frames().empty() && goroutine.status() == "running")) {
    out->append("\tgoroutine running on other thread; stack unavailable\n");
  }

  // The logical frames (inlined calls first), and which to print: up to
  // 1.20 the first 100 physical frames, then "...additional frames
  // elided..." if there were that many; from 1.21 the first 50 and last 50
  // logical frames, with the count of those between.
  struct Logical {
    const Frame* frame;
    int location;
  };
  std::vector<Logical> logical;
  int physical = 0;
  for (const Frame& frame : goroutine.frames()) {
    if (hidden) break;
    if (options.go_minor < 21 && physical == kMaxPhysicalFrames) break;
    ++physical;
    for (int i = 0; i < frame.locations_size(); ++i) {
      logical.push_back({&frame, i});
    }
  }
  const int total = static_cast<int>(logical.size());
  for (int n = 0; n < total; ++n) {
    if (options.go_minor >= 21 && total > kInnerFrames + kOuterFrames &&
        n == kInnerFrames) {
      absl::StrAppend(out, "...", total - kInnerFrames - kOuterFrames,
                      " frames elided...\n");
      n = total - kOuterFrames;
    }
    const Frame& frame = *logical[n].frame;
    const Location& at = frame.locations(logical[n].location);
    if (frame.source() == FRAME_SOURCE_NATIVE) {
      // A C frame stitched in (--native), as the runtime prints the frames
      // a cgo traceback function gives it: no arguments, no offset.
      absl::StrAppend(out, at.function(), "\n\t", at.file(), ":", at.line(),
                      " pc=0x", absl::Hex(frame.pc()), "\n");
      continue;
    }
    AppendFunctionName(at.function(), out);
    if (at.inlined()) {
      absl::StrAppend(out, "(...)\n\t", at.file(), ":", at.line(), "\n");
      continue;
    }
    absl::StrAppend(out, "(", frame.arguments(), ")\n\t", at.file(), ":",
                    at.line());
    if (frame.pc() > frame.entry()) {
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
        AppendDeferredCall(call, out);
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
                    options.go_minor >= 21 ? goroutine.parent_id() : 0, out);
  }
  for (const Ancestor& ancestor : goroutine.ancestors()) {
    AppendAncestor(ancestor, options, out);
  }
}

const Location* ShownCreator(const Goroutine& goroutine) {
  return goroutine.id() != 1 && goroutine.has_created_by()
             ? &goroutine.created_by()
             : nullptr;
}

}  // namespace gentrace::render
