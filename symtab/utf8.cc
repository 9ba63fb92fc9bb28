#include "symtab/utf8.h"

namespace gentrace::symtab {

std::optional<uint32_t> NextCodePoint(absl::string_view text, size_t* at) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(*at);
  if (lead < 0x80) {
    ++*at;
    return lead;
  }
  int length = 0;
  uint32_t value = 0;
  uint32_t minimum = 0;
  if ((lead & 0xe0) == 0xc0) {
    length = 2, value = lead & 0x1f, minimum = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, value = lead & 0x0f, minimum = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    return std::nullopt;
  }
  if (text.size() - *at < static_cast<size_t>(length)) return std::nullopt;
  for (int i = 1; i < length; ++i) {
    const uint8_t next = byte(*at + i);
    if ((next & 0xc0) != 0x80) return std::nullopt;
    value = value << 6 | (next & 0x3f);
  }
  if (value < minimum || value > 0x10ffff ||
      (value >= 0xd800 && value <= 0xdfff)) {
    return std::nullopt;
  }
  *at += length;
  return value;
}

std::string ValidUtf8(absl::string_view text) {
  size_t at = 0;
  while (at < text.size() && NextCodePoint(text, &at)) {
  }
  if (at == text.size()) return std::string(text);
  std::string valid(text.substr(0, at));
  while (at < text.size()) {
    const size_t begin = at;
    if (NextCodePoint(text, &at)) {
      valid.append(text.data() + begin, at - begin);
    } else {
      valid.append("\xef\xbf\xbd");  // U+FFFD
      at = begin + 1;
    }
  }
  return valid;
}

}  // namespace gentrace::symtab
