#include "proto/convert.h"

#include "google/protobuf/util/json_util.h"

namespace gentrace {

// Each C++ enumerator is named (-Wswitch), and convert_test checks each
// lands on the proto enumerator of its name and every one is reached.
FuncId ToProto(symtab::FuncId id) {
  switch (id) {
    case symtab::FuncId::kNormal:
      return FUNC_ID_NORMAL;
    case symtab::FuncId::kAbort:
      return FUNC_ID_ABORT;
    case symtab::FuncId::kAsmcgocall:
      return FUNC_ID_ASMCGOCALL;
    case symtab::FuncId::kAsyncPreempt:
      return FUNC_ID_ASYNC_PREEMPT;
    case symtab::FuncId::kCgocallback:
      return FUNC_ID_CGOCALLBACK;
    case symtab::FuncId::kCorostart:
      return FUNC_ID_COROSTART;
    case symtab::FuncId::kDebugCallV1:
      return FUNC_ID_DEBUG_CALL_V1;
    case symtab::FuncId::kDebugCallV2:
      return FUNC_ID_DEBUG_CALL_V2;
    case symtab::FuncId::kExternalthreadhandler:
      return FUNC_ID_EXTERNALTHREADHANDLER;
    case symtab::FuncId::kGcBgMarkWorker:
      return FUNC_ID_GC_BG_MARK_WORKER;
    case symtab::FuncId::kGoexit:
      return FUNC_ID_GOEXIT;
    case symtab::FuncId::kGogo:
      return FUNC_ID_GOGO;
    case symtab::FuncId::kGopanic:
      return FUNC_ID_GOPANIC;
    case symtab::FuncId::kHandleAsyncEvent:
      return FUNC_ID_HANDLE_ASYNC_EVENT;
    case symtab::FuncId::kJmpdefer:
      return FUNC_ID_JMPDEFER;
    case symtab::FuncId::kMcall:
      return FUNC_ID_MCALL;
    case symtab::FuncId::kMorestack:
      return FUNC_ID_MORESTACK;
    case symtab::FuncId::kMstart:
      return FUNC_ID_MSTART;
    case symtab::FuncId::kPanicwrap:
      return FUNC_ID_PANICWRAP;
    case symtab::FuncId::kRt0Go:
      return FUNC_ID_RT0_GO;
    case symtab::FuncId::kRunCleanups:
      return FUNC_ID_RUN_CLEANUPS;
    case symtab::FuncId::kRunFinalizers:
      return FUNC_ID_RUN_FINALIZERS;
    case symtab::FuncId::kRunfinq:
      return FUNC_ID_RUNFINQ;
    case symtab::FuncId::kRuntimeMain:
      return FUNC_ID_RUNTIME_MAIN;
    case symtab::FuncId::kSigpanic:
      return FUNC_ID_SIGPANIC;
    case symtab::FuncId::kSystemstack:
      return FUNC_ID_SYSTEMSTACK;
    case symtab::FuncId::kSystemstackSwitch:
      return FUNC_ID_SYSTEMSTACK_SWITCH;
    case symtab::FuncId::kWrapper:
      return FUNC_ID_WRAPPER;
    case symtab::FuncId::kUnknown:
      return FUNC_ID_UNKNOWN;
  }
  return FUNC_ID_UNKNOWN;
}

StopReason ToProto(unwind::StopReason reason) {
  switch (reason) {
    case unwind::StopReason::kNone:
      return STOP_REASON_UNSPECIFIED;
    case unwind::StopReason::kTopOfStack:
      return STOP_REASON_TOP_OF_STACK;
    case unwind::StopReason::kUnknownPc:
      return STOP_REASON_UNKNOWN_PC;
    case unwind::StopReason::kUnreadableMemory:
      return STOP_REASON_UNREADABLE_MEMORY;
    case unwind::StopReason::kStackSwitch:
      return STOP_REASON_STACK_SWITCH;
    case unwind::StopReason::kSpWrite:
      return STOP_REASON_SPWRITE;
    case unwind::StopReason::kFrameLimit:
      return STOP_REASON_FRAME_LIMIT;
    case unwind::StopReason::kNoProgress:
      return STOP_REASON_NO_PROGRESS;
    case unwind::StopReason::kCorruptMetadata:
      return STOP_REASON_CORRUPT_METADATA;
    case unwind::StopReason::kUnrecognizedCode:
      return STOP_REASON_UNRECOGNIZED_CODE;
  }
  return STOP_REASON_UNSPECIFIED;
}

DeferKind ToProto(goruntime::DeferKind kind) {
  switch (kind) {
    case goruntime::DeferKind::kHeap:
      return DEFER_KIND_HEAP;
    case goruntime::DeferKind::kStack:
      return DEFER_KIND_STACK;
    case goruntime::DeferKind::kOpenCoded:
      return DEFER_KIND_OPEN_CODED;
  }
  return DEFER_KIND_UNSPECIFIED;
}

void ToProto(const symtab::SourceFrame& frame, Location* location) {
  location->set_function(std::string(frame.function));
  location->set_file(std::string(frame.file));
  location->set_line(frame.line);
  location->set_inlined(frame.inlined);
}

Module ModuleOf(const symtab::Binary& binary) {
  Module module;
  module.set_path(binary.path());
  module.set_arch(std::string(binary.goarch()));
  if (binary.build_info()) {
    module.set_go_version(binary.build_info()->go_version);
    module.set_main_module(binary.build_info()->main_module);
  }
  module.set_pclntab_format(
      std::string(symtab::PclntabFormatName(binary.pclntab().format())));
  module.set_go_build_id(binary.go_build_id());
  module.set_gnu_build_id(binary.gnu_build_id());
  module.set_text_start(binary.pclntab().min_pc());
  module.set_text_end(binary.pclntab().max_pc());
  return module;
}

absl::StatusOr<std::string> ToJsonLine(
    const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = false;
  std::string json;
  auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(std::string(status.message()));
  }
  return json;
}

}  // namespace gentrace
