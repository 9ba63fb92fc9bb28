#ifndef GENTRACE_PROTO_CONVERT_H_
#define GENTRACE_PROTO_CONVERT_H_

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "goruntime/pending_defers.h"
#include "proto/gentrace.pb.h"
#include "symtab/binary.h"
#include "symtab/func_id.h"
#include "symtab/pclntab.h"
#include "traceback/frame.h"
#include "unwind/go_unwinder.h"

namespace gentrace {

// Library values as trace messages: each C++ enum maps onto its proto
// enum by name, case by case (convert_test proves every value round-trips).
FuncId ToProto(symtab::FuncId id);
StopReason ToProto(unwind::StopReason reason);
DeferKind ToProto(goruntime::DeferKind kind);
FrameSource ToProto(traceback::FrameSource source);
ReportCause ToProto(traceback::ReportCause cause);

// A trace assembled by traceback/ written into its messages (moved from).
void ToProto(traceback::Frame&& frame, Frame* out);
void ToProto(traceback::Thread&& thread, Thread* out);
void ToProto(traceback::Goroutine&& goroutine, Goroutine* out);
void ToProto(traceback::SignalReport&& report, SignalReport* out);
void ToProto(const symtab::SourceFrame& frame, Location* location);
Module ModuleOf(const symtab::Binary& binary);

// A binary as the service's store describes it: its build IDs, GOARCH, Go
// release and `size` in bytes.
BinaryInfo BinaryInfoOf(const symtab::Binary& binary, uint64_t size);

// The standard protobuf JSON of `message` on one line, every field shown
// (zero values included), so consumers need no defaults.
absl::StatusOr<std::string> ToJsonLine(
    const google::protobuf::Message& message);

}  // namespace gentrace

#endif  // GENTRACE_PROTO_CONVERT_H_
