#include "serve/symbolize_request_agreement.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "serve/symbolize_request.h"

namespace gentrace::serve {

std::optional<SymbolizeRequest> ProtobufSymbolizeRequest(
    absl::string_view json) {
  SymbolizeRequest request;
  if (!google::protobuf::util::JsonStringToMessage(
           google::protobuf::StringPiece(json.data(), json.size()), &request)
           .ok()) {
    return std::nullopt;
  }
  return request;
}

absl::StatusOr<std::optional<SymbolizeRequest>> CheckedPlainReading(
    absl::string_view json) {
  std::optional<SymbolizeRequest> plain = ReadPlainSymbolizeRequest(json);
  if (!plain) return std::nullopt;
  const std::optional<SymbolizeRequest> theirs = ProtobufSymbolizeRequest(json);
  if (!theirs) {
    return absl::InternalError(
        absl::StrCat("protobuf refuses ", absl::CEscape(json)));
  }
  if (!google::protobuf::util::MessageDifferencer::Equals(*plain, *theirs)) {
    return absl::InternalError(absl::StrCat(
        absl::CEscape(json), "\nplain: ", plain->ShortDebugString(),
        "\nprotobuf: ", theirs->ShortDebugString()));
  }
  return plain;
}

}  // namespace gentrace::serve
