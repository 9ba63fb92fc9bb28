#include "proto/runtime_text.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace gentrace {
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
    AppendFunctionName(at.function(), out);
    if (at.inlined()) {
      absl::StrAppend(out, "(...)\n\t", at.file(), ":", at.line(), "\n");
      continue;
    }
    absl::StrAppend(out, "(", frame.arguments(), ")\n\t", at.file(), ":",
                    at.line());
    if (frame.pc() > frame.entry()) {
      absl::StrAppend(out, " +0x", absl::Hex(frame.pc() - frame.entry()));
    }
    if (options.frame_addresses) {
      absl::StrAppend(out, " fp=0x", absl::Hex(frame.fp()), " sp=0x",
                      absl::Hex(frame.sp()), " pc=0x", absl::Hex(frame.pc()));
    }
    out->append("\n");
  }
  if (options.go_minor < 21 && physical == kMaxPhysicalFrames) {
    out->append("...additional frames elided...\n");
  }

  // The main goroutine's creator is not shown.
  if (goroutine.id() != 1 && goroutine.has_created_by()) {
    const Location& at = goroutine.created_by();
    out->append("created by ");
    AppendFunctionName(at.function(), out);
    if (options.go_minor >= 21 && goroutine.parent_id() != 0) {
      absl::StrAppend(out, " in goroutine ", goroutine.parent_id());
    }
    absl::StrAppend(out, "\n\t", at.file(), ":", at.line());
    if (goroutine.created_by_pc() > goroutine.created_by_entry()) {
      absl::StrAppend(
          out, " +0x",
          absl::Hex(goroutine.created_by_pc() - goroutine.created_by_entry()));
    }
    out->append("\n");
  }
}

}  // namespace gentrace
