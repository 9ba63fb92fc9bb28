#ifndef GENTRACE_SYMTAB_HEX_TEXT_H_
#define GENTRACE_SYMTAB_HEX_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace gentrace::symtab {

// Appends `value` as the Go runtime prints a hex number: "0x" and lowercase
// digits, no padding. For the hot paths that print one per frame (argument
// lists, tracebacks, symbolized PCs), where absl::Hex's formatting shows in
// profiles.
inline void AppendHex(uint64_t value, std::string* out) {
  char text[18];
  char* end = text + sizeof(text);
  char* at = end;
  do {
    *--at = "0123456789abcdef"[value & 0xf];
    value >>= 4;
  } while (value != 0);
  *--at = 'x';
  *--at = '0';
  out->append(at, static_cast<size_t>(end - at));
}

// Parses "0x4a1b2c" or "4a1b2c" (surrounding whitespace ignored): a PC as
// a person, a file or a request gives it.
inline std::optional<uint64_t> ParseHexAddress(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (absl::StartsWith(text, "0x") || absl::StartsWith(text, "0X")) {
    text.remove_prefix(2);
  }
  if (text.empty() || text.size() > 16) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (!absl::ascii_isxdigit(c)) return std::nullopt;
    const int digit =
        absl::ascii_isdigit(c) ? c - '0' : absl::ascii_tolower(c) - 'a' + 10;
    value = value << 4 | digit;
  }
  return value;
}

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_HEX_TEXT_H_
