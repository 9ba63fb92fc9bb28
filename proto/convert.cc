#include "proto/convert.h"

#include <string>
#include <utility>
#include <vector>

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

FrameSource ToProto(traceback::FrameSource source) {
  switch (source) {
    case traceback::FrameSource::kRegisters:
      return FRAME_SOURCE_REGISTERS;
    case traceback::FrameSource::kPcsp:
      return FRAME_SOURCE_PCSP;
    case traceback::FrameSource::kLinkRegister:
      return FRAME_SOURCE_LINK_REGISTER;
    case traceback::FrameSource::kGoroutineSched:
      return FRAME_SOURCE_GOROUTINE_SCHED;
    case traceback::FrameSource::kSignalContext:
      return FRAME_SOURCE_SIGNAL_CONTEXT;
    case traceback::FrameSource::kNative:
      return FRAME_SOURCE_NATIVE;
    case traceback::FrameSource::kRuntimeText:
      return FRAME_SOURCE_RUNTIME_TEXT;
  }
  return FRAME_SOURCE_UNSPECIFIED;
}

ReportCause ToProto(traceback::ReportCause cause) {
  switch (cause) {
    case traceback::ReportCause::kNone:
      return REPORT_CAUSE_NONE;
    case traceback::ReportCause::kPanic:
      return REPORT_CAUSE_PANIC;
    case traceback::ReportCause::kThrow:
      return REPORT_CAUSE_THROW;
    case traceback::ReportCause::kSignal:
      return REPORT_CAUSE_SIGNAL;
  }
  return REPORT_CAUSE_NONE;
}

namespace {

void LocationToProto(const traceback::Location& location, Location* out) {
  out->mutable_function()->assign(location.function.data(),
                                  location.function.size());
  out->mutable_file()->assign(location.file.data(), location.file.size());
  out->set_line(location.line);
  out->set_inlined(location.inlined);
  out->set_start_line(location.start_line);
}

void SignalToProto(traceback::Signal&& signal, Signal* out) {
  out->set_number(signal.number);
  out->set_name(std::move(signal.name));
  out->set_code(signal.code);
  out->set_addr(signal.addr);
  out->set_pc(signal.pc);
}

void FramesToProto(std::vector<traceback::Frame>&& frames,
                   google::protobuf::RepeatedPtrField<Frame>* out) {
  out->Reserve(static_cast<int>(frames.size()));
  for (traceback::Frame& frame : frames) ToProto(std::move(frame), out->Add());
}

}  // namespace

void ToProto(traceback::Frame&& frame, Frame* out) {
  out->set_pc(frame.pc);
  out->set_sp(frame.sp);
  out->set_fp(frame.fp);
  out->set_entry(frame.entry);
  out->set_func_id(ToProto(frame.func_id));
  out->set_func_flags(frame.func_flags);
  for (const traceback::Location& location : frame.locations) {
    LocationToProto(location, out->add_locations());
  }
  out->set_source(ToProto(frame.source));
  out->set_trap(frame.trap);
  out->set_arguments(std::move(frame.arguments));
  for (const traceback::DeferredCall& deferred : frame.defers) {
    DeferredCall* d = out->add_defers();
    d->set_kind(ToProto(deferred.call.kind));
    d->set_closure(deferred.call.closure);
    d->set_entry(deferred.call.fn);
    if (deferred.function) {
      LocationToProto(*deferred.function, d->mutable_function());
    }
    d->set_record(deferred.call.record);
    d->set_arguments(deferred.call.arguments);
    d->set_argument_bytes(deferred.call.argument_bytes);
  }
}

void ToProto(traceback::Thread&& thread, Thread* out) {
  out->set_tid(thread.tid);
  FramesToProto(std::move(thread.frames), out->mutable_frames());
  out->set_stop_reason(ToProto(thread.stop.reason));
  out->set_stop_detail(std::move(thread.stop.detail));
}

void ToProto(traceback::Goroutine&& goroutine, Goroutine* out) {
  out->set_id(goroutine.id);
  out->set_status(std::move(goroutine.status));
  out->set_wait_reason(std::move(goroutine.wait_reason));
  out->set_wait_minutes(goroutine.wait_minutes);
  FramesToProto(std::move(goroutine.frames), out->mutable_frames());
  out->set_stop_reason(ToProto(goroutine.stop.reason));
  out->set_stop_detail(std::move(goroutine.stop.detail));
  out->set_created_by_pc(goroutine.created_by_pc);
  out->set_parent_id(goroutine.parent_id);
  if (goroutine.created_by) {
    LocationToProto(*goroutine.created_by, out->mutable_created_by());
  }
  out->set_created_by_entry(goroutine.created_by_entry);
  out->set_address(goroutine.address);
  out->set_m_address(goroutine.m_address);
  out->set_m_id(goroutine.m_id);
  out->set_reporting(goroutine.reporting);
  for (traceback::Ancestor& ancestor : goroutine.ancestors) {
    Ancestor* a = out->add_ancestors();
    a->set_id(ancestor.id);
    FramesToProto(std::move(ancestor.frames), a->mutable_frames());
    a->set_created_by_pc(ancestor.created_by_pc);
    if (ancestor.created_by) {
      LocationToProto(*ancestor.created_by, a->mutable_created_by());
    }
    a->set_created_by_entry(ancestor.created_by_entry);
  }
  out->set_panicking(goroutine.panicking);
  for (std::string& problem : goroutine.defer_problems) {
    out->add_defer_problems(std::move(problem));
  }
  out->set_panics(goroutine.panics);
  out->set_panic_recovered(goroutine.panic_recovered);
  for (traceback::PanicValue& panic : goroutine.panic_values) {
    PanicValue* p = out->add_panic_values();
    p->set_value(std::move(panic.value));
    p->set_recovered(panic.recovered);
    p->set_repanicked(panic.repanicked);
    p->set_goexit(panic.goexit);
  }
  if (goroutine.signal) {
    SignalToProto(std::move(*goroutine.signal), out->mutable_signal());
  }
  out->set_report_cause(ToProto(goroutine.report_cause));
  if (goroutine.fatal_error) {
    FatalError* fatal = out->mutable_fatal_error();
    fatal->set_message(std::move(goroutine.fatal_error->message));
    fatal->set_by_program(goroutine.fatal_error->by_program);
    fatal->set_report_pending(goroutine.fatal_error->report_pending);
  }
}

void ToProto(traceback::SignalReport&& report, SignalReport* out) {
  out->set_thread_id(report.tid);
  SignalToProto(std::move(report.signal), out->mutable_signal());
  out->set_fault_address(report.fault_address);
  out->set_m_id(report.m_id);
  out->set_instruction_bytes(std::move(report.instruction_bytes));
  out->set_relayed(report.relayed);
  out->set_in_cgo(report.in_cgo);
  ToProto(std::move(report.interrupted), out->mutable_interrupted());
  if (report.running) {
    ToProto(std::move(*report.running), out->mutable_running());
  }
  for (traceback::SignalReport::Register& reg : report.registers) {
    Register* r = out->add_registers();
    r->set_label(std::move(reg.label));
    r->set_value(reg.value);
    r->set_separator(std::string(1, reg.separator));
  }
}

void ToProto(const symtab::SourceFrame& frame, Location* location) {
  location->set_function(std::string(frame.function));
  location->set_file(std::string(frame.file));
  location->set_line(frame.line);
  location->set_inlined(frame.inlined);
  location->set_start_line(frame.start_line);
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
  module.set_file_format(std::string(binary.format()));
  module.set_file_id(binary.file_id());
  module.set_text_start(binary.pclntab().min_pc());
  module.set_text_end(binary.pclntab().max_pc());
  module.set_text_file_offset(
      binary.elf()
          .FileOffsetOfAddress(binary.pclntab().min_pc() - binary.load_bias())
          .value_or(0));
  return module;
}

BinaryInfo BinaryInfoOf(const symtab::Binary& binary, uint64_t size) {
  BinaryInfo info;
  info.set_go_build_id(binary.go_build_id());
  info.set_gnu_build_id(binary.gnu_build_id());
  info.set_file_id(binary.file_id());
  info.set_goarch(std::string(binary.goarch()));
  if (binary.go_version()) info.set_go_version(binary.go_version()->ToString());
  info.set_size(size);
  return info;
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
