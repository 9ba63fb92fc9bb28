#ifndef GENTRACE_SYMTAB_HEX_TEXT_H_
#define GENTRACE_SYMTAB_HEX_TEXT_H_

#include <cstdint>
#include <string>

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

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_HEX_TEXT_H_
