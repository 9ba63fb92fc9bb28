#ifndef GENTRACE_SYMTAB_HEX_TEXT_H_
#define GENTRACE_SYMTAB_HEX_TEXT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace gentrace::symtab {

// `value` as the Go runtime prints a hex number: "0x" and lowercase digits,
// no padding; written at the end of `buffer`. For the hot paths that print
// one per frame (argument lists, tracebacks, symbolized PCs), where
// absl::Hex's formatting shows in profiles.
inline absl::string_view HexText(uint64_t value, char (&buffer)[18]) {
  char* const end = buffer + sizeof(buffer);
  char* at = end;
  do {
    *--at = "0123456789abcdef"[value & 0xf];
    value >>= 4;
  } while (value != 0);
  *--at = 'x';
  *--at = '0';
  return absl::string_view(at, static_cast<size_t>(end - at));
}

// Appends HexText(value).
inline void AppendHex(uint64_t value, std::string* out) {
  char buffer[18];
  const absl::string_view text = HexText(value, buffer);
  out->append(text.data(), text.size());
}

// Each byte's value as a hex digit, or 0xff for a byte that is not one.
inline constexpr std::array<uint8_t, 256> kHexDigitValues = [] {
  std::array<uint8_t, 256> values{};
  values.fill(0xff);
  for (int c = '0'; c <= '9'; ++c) values[c] = static_cast<uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) {
    values[c] = static_cast<uint8_t>(c - 'a' + 10);
    values[c - 'a' + 'A'] = static_cast<uint8_t>(c - 'a' + 10);
  }
  return values;
}();

// absl::StripAsciiWhitespace, with the test inlined: absl's goes through a
// function pointer that the compiler does not inline, once a byte, which
// showed in the profile of a CLI reading millions of PCs.
inline absl::string_view TrimAsciiWhitespace(absl::string_view text) {
  while (!text.empty() && absl::ascii_isspace(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && absl::ascii_isspace(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

// Parses "0x4a1b2c" or "4a1b2c" (surrounding whitespace ignored): a PC as
// a person, a file or a request gives it. The digits are read without a
// branch per digit: whether the next is a letter or a number cannot be
// predicted, and millions of PCs a second come through here.
inline std::optional<uint64_t> ParseHexAddress(absl::string_view text) {
  text = TrimAsciiWhitespace(text);
  if (absl::StartsWith(text, "0x") || absl::StartsWith(text, "0X")) {
    text.remove_prefix(2);
  }
  if (text.empty() || text.size() > 16) return std::nullopt;
  uint64_t value = 0;
  uint8_t seen = 0;  // every digit's value or'ed: above 15 if one was not
  for (const char c : text) {
    const uint8_t digit = kHexDigitValues[static_cast<uint8_t>(c)];
    seen |= digit;
    value = value << 4 | (digit & 0xf);
  }
  if (seen > 0xf) return std::nullopt;
  return value;
}

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_HEX_TEXT_H_
