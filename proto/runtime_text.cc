#include "proto/runtime_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace gentrace {
namespace {

// The runtime stops printing a goroutine after this many frames (< 1.21).
constexpr int kMaxPrintedFrames = 100;

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
  absl::StrAppend(out, "goroutine ", goroutine.id(), " [", goroutine.status(),
                  "]:\n");
  if (goroutine.frames().empty() && goroutine.status() == "running") {
    out->append("\tgoroutine running on other thread; stack unavailable\n");
  }
  int printed = 0;
  for (const Frame& frame : goroutine.frames()) {
    if (printed >= kMaxPrintedFrames) {
      out->append("...additional frames elided...\n");
      break;
    }
    for (int i = 0; i < frame.locations_size(); ++i) {
      const Location& at = frame.locations(i);
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
    ++printed;
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
