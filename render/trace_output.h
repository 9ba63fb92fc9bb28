#ifndef GENTRACE_RENDER_TRACE_OUTPUT_H_
#define GENTRACE_RENDER_TRACE_OUTPUT_H_

#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "proto/gentrace.pb.h"
#include "render/runtime_text.h"

namespace gentrace::render {

// A thread as GOTRACEBACK=crash prints frames: function, file:line,
// inlined calls, fp= sp= pc=; then why the walk stopped.
void AppendThreadText(const Thread& thread, std::string* out);

// Writes a Trace of threads to stdout: its binary encoding ("proto"), its
// JSON ("json"), or the reason and each thread as AppendThreadText does.
absl::Status WriteThreadTrace(const Trace& trace, absl::string_view format);

// The output of `core` and `pid`, built a thread or goroutine at a time so
// that memory holds rendered output, not every message: as text (goroutines
// in the runtime's format; notes to stderr), or as the Trace message that
// would hold them all, in JSON ("json") or binary ("proto").
class TraceOutput {
 public:
  TraceOutput(absl::string_view format, const RuntimeTextOptions& options,
              const Module& module);
  void AddThread(const Thread& thread);
  void AddGoroutine(const Goroutine& goroutine);
  void AddNote(std::string note) { notes_.push_back(std::move(note)); }
  // Writes everything to `out` (notes of text output to stderr).
  absl::Status Write(std::FILE* out = stdout);

 private:
  enum class Kind { kText, kJson, kProto };
  // A thread or goroutine as JSON (comma-separated) or as a Trace field.
  void AddMessage(const google::protobuf::Message& message, int field,
                  std::string* out);

  absl::Status status_;
  Kind kind_;
  RuntimeTextOptions options_;
  std::string module_;
  std::string threads_;
  std::string goroutines_;
  std::vector<std::string> notes_;
};

}  // namespace gentrace::render

#endif  // GENTRACE_RENDER_TRACE_OUTPUT_H_
