#include "serve/build_id.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace gentrace::serve {
namespace {

constexpr size_t kMaxGnuDigits = 128;
constexpr size_t kMaxGoLength = 256;

bool IsHex(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// base64url (what the go command writes build IDs in) and '/' between
// parts: no empty part, none at either end.
bool IsGoBuildId(absl::string_view s) {
  if (s.empty() || s.size() > kMaxGoLength || s.front() == '/' ||
      s.back() == '/') {
    return false;
  }
  char previous = 0;
  for (char c : s) {
    const bool ok = absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                    c == '-' || c == '_' || (c == '/' && previous != '/');
    if (!ok) return false;
    previous = c;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::string> BuildIdFileName(absl::string_view build_id) {
  if (build_id.size() >= 2 && build_id.size() <= kMaxGnuDigits &&
      build_id.size() % 2 == 0 && IsHex(build_id)) {
    return absl::StrCat("gnu-", absl::AsciiStrToLower(build_id));
  }
  if (IsGoBuildId(build_id)) {
    return absl::StrCat("go-", absl::StrReplaceAll(build_id, {{"/", "."}}));
  }
  return absl::InvalidArgumentError(
      "not a build ID: a GNU build ID is hex, a Go build ID base64url parts "
      "separated by '/'");
}

}  // namespace gentrace::serve
