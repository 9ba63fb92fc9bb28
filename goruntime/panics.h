#ifndef GENTRACE_GORUNTIME_PANICS_H_
#define GENTRACE_GORUNTIME_PANICS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "arch/arch.h"
#include "goruntime/defer_layout.h"
#include "symtab/address_space.h"

namespace gentrace::goruntime {

// One panic in progress on a goroutine: a runtime _panic record.
struct PanicRecord {
  uint64_t address = 0;
  // The panic value, an empty interface: its type descriptor (0 for a nil
  // value) and its data word.
  uint64_t value_type = 0;
  uint64_t value_data = 0;
  bool recovered = false;
  bool repanicked = false;  // 1.25+: panicked again with its own value
  bool goexit = false;      // runtime.Goexit's record, not a panic
};

// The g._panic chain of the goroutine whose g is at `g`, newest first (a
// panic raised by a deferred call during another stacks on it). Bounded and
// cycle-safe: DataLossError for an unreadable, looping or endless chain.
absl::StatusOr<std::vector<PanicRecord>> ReadPanicChain(
    const symtab::AddressSpace& memory, const DeferLayout& layout,
    const arch::ArchInfo& arch, uint64_t g);

// The panic value as the runtime's crash report prints it after "panic: "
// (printpanicval; before Go 1.18, printany), once a fatal panic has
// replaced each error and Stringer by what its method returned
// (preprintpanics): nil, a predeclared bool, number or string as itself, a
// value of another type whose kind is one of those as `type(value)`, any
// other as `(type) 0xADDRESS`. `types` is where the program's type
// descriptors are named from (moduledata.types, at the program's address),
// and go1.<go_minor> the release whose formats to follow (name encoding,
// floats, the indenting of newlines). Strings longer than 1 MiB, and
// unreadable memory, are refused.
absl::StatusOr<std::string> PanicValueText(const symtab::AddressSpace& memory,
                                           const arch::ArchInfo& arch,
                                           std::optional<uint64_t> types,
                                           int go_minor,
                                           const PanicRecord& panic);

// A throw's message as its "fatal error: " line prints it (newlines
// indented from Go 1.23, as printindented does). The thrower (runtime.throw,
// or runtime.fatal `by_program`) prints it on the system stack through a
// closure in its own frame, which holds the message: `closure` is where that
// closure is (its first word the code pointer of <thrower>.func1). Messages
// longer than 1 MiB, and unreadable memory, are refused.
absl::StatusOr<std::string> ThrowMessageText(const symtab::AddressSpace& memory,
                                             const arch::ArchInfo& arch,
                                             uint64_t closure, bool by_program,
                                             int go_minor);

// The runtime's print of a float64, of a float32 (widened), for the
// release go1.<go_minor>: `+1.500000e+000` before Go 1.26, the shortest
// form that reads back (`1.5`, `1e+21`) from then on.
std::string RuntimeFloatText(double value, bool is_float32, int go_minor);

}  // namespace gentrace::goruntime

#endif  // GENTRACE_GORUNTIME_PANICS_H_
