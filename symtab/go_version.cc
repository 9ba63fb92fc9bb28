#include "symtab/go_version.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace gentrace::symtab {
namespace {

// Reads a decimal number at text[*pos], advancing *pos; nullopt if none.
std::optional<int> ReadNumber(absl::string_view text, size_t* pos) {
  int value = 0;
  size_t start = *pos;
  while (*pos < text.size() && absl::ascii_isdigit(text[*pos]) &&
         *pos - start < 6) {
    value = value * 10 + (text[*pos] - '0');
    ++*pos;
  }
  if (*pos == start) return std::nullopt;
  return value;
}

}  // namespace

std::optional<GoVersion> GoVersion::Parse(absl::string_view text) {
  size_t at = text.find("go1.");
  if (at == absl::string_view::npos) return std::nullopt;
  size_t pos = at + 4;
  std::optional<int> minor = ReadNumber(text, &pos);
  if (!minor) return std::nullopt;
  GoVersion version;
  version.minor = *minor;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    version.patch = ReadNumber(text, &pos).value_or(0);
  }
  return version;
}

std::string GoVersion::ToString() const {
  return patch == 0 ? absl::StrCat("go1.", minor)
                    : absl::StrCat("go1.", minor, ".", patch);
}

}  // namespace gentrace::symtab
