#ifndef GENTRACE_SYMTAB_PRINTED_NAME_H_
#define GENTRACE_SYMTAB_PRINTED_NAME_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace gentrace::symtab {

// A function's name as the runtime prints it in tracebacks
// (runtime.funcNameForPrint): a generic function's type arguments as
// "[...]" ("main.f[go.shape.int]" -> "main.f[...]").
inline std::string PrintedFunctionName(absl::string_view name) {
  const size_t open = name.find('[');
  const size_t close = name.rfind(']');
  if (open == absl::string_view::npos || close == absl::string_view::npos ||
      close <= open) {
    return std::string(name);
  }
  return absl::StrCat(name.substr(0, open), "[...]", name.substr(close + 1));
}

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_PRINTED_NAME_H_
