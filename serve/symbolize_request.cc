#include "serve/symbolize_request.h"

#include <cstddef>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace gentrace::serve {
namespace {

// A cursor over the plain form's tokens; every method answers false or
// nullopt for what the plain form does not allow.
class PlainJson {
 public:
  explicit PlainJson(absl::string_view text) : text_(text) {}

  // Takes `c` after any whitespace.
  bool Take(char c) {
    SkipSpace();
    if (at_ == text_.size() || text_[at_] != c) return false;
    ++at_;
    return true;
  }
  // A string of printable ASCII with no escape.
  std::optional<absl::string_view> String() {
    if (!Take('"')) return std::nullopt;
    const size_t start = at_;
    for (; at_ < text_.size(); ++at_) {
      const char c = text_[at_];
      if (c == '"') return text_.substr(start, at_++ - start);
      if (c < 0x20 || c > 0x7e || c == '\\') return std::nullopt;
    }
    return std::nullopt;
  }
  std::optional<bool> Bool() {
    SkipSpace();
    for (const bool value : {true, false}) {
      const absl::string_view word = value ? "true" : "false";
      if (text_.substr(at_, word.size()) == word) {
        at_ += word.size();
        return value;
      }
    }
    return std::nullopt;
  }
  bool AtEnd() {
    SkipSpace();
    return at_ == text_.size();
  }

 private:
  void SkipSpace() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' ||
                                  text_[at_] == '\n' || text_[at_] == '\r')) {
      ++at_;
    }
  }

  absl::string_view text_;
  size_t at_ = 0;
};

}  // namespace

std::optional<SymbolizeRequest> ReadPlainSymbolizeRequest(
    absl::string_view json) {
  PlainJson in(json);
  SymbolizeRequest request;
  if (!in.Take('{')) return std::nullopt;
  bool has_build_id = false, has_pcs = false, has_callers = false;
  if (!in.Take('}')) {
    do {
      const std::optional<absl::string_view> key = in.String();
      if (!key || !in.Take(':')) return std::nullopt;
      if ((*key == "buildId" || *key == "build_id") && !has_build_id) {
        has_build_id = true;
        const std::optional<absl::string_view> id = in.String();
        if (!id) return std::nullopt;
        request.set_build_id(std::string(*id));
      } else if (*key == "pcs" && !has_pcs) {
        has_pcs = true;
        if (!in.Take('[')) return std::nullopt;
        if (!in.Take(']')) {
          do {
            const std::optional<absl::string_view> pc = in.String();
            if (!pc) return std::nullopt;
            request.add_pcs(std::string(*pc));
          } while (in.Take(','));
          if (!in.Take(']')) return std::nullopt;
        }
      } else if (*key == "callers" && !has_callers) {
        has_callers = true;
        const std::optional<bool> callers = in.Bool();
        if (!callers) return std::nullopt;
        request.set_callers(*callers);
      } else {
        return std::nullopt;
      }
    } while (in.Take(','));
    if (!in.Take('}')) return std::nullopt;
  }
  if (!in.AtEnd()) return std::nullopt;
  return request;
}

absl::StatusOr<SymbolizeRequest> ParseSymbolizeRequest(absl::string_view json) {
  if (std::optional<SymbolizeRequest> plain = ReadPlainSymbolizeRequest(json)) {
    return *std::move(plain);
  }
  SymbolizeRequest request;
  if (auto parsed = google::protobuf::util::JsonStringToMessage(
          google::protobuf::StringPiece(json.data(), json.size()), &request);
      !parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not a SymbolizeRequest: ", std::string(parsed.message())));
  }
  return request;
}

}  // namespace gentrace::serve
