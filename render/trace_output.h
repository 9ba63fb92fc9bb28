#ifndef GENTRACE_RENDER_TRACE_OUTPUT_H_
#define GENTRACE_RENDER_TRACE_OUTPUT_H_

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "proto/gentrace.pb.h"
#include "render/goroutine_groups.h"
#include "render/goroutine_profile.h"
#include "render/html_report.h"
#include "render/runtime_text.h"

namespace gentrace::render {

// A thread as GOTRACEBACK=crash prints frames: function, file:line,
// inlined calls, fp= sp= pc=; then why the walk stopped.
void AppendThreadText(const Thread& thread, std::string* out);

// One thread as `gentrace unwind` prints it: AppendThreadText's text, or
// the Thread message's JSON line ("json").
absl::StatusOr<std::string> ThreadOutput(const Thread& thread,
                                         absl::string_view format);

// A Trace of threads: its binary encoding ("proto"), its JSON ("json"), or
// the reason and each thread as AppendThreadText does; with goroutines (a
// capture in a Go program's C code: the goroutine whose cgo call it is,
// its C frames first), those in the thread's place, as
// AppendGoroutineText prints them with `text`.
absl::StatusOr<std::string> ThreadTraceOutput(
    const Trace& trace, absl::string_view format,
    const RuntimeTextOptions& text = {});

// ThreadTraceOutput to stdout; with text, the trace's notes to stderr.
absl::Status WriteThreadTrace(const Trace& trace, absl::string_view format,
                              const RuntimeTextOptions& text = {});

struct TraceOutputOptions {
  RuntimeTextOptions text;
  // "pprof": one sample per goroutine or per stack.
  GoroutineProfile::Samples profile_samples =
      GoroutineProfile::Samples::kPerGoroutine;
  // Text, JSON and proto: goroutines collapsed into groups at this level.
  // "html" always groups, by pcs unless told.
  std::optional<GroupBy> group = std::nullopt;
  HtmlReportOptions html = {};
};

// The output of `core` and `pid`, built a thread or goroutine at a time so
// that memory holds rendered output, not every message: as text (threads'
// and goroutines' blocks in the order they are added, goroutines in the
// runtime's format; notes to stderr), as the Trace message that would hold
// them all, in JSON ("json") or binary ("proto"), as a gzipped pprof
// goroutine profile ("pprof": goroutines only; notes become its comments),
// or as an HTML page of grouped goroutines ("html"). Grouped, goroutines
// are held as groups and written at Write, largest first.
class TraceOutput {
 public:
  // When to write to `file`: as the output accumulates (a core: nothing is
  // held still meanwhile, and memory stays small), or all at Write (a live
  // process, which runs again before a slow reader of the output is waited
  // on). JSON is written at Write either way: its fields come in order.
  enum class Flush { kAsItComes, kAtWrite };
  TraceOutput(absl::string_view format, const TraceOutputOptions& options,
              const Module& module, std::FILE* file, Flush flush);
  void AddThread(const Thread& thread);
  void AddGoroutine(const Goroutine& goroutine);
  // The report a signal made, before any goroutine: as text, the first
  // thread's part now, the goroutines after it (the one it interrupted left
  // out, as the runtime leaves it out, and running ones without their
  // stacks), then at Write that thread's registers and the other threads'
  // parts, "-----" after each that relayed the signal.
  void AddSignalReports(const std::vector<SignalReport>& reports);
  // Throws on an M's scheduler stack (Trace.runtime_stacks), before any
  // goroutine and signal report: as text, each as the runtime prints it
  // (AppendRuntimeStackText), grouped or not.
  void AddRuntimeStacks(const std::vector<Goroutine>& g0s);
  void AddNote(std::string note) { notes_.push_back(std::move(note)); }
  // Writes the rest; the first failure to render or write, if any.
  absl::Status Write();

 private:
  enum class Kind { kText, kJson, kProto, kPprof, kHtml };
  // The groups, each as the format has it.
  void AddGroups();
  // A thread or goroutine as JSON (comma-separated) or as a Trace field.
  void AddMessage(const google::protobuf::Message& message, int field,
                  std::string* out);
  // A thread or goroutine: its message into `json` or the wire form, or its
  // text; then written out if it is time.
  void Add(const google::protobuf::Message& message, int field,
           std::string* json,
           absl::FunctionRef<void(std::string*)> append_text);
  // Writes out what has accumulated in text_or_proto_, past `threshold`.
  void FlushPast(size_t threshold);

  absl::Status status_;
  Kind kind_;
  TraceOutputOptions options_;
  Module module_message_;  // html
  std::FILE* file_;
  Flush flush_;
  std::string module_;  // JSON
  // JSON's threads and goroutines, each field's elements comma-separated.
  std::string threads_, goroutines_, groups_, signal_reports_, runtime_stacks_;
  std::vector<SignalReport> text_signal_reports_;
  // Text, or the Trace's wire form, in the order added (a message's fields
  // may come in any order on the wire).
  std::string text_or_proto_;
  bool added_any_ = false;
  std::vector<std::string> notes_;
  std::optional<GoroutineProfile> profile_;  // pprof
  std::optional<GoroutineGrouper> grouper_;
};

}  // namespace gentrace::render

#endif  // GENTRACE_RENDER_TRACE_OUTPUT_H_
