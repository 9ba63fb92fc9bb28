#include "render/trace_output.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/wrappers.pb.h"
#include "proto/convert.h"
#include "render/runtime_text.h"

namespace gentrace::render {

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
        // Native frames have no Go frame pointer (fp, the caller's SP).
        if (frame.source() != FRAME_SOURCE_NATIVE) {
          absl::StrAppend(out, " fp=0x", absl::Hex(frame.fp()));
        }
        absl::StrAppend(out, " sp=0x", absl::Hex(frame.sp()), " pc=0x",
                        absl::Hex(frame.pc()));
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

namespace {

// Appends a length-delimited field: the wire form of one element of a
// repeated message or string field, so that the Trace message can be
// written one element at a time.
void AppendLengthDelimited(int field, absl::string_view bytes,
                           std::string* out) {
  auto varint = [out](uint64_t value) {
    while (value >= 0x80) {
      out->push_back(static_cast<char>(value | 0x80));
      value >>= 7;
    }
    out->push_back(static_cast<char>(value));
  };
  varint(static_cast<uint64_t>(field) << 3 | 2);
  varint(bytes.size());
  out->append(bytes.data(), bytes.size());
}

}  // namespace

TraceOutput::TraceOutput(absl::string_view format,
                         const RuntimeTextOptions& options,
                         const Module& module)
    : kind_(format == "json"    ? Kind::kJson
            : format == "proto" ? Kind::kProto
                                : Kind::kText),
      options_(options) {
  if (kind_ == Kind::kJson) {
    absl::StatusOr<std::string> json = ToJsonLine(module);
    if (json.ok()) module_ = *json;
    status_.Update(json.status());
  } else if (kind_ == Kind::kProto) {
    AppendLengthDelimited(Trace::kModulesFieldNumber,
                          module.SerializeAsString(), &module_);
  }
}

void TraceOutput::AddMessage(const google::protobuf::Message& message,
                             int field, std::string* out) {
  if (kind_ == Kind::kProto) {
    AppendLengthDelimited(field, message.SerializeAsString(), out);
    return;
  }
  absl::StatusOr<std::string> json = ToJsonLine(message);
  status_.Update(json.status());
  if (json.ok()) absl::StrAppend(out, out->empty() ? "" : ",", *json);
}

void TraceOutput::AddThread(const Thread& thread) {
  if (kind_ != Kind::kText) {
    AddMessage(thread, Trace::kThreadsFieldNumber, &threads_);
    return;
  }
  AppendThreadText(thread, &threads_);
}

void TraceOutput::AddGoroutine(const Goroutine& goroutine) {
  if (kind_ != Kind::kText) {
    AddMessage(goroutine, Trace::kGoroutinesFieldNumber, &goroutines_);
    return;
  }
  if (!goroutines_.empty() || !threads_.empty()) goroutines_ += "\n";
  AppendGoroutineText(goroutine, options_, &goroutines_);
}

absl::Status TraceOutput::Write(std::FILE* file) {
  if (!status_.ok()) return status_;
  std::string out;
  switch (kind_) {
    case Kind::kJson: {
      // The Trace message's JSON, field by field in field-number order.
      // A string's protobuf JSON is its JSON string literal.
      std::vector<std::string> notes;
      for (const std::string& note : notes_) {
        google::protobuf::StringValue value;
        value.set_value(note);
        absl::StatusOr<std::string> json = ToJsonLine(value);
        status_.Update(json.status());
        if (json.ok()) notes.push_back(*json);
      }
      if (!status_.ok()) return status_;
      out = absl::StrCat(
          "{\"modules\":[", module_, "]",
          threads_.empty() ? "" : ",\"threads\":[", threads_,
          threads_.empty() ? "" : "]",
          goroutines_.empty() ? "" : ",\"goroutines\":[", goroutines_,
          goroutines_.empty() ? "" : "]", notes.empty() ? "" : ",\"notes\":[",
          absl::StrJoin(notes, ","), notes.empty() ? "" : "]", "}\n");
      break;
    }
    case Kind::kProto:
      out = absl::StrCat(module_, threads_, goroutines_);
      for (const std::string& note : notes_) {
        AppendLengthDelimited(Trace::kNotesFieldNumber, note, &out);
      }
      break;
    case Kind::kText:
      // Notes say how the output was made; stdout stays the runtime's
      // format.
      for (const std::string& note : notes_) {
        absl::FPrintF(stderr, "gentrace: %s\n", note);
      }
      out = absl::StrCat(threads_, goroutines_);
      break;
  }
  if (std::fwrite(out.data(), 1, out.size(), file) != out.size()) {
    return absl::UnavailableError("writing the output failed");
  }
  return absl::OkStatus();
}

absl::Status WriteThreadTrace(const Trace& trace, absl::string_view format) {
  std::string out;
  if (format == "proto") {
    out = trace.SerializeAsString();
  } else if (format == "json") {
    absl::StatusOr<std::string> json = ToJsonLine(trace);
    if (!json.ok()) return json.status();
    out = *json + "\n";
  } else {
    if (!trace.reason().empty()) absl::StrAppend(&out, trace.reason(), "\n");
    for (const Thread& thread : trace.threads()) AppendThreadText(thread, &out);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return absl::OkStatus();
}

}  // namespace gentrace::render
