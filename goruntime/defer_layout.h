#ifndef GENTRACE_GORUNTIME_DEFER_LAYOUT_H_
#define GENTRACE_GORUNTIME_DEFER_LAYOUT_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "symtab/go_version.h"

namespace gentrace::goruntime {

// Byte offsets of the runtime's defer records and the g fields that lead to
// them, for one Go release and pointer size. -1: the release has no such
// field.
struct DeferLayout {
  // g
  int g_panic;
  int g_defer;
  // _defer
  int siz;         // int32: argument bytes stored after the record (<= 1.17)
  int started;     // bool (<= 1.21)
  int heap;        // bool (1.13+)
  int open_defer;  // bool: a frame of open-coded defers (1.14-1.21)
  int rangefunc;   // bool (1.22+)
  int sp;
  int pc;
  int fn;  // *funcval
  int link;
  int fd;    // open-coded defer funcdata (1.14-1.21)
  int varp;  // (1.14-1.21)
  int size;  // the record's size: arguments follow it (<= 1.17)
  // _panic
  int panic_link;
  int panic_recovered;   // bool
  int panic_arg;         // the panic value (an interface)
  int panic_goexit;      // bool (1.14+): runtime.Goexit's, not a panic
  int panic_repanicked;  // bool (1.25+): panicked again with its own value
};

// One DeferLayout field: its name as tools/runtime_layout_from_source prints
// it with -fields=defer, and the runtime struct and member it is the offset
// of (an empty member: the struct's size).
struct DeferLayoutField {
  absl::string_view name;       // "defer_sp"
  int DeferLayout::*member;     // &DeferLayout::sp
  absl::string_view type_name;  // "runtime._defer"
  absl::string_view path;       // "sp"
};
absl::Span<const DeferLayoutField> DeferLayoutFields();

// The layout for a release (Go 1.13 and later) and pointer size (4 or 8);
// UnimplementedError for an older release.
absl::StatusOr<DeferLayout> DeferLayoutFor(const symtab::GoVersion& version,
                                           int ptr_size);

}  // namespace gentrace::goruntime

#endif  // GENTRACE_GORUNTIME_DEFER_LAYOUT_H_
