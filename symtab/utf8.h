#ifndef GENTRACE_SYMTAB_UTF8_H_
#define GENTRACE_SYMTAB_UTF8_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace gentrace::symtab {

// The code point at `text[*at]`, advancing `*at` past it; nullopt for bytes
// that are not UTF-8 (overlong forms, surrogates, past U+10FFFF included).
std::optional<uint32_t> NextCodePoint(absl::string_view text, size_t* at);

// `text` with each byte that begins no UTF-8 sequence replaced by U+FFFD,
// so that protobuf's string fields (which other languages' parsers hold to
// UTF-8) and JSON carry it; UTF-8 text comes back as it is. For text read
// from outside: a crash's output (the runtime prints a panic's bytes as
// they are), a request's words quoted back, names in a hostile binary.
std::string ValidUtf8(absl::string_view text);

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_UTF8_H_
