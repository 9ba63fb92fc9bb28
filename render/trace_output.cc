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

// Streamed output goes out in writes of about this size.
constexpr size_t kFlushSize = size_t{1} << 20;

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
                         const TraceOutputOptions& options,
                         const Module& module, std::FILE* file, Flush flush)
    : kind_(format == "json"    ? Kind::kJson
            : format == "proto" ? Kind::kProto
            : format == "pprof" ? Kind::kPprof
            : format == "html"  ? Kind::kHtml
                                : Kind::kText),
      options_(options),
      file_(file),
      flush_(flush) {
  if (options.group || kind_ == Kind::kHtml) {
    grouper_.emplace(options.group.value_or(GroupBy::kPcs), options.text);
  }
  if (kind_ == Kind::kPprof && options.group) {
    status_ = absl::InvalidArgumentError(
        "a pprof profile groups by stack with --pprof-group, not --group");
  }
  if (kind_ == Kind::kHtml) {
    module_message_ = module;
  } else if (kind_ == Kind::kJson) {
    absl::StatusOr<std::string> json = ToJsonLine(module);
    if (json.ok()) module_ = *json;
    status_.Update(json.status());
  } else if (kind_ == Kind::kProto) {
    AppendLengthDelimited(Trace::kModulesFieldNumber,
                          module.SerializeAsString(), &text_or_proto_);
  } else if (kind_ == Kind::kPprof) {
    profile_.emplace(module, options.profile_samples);
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

void TraceOutput::FlushPast(size_t threshold) {
  if (text_or_proto_.size() < threshold) return;
  if (status_.ok() &&
      std::fwrite(text_or_proto_.data(), 1, text_or_proto_.size(), file_) !=
          text_or_proto_.size()) {
    status_ = absl::UnavailableError("writing the output failed");
  }
  text_or_proto_.clear();
}

void TraceOutput::Add(const google::protobuf::Message& message, int field,
                      std::string* json,
                      absl::FunctionRef<void(std::string*)> append_text) {
  switch (kind_) {
    case Kind::kJson:
      AddMessage(message, field, json);
      return;
    case Kind::kProto:
      AddMessage(message, field, &text_or_proto_);
      break;
    case Kind::kText:
      append_text(&text_or_proto_);
      break;
    case Kind::kPprof:
    case Kind::kHtml:
      return;  // written whole at Write
  }
  added_any_ = true;
  if (flush_ == Flush::kAsItComes) FlushPast(kFlushSize);
}

void TraceOutput::AddThread(const Thread& thread) {
  if (profile_ || grouper_) {
    status_.Update(absl::InvalidArgumentError(
        profile_ ? "a pprof profile holds goroutines, not threads"
                 : "goroutines are grouped, not threads"));
  }
  Add(thread, Trace::kThreadsFieldNumber, &threads_,
      [&](std::string* out) { AppendThreadText(thread, out); });
}

void TraceOutput::AddGoroutine(const Goroutine& goroutine) {
  if (grouper_) {
    grouper_->Add(goroutine);
    return;
  }
  if (profile_) profile_->Add(goroutine);
  const SignalReport* signal_report =
      text_signal_reports_.empty() ? nullptr : &text_signal_reports_.front();
  if (signal_report != nullptr &&
      goroutine.address() == signal_report->interrupted().address()) {
    return;  // shown in the report's head
  }
  Add(goroutine, Trace::kGoroutinesFieldNumber, &goroutines_,
      [&](std::string* out) {
        if (added_any_) *out += "\n";
        if (signal_report != nullptr && goroutine.reporting() &&
            goroutine.report_cause() != REPORT_CAUSE_NONE) {
          // In a signal's report the first thread lists the goroutines;
          // the running ones print their stacks in their own threads'
          // parts (but its own M's, shown from where it left its stack).
          Goroutine listed = goroutine;
          listed.set_reporting(false);
          AppendGoroutineText(listed, options_.text, out);
          return;
        }
        AppendPanicReport(goroutine, options_.text, out);
        AppendGoroutineText(goroutine, options_.text, out);
      });
}

void TraceOutput::AddSignalReports(const std::vector<SignalReport>& reports) {
  if (reports.empty()) return;
  switch (kind_) {
    case Kind::kJson:
      for (const SignalReport& report : reports) {
        AddMessage(report, Trace::kSignalReportsFieldNumber, &signal_reports_);
      }
      return;
    case Kind::kProto:
      for (const SignalReport& report : reports) {
        AddMessage(report, Trace::kSignalReportsFieldNumber, &text_or_proto_);
      }
      return;
    case Kind::kText:
      if (grouper_) return;  // groups stand alone
      text_signal_reports_ = reports;
      AppendSignalReportHead(reports.front(), /*first=*/true, options_.text,
                             &text_or_proto_);
      added_any_ = true;
      return;
    case Kind::kPprof:
    case Kind::kHtml:
      return;
  }
}

void TraceOutput::AddRuntimeStacks(const std::vector<Goroutine>& g0s) {
  for (const Goroutine& g0 : g0s) {
    switch (kind_) {
      case Kind::kJson:
        AddMessage(g0, Trace::kRuntimeStacksFieldNumber, &runtime_stacks_);
        break;
      case Kind::kProto:
        AddMessage(g0, Trace::kRuntimeStacksFieldNumber, &text_or_proto_);
        break;
      case Kind::kText:
        if (added_any_) text_or_proto_ += "\n";
        AppendRuntimeStackText(g0, options_.text, &text_or_proto_);
        // A pending one's line runs straight into what follows.
        if (!g0.fatal_error().report_pending()) added_any_ = true;
        break;
      case Kind::kPprof:
      case Kind::kHtml:
        break;
    }
  }
}

void TraceOutput::AddGroups() {
  std::vector<GoroutineGroup> groups = std::move(*grouper_).Groups();
  grouper_.reset();
  if (kind_ == Kind::kHtml) {
    AppendHtmlReport(module_message_, groups, notes_, options_.text,
                     options_.html, &text_or_proto_);
    return;
  }
  // A fatal panic's lines above the groups, as above the goroutines.
  if (kind_ == Kind::kText) {
    for (const GoroutineGroup& group : groups) {
      AppendPanicReport(group.goroutine(), options_.text, &text_or_proto_);
    }
  }
  for (const GoroutineGroup& group : groups) {
    Add(group, Trace::kGoroutineGroupsFieldNumber, &groups_,
        [&](std::string* out) {
          if (added_any_) *out += "\n";
          AppendGroupText(group, options_.text, out);
        });
  }
}

absl::Status TraceOutput::Write() {
  if (grouper_) AddGroups();
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
      text_or_proto_ = absl::StrCat(
          "{\"modules\":[", module_, "]",
          threads_.empty() ? "" : ",\"threads\":[", threads_,
          threads_.empty() ? "" : "]",
          goroutines_.empty() ? "" : ",\"goroutines\":[", goroutines_,
          goroutines_.empty() ? "" : "]", notes.empty() ? "" : ",\"notes\":[",
          absl::StrJoin(notes, ","), notes.empty() ? "" : "]",
          groups_.empty() ? "" : ",\"goroutineGroups\":[", groups_,
          groups_.empty() ? "" : "]",
          signal_reports_.empty() ? "" : ",\"signalReports\":[",
          signal_reports_, signal_reports_.empty() ? "" : "]",
          runtime_stacks_.empty() ? "" : ",\"runtimeStacks\":[",
          runtime_stacks_, runtime_stacks_.empty() ? "" : "]", "}\n");
      break;
    }
    case Kind::kProto:
      for (const std::string& note : notes_) {
        AppendLengthDelimited(Trace::kNotesFieldNumber, note, &text_or_proto_);
      }
      break;
    case Kind::kPprof: {
      for (const std::string& note : notes_) profile_->AddComment(note);
      absl::StatusOr<std::string> encoded = profile_->Encode();
      status_.Update(encoded.status());
      if (encoded.ok()) text_or_proto_ = *std::move(encoded);
      break;
    }
    case Kind::kHtml:
      break;  // the notes are in the page
    case Kind::kText:
      // The rest of a signal's report: after the goroutines a blank line
      // and the first thread's registers, then each other thread's part;
      // "-----" after each that relayed the signal.
      for (size_t i = 0; i < text_signal_reports_.size(); ++i) {
        const SignalReport& report = text_signal_reports_[i];
        if (i == 0) {
          text_or_proto_ += "\n";
        } else {
          AppendSignalReportHead(report, /*first=*/false, options_.text,
                                 &text_or_proto_);
        }
        AppendSignalReportRegisters(report, &text_or_proto_);
        if (report.relayed()) text_or_proto_ += "\n-----\n\n";
      }
      // Notes say how the output was made; stdout stays the runtime's
      // format.
      for (const std::string& note : notes_) {
        absl::FPrintF(stderr, "gentrace: %s\n", note);
      }
      break;
  }
  if (!status_.ok()) return status_;
  FlushPast(0);
  return status_;
}

absl::StatusOr<std::string> ThreadOutput(const Thread& thread,
                                         absl::string_view format) {
  if (format == "json") {
    absl::StatusOr<std::string> json = ToJsonLine(thread);
    if (!json.ok()) return json.status();
    return *json + "\n";
  }
  std::string out;
  AppendThreadText(thread, &out);
  return out;
}

absl::StatusOr<std::string> ThreadTraceOutput(const Trace& trace,
                                              absl::string_view format,
                                              const RuntimeTextOptions& text) {
  if (format == "proto") return trace.SerializeAsString();
  if (format == "json") {
    absl::StatusOr<std::string> json = ToJsonLine(trace);
    if (!json.ok()) return json.status();
    return *json + "\n";
  }
  std::string out;
  if (!trace.reason().empty()) absl::StrAppend(&out, trace.reason(), "\n");
  for (const Goroutine& goroutine : trace.goroutines()) {
    if (!out.empty()) out += "\n";
    AppendGoroutineText(goroutine, text, &out);
  }
  if (trace.goroutines().empty()) {
    for (const Thread& thread : trace.threads()) {
      AppendThreadText(thread, &out);
    }
  }
  return out;
}

absl::Status WriteThreadTrace(const Trace& trace, absl::string_view format,
                              const RuntimeTextOptions& text) {
  absl::StatusOr<std::string> out = ThreadTraceOutput(trace, format, text);
  if (!out.ok()) return out.status();
  // Notes say how the output was made; stdout stays the trace.
  if (format != "proto" && format != "json") {
    for (const std::string& note : trace.notes()) {
      absl::FPrintF(stderr, "gentrace: %s\n", note);
    }
  }
  std::fwrite(out->data(), 1, out->size(), stdout);
  return absl::OkStatus();
}

}  // namespace gentrace::render
