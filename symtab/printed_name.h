#ifndef GENTRACE_SYMTAB_PRINTED_NAME_H_
#define GENTRACE_SYMTAB_PRINTED_NAME_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace gentrace::symtab {

// A function's name as the runtime prints it in tracebacks
// (runtime.funcNameForPrint), appended to `out`: a generic function's type
// arguments as "[...]" ("main.f[go.shape.int]" -> "main.f[...]").
inline void AppendPrintedFunctionName(absl::string_view name,
                                      std::string* out) {
  const size_t open = name.find('[');
  const size_t close = name.rfind(']');
  if (open == absl::string_view::npos || close == absl::string_view::npos ||
      close <= open) {
    out->append(name.data(), name.size());
    return;
  }
  absl::StrAppend(out, name.substr(0, open), "[...]", name.substr(close + 1));
}

inline std::string PrintedFunctionName(absl::string_view name) {
  std::string printed;
  AppendPrintedFunctionName(name, &printed);
  return printed;
}

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_PRINTED_NAME_H_
