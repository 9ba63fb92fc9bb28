#ifndef GENTRACE_SERVE_SYMBOLIZE_REQUEST_H_
#define GENTRACE_SERVE_SYMBOLIZE_REQUEST_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/gentrace.pb.h"

namespace gentrace::serve {

// A SymbolizeRequest from its JSON (protobuf's JSON mapping; proto field
// names accepted too); InvalidArgumentError saying why not.
absl::StatusOr<SymbolizeRequest> ParseSymbolizeRequest(absl::string_view json);

// The same for the plain form clients send: one object holding each of
// "buildId" (or "build_id"), "pcs" (an array of strings) and "callers"
// (true or false) at most once, strings of printable ASCII without
// escapes, JSON whitespace between. Read by hand, several times faster
// than protobuf's parser, which ParseSymbolizeRequest falls back to for
// anything else (nullopt here): where this answers, protobuf's parser
// gives the same message.
std::optional<SymbolizeRequest> ReadPlainSymbolizeRequest(
    absl::string_view json);

}  // namespace gentrace::serve

#endif  // GENTRACE_SERVE_SYMBOLIZE_REQUEST_H_
