#ifndef GENTRACE_SYMTAB_GO_VERSION_H_
#define GENTRACE_SYMTAB_GO_VERSION_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace gentrace::symtab {

// A Go release, as "go1.<minor>.<patch>". Only Go 1 exists.
struct GoVersion {
  int minor = 0;
  int patch = 0;

  // Parses the release out of strings like "go1.17.2", "go1.21rc2",
  // "go1.23.5 X:nocoverageredesign" or "devel go1.22-abc Tue ...".
  static std::optional<GoVersion> Parse(absl::string_view text);

  bool AtLeast(int wanted_minor) const { return minor >= wanted_minor; }
  std::string ToString() const;
};

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_GO_VERSION_H_
