#include "render/json_string.h"

#include <cstdint>
#include <optional>

namespace gentrace::render {
namespace {

// Code points protobuf's JSON printer writes as \u escapes (beyond the
// ASCII controls and '"', '\\', '<', '>'): C1 controls, DEL and the
// invisible or format characters, inclusive ranges.
struct Range {
  uint32_t first;
  uint32_t last;
};
constexpr Range kEscaped[] = {
    {0x007f, 0x009f},   {0x00ad, 0x00ad},   {0x0600, 0x0603},
    {0x06dd, 0x06dd},   {0x070f, 0x070f},   {0x17b4, 0x17b5},
    {0x200b, 0x200f},   {0x2028, 0x202e},   {0x2060, 0x2064},
    {0x206a, 0x206f},   {0xfeff, 0xfeff},   {0xfff9, 0xfffb},
    {0x1d173, 0x1d17a}, {0xe0001, 0xe0001}, {0xe0020, 0xe007f},
};

bool Escaped(uint32_t code_point) {
  for (const Range& r : kEscaped) {
    if (code_point < r.first) return false;
    if (code_point <= r.last) return true;
  }
  return false;
}

// The code point at `text[*at]`, advancing `*at` past it; nullopt for bytes
// that are not UTF-8 (overlong forms, surrogates, past U+10FFFF included).
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

void AppendUnit(uint32_t unit, std::string* out) {
  constexpr char kHex[] = "0123456789abcdef";
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) {
    out->push_back(kHex[(unit >> shift) & 0xf]);
  }
}

}  // namespace

void AppendJsonString(absl::string_view text, std::string* out) {
  const size_t start = out->size();
  out->push_back('"');
  size_t at = 0;
  while (at < text.size()) {
    // A run of printable ASCII that needs no escape goes out at once.
    size_t run = at;
    while (run < text.size()) {
      const char c = text[run];
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' ||
          c == '>') {
        break;
      }
      ++run;
    }
    out->append(text.data() + at, run - at);
    at = run;
    if (at == text.size()) break;
    const size_t begin = at;
    const std::optional<uint32_t> code_point = NextCodePoint(text, &at);
    if (!code_point) {
      out->resize(start);
      out->append("\"\"");
      return;
    }
    const uint32_t c = *code_point;
    switch (c) {
      case '"':
        out->append("\\\"");
        continue;
      case '\\':
        out->append("\\\\");
        continue;
      case '\b':
        out->append("\\b");
        continue;
      case '\f':
        out->append("\\f");
        continue;
      case '\n':
        out->append("\\n");
        continue;
      case '\r':
        out->append("\\r");
        continue;
      case '\t':
        out->append("\\t");
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == '<' || c == '>' || Escaped(c)) {
      if (c > 0xffff) {
        AppendUnit(0xd800 + ((c - 0x10000) >> 10), out);
        AppendUnit(0xdc00 + ((c - 0x10000) & 0x3ff), out);
      } else {
        AppendUnit(c, out);
      }
      continue;
    }
    out->append(text.data() + begin, at - begin);
  }
  out->push_back('"');
}

}  // namespace gentrace::render
