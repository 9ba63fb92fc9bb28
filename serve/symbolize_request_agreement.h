#ifndef GENTRACE_SERVE_SYMBOLIZE_REQUEST_AGREEMENT_H_
#define GENTRACE_SERVE_SYMBOLIZE_REQUEST_AGREEMENT_H_

// Test support: the plain SymbolizeRequest reader against protobuf's own
// JSON parser, for symbolize_request_test and the request fuzzer.

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/gentrace.pb.h"

namespace gentrace::serve {

// What protobuf's JSON parser alone makes of `json`; nullopt if it refuses.
std::optional<SymbolizeRequest> ProtobufSymbolizeRequest(
    absl::string_view json);

// ReadPlainSymbolizeRequest's reading of `json` (nullopt where it does not
// answer); an InternalError saying how, where it answered and protobuf's
// parser refuses `json` or reads another message from it.
absl::StatusOr<std::optional<SymbolizeRequest>> CheckedPlainReading(
    absl::string_view json);

}  // namespace gentrace::serve

#endif  // GENTRACE_SERVE_SYMBOLIZE_REQUEST_AGREEMENT_H_
