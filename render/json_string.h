#ifndef GENTRACE_RENDER_JSON_STRING_H_
#define GENTRACE_RENDER_JSON_STRING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace gentrace::render {

// Appends `text` as a JSON string, quotes included, escaped exactly as
// protobuf's JSON printer escapes string fields (json_string_test checks
// every code point against libprotobuf): control characters, '"', '\\',
// '<', '>', and the invisible and format code points it lists, as \uXXXX
// (surrogate pairs past U+FFFF); text that is not UTF-8 is written as "",
// as protobuf writes it.
void AppendJsonString(absl::string_view text, std::string* out);

// How many of `text`'s first bytes AppendJsonString writes as they are:
// printable ASCII that needs no escape.
size_t JsonPlainPrefix(absl::string_view text);

}  // namespace gentrace::render

#endif  // GENTRACE_RENDER_JSON_STRING_H_
