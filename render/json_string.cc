#include "render/json_string.h"

#include <cstdint>
#include <cstring>
#include <optional>

#include "symtab/utf8.h"

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

void AppendUnit(uint32_t unit, std::string* out) {
  constexpr char kHex[] = "0123456789abcdef";
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) {
    out->push_back(kHex[(unit >> shift) & 0xf]);
  }
}

// Whether any of the 16 bytes at `bytes` needs an escape: a control, DEL or
// any non-ASCII byte, '"', '\\', '<' or '>'. GCC's vector extension: SSE2
// on amd64, NEON on arm64, a byte a lane.
constexpr size_t kBlock = 16;
bool BlockNeedsEscape(const char* bytes) {
  using Block = uint8_t __attribute__((vector_size(kBlock)));
  Block block;
  std::memcpy(&block, bytes, kBlock);
  // One unsigned compare finds both the bytes below ' ' and above '~'.
  const auto needs = ((block - uint8_t{0x20}) > uint8_t{0x7e - 0x20}) |
                     (block == '"') | (block == '\\') | (block == '<') |
                     (block == '>');
  uint64_t halves[2];
  static_assert(sizeof(needs) == sizeof(halves));
  std::memcpy(halves, &needs, sizeof(halves));
  return (halves[0] | halves[1]) != 0;
}

}  // namespace

size_t JsonPlainPrefix(absl::string_view text) {
  // Found 16 bytes at a time, then byte by byte in a block that has a byte
  // needing an escape.
  size_t run = 0;
  while (run + kBlock <= text.size() && !BlockNeedsEscape(text.data() + run)) {
    run += kBlock;
  }
  if (run < text.size() && text.size() - run < kBlock) {
    // The tail, padded with spaces to a block.
    char tail[kBlock];
    std::memset(tail, ' ', kBlock);
    std::memcpy(tail, text.data() + run, text.size() - run);
    if (!BlockNeedsEscape(tail)) return text.size();
  }
  while (run < text.size()) {
    const char c = text[run];
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>') {
      break;
    }
    ++run;
  }
  return run;
}

void AppendJsonString(absl::string_view text, std::string* out) {
  const size_t start = out->size();
  out->push_back('"');
  size_t at = 0;
  while (at < text.size()) {
    // A run of printable ASCII that needs no escape goes out at once.
    const size_t run = at + JsonPlainPrefix(text.substr(at));
    out->append(text.data() + at, run - at);
    at = run;
    if (at == text.size()) break;
    const size_t begin = at;
    const std::optional<uint32_t> code_point = symtab::NextCodePoint(text, &at);
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
