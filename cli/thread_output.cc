#include "cli/thread_output.h"

#include <cstdio>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "proto/convert.h"
#include "proto/runtime_text.h"
#include "proto/walk.h"

namespace gentrace::cli {

Thread UnwindRegisters(const symtab::Binary& binary,
                       const unwind::ArchInfo& arch,
                       const symtab::AddressSpace& memory,
                       const unwind::Registers& registers) {
  Thread thread;
  std::optional<uint64_t> pc = registers.Pc(arch);
  std::optional<uint64_t> sp = registers.Sp(arch);
  if (!pc || !sp) {
    thread.set_stop_reason(STOP_REASON_UNREADABLE_MEMORY);
    thread.set_stop_detail("no pc or sp register");
    return thread;
  }
  WalkEnd end = AppendWalk(
      binary, arch, memory,
      {*pc, *sp, registers.Lr(arch), /*trap=*/true, FRAME_SOURCE_REGISTERS},
      thread.mutable_frames());
  thread.set_stop_reason(end.reason);
  thread.set_stop_detail(end.detail);
  return thread;
}

void AppendThreadText(const Thread& thread, std::string* out) {
  if (thread.tid() != 0) absl::StrAppend(out, "thread ", thread.tid(), ":\n");
  for (const Frame& frame : thread.frames()) {
    bool physical_line = true;
    for (int i = 0; i < frame.locations_size(); ++i) {
      const Location& loc = frame.locations(i);
      const bool last = i + 1 == frame.locations_size();
      absl::StrAppend(out, "  ", loc.function(), "\n      ", loc.file(), ":",
                      loc.line());
      if (last) {
        absl::StrAppend(out, " fp=0x", absl::Hex(frame.fp()), " sp=0x",
                        absl::Hex(frame.sp()), " pc=0x", absl::Hex(frame.pc()));
        physical_line = false;
      } else {
        absl::StrAppend(out, " (inlined)");
      }
      absl::StrAppend(out, "\n");
    }
    if (physical_line) {
      absl::StrAppend(out, "  ? fp=0x", absl::Hex(frame.fp()), " sp=0x",
                      absl::Hex(frame.sp()), " pc=0x", absl::Hex(frame.pc()),
                      "\n");
    }
  }
  absl::StrAppend(out, "  stop: ", StopReason_Name(thread.stop_reason()),
                  thread.stop_detail().empty() ? "" : ": ",
                  thread.stop_detail(), "\n\n");
}

TraceOutput::TraceOutput(absl::string_view format,
                         const RuntimeTextOptions& options,
                         const Module& module)
    : json_(format == "json"), options_(options) {
  if (json_) {
    absl::StatusOr<std::string> json = ToJsonLine(module);
    if (json.ok()) module_json_ = *json;
    status_.Update(json.status());
  }
}

void TraceOutput::AddThread(const Thread& thread) {
  if (!json_) {
    AppendThreadText(thread, &threads_);
    return;
  }
  absl::StatusOr<std::string> json = ToJsonLine(thread);
  status_.Update(json.status());
  if (json.ok()) absl::StrAppend(&threads_, threads_.empty() ? "" : ",", *json);
}

void TraceOutput::AddGoroutine(const Goroutine& goroutine) {
  if (!json_) {
    if (!goroutines_.empty() || !threads_.empty()) goroutines_ += "\n";
    AppendGoroutineText(goroutine, options_, &goroutines_);
    return;
  }
  absl::StatusOr<std::string> json = ToJsonLine(goroutine);
  status_.Update(json.status());
  if (json.ok()) {
    absl::StrAppend(&goroutines_, goroutines_.empty() ? "" : ",", *json);
  }
}

absl::Status TraceOutput::Write() {
  if (!status_.ok()) return status_;
  std::string out;
  if (json_) {
    // The Trace message's JSON, field by field in field-number order.
    std::vector<std::string> notes;
    for (const std::string& note : notes_) {
      notes.push_back(absl::StrCat("\"", absl::CEscape(note), "\""));
    }
    out = absl::StrCat(
        "{\"modules\":[", module_json_, "]",
        threads_.empty() ? "" : ",\"threads\":[", threads_,
        threads_.empty() ? "" : "]",
        goroutines_.empty() ? "" : ",\"goroutines\":[", goroutines_,
        goroutines_.empty() ? "" : "]", notes.empty() ? "" : ",\"notes\":[",
        absl::StrJoin(notes, ","), notes.empty() ? "" : "]", "}\n");
  } else {
    // Notes say how the output was made; stdout stays the runtime's format.
    for (const std::string& note : notes_) {
      absl::FPrintF(stderr, "gentrace: %s\n", note);
    }
  }
  const std::string& text = json_ ? out : threads_;
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (!json_) std::fwrite(goroutines_.data(), 1, goroutines_.size(), stdout);
  return absl::OkStatus();
}

}  // namespace gentrace::cli
