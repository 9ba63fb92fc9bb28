#include "proto/convert.h"

#include "google/protobuf/util/json_util.h"

namespace gentrace {

FuncId ToProto(symtab::FuncId id) {
  // The proto enum lists the same values in the same order (checked by
  // small_parts_test).
  return static_cast<FuncId>(static_cast<int>(id));
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
