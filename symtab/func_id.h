#ifndef GENTRACE_SYMTAB_FUNC_ID_H_
#define GENTRACE_SYMTAB_FUNC_ID_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace gentrace::symtab {

// The runtime's function classification, as one enum that means the same
// thing for every Go release. The raw numbers in a binary change between
// releases (Go 1.17 re-sorted them, later releases insert new ones); see
// FuncIdTable for the mapping.
enum class FuncId : uint8_t {
  kNormal,
  kAbort,
  kAsmcgocall,
  kAsyncPreempt,
  kCgocallback,
  kCorostart,
  kDebugCallV1,
  kDebugCallV2,
  kExternalthreadhandler,
  kGcBgMarkWorker,
  kGoexit,
  kGogo,
  kGopanic,
  kHandleAsyncEvent,
  kJmpdefer,
  kMcall,
  kMorestack,
  kMstart,
  kPanicwrap,
  kRt0Go,
  kRunCleanups,
  kRunFinalizers,
  kRunfinq,
  kRuntimeMain,
  kSigpanic,
  kSystemstack,
  kSystemstackSwitch,
  kWrapper,
  kUnknown,  // a raw value the release's table does not define
};

// Stable lower-case name, e.g. "goexit", "systemstack_switch", "normal".
absl::string_view FuncIdName(FuncId id);

// funcFlag bits (Go 1.17+); the same bits in every release that has them.
enum FuncFlag : uint8_t {
  kFuncFlagTopFrame = 0x01,
  kFuncFlagSpWrite = 0x02,
  kFuncFlagAsm = 0x04,
};

// Maps raw funcID values of one family of Go releases to FuncId.
struct FuncIdTable {
  absl::string_view releases;  // e.g. "go1.18-go1.21"
  int first_minor;             // first Go 1.x minor release using it
  absl::Span<const FuncId> ids;

  FuncId Lookup(uint32_t raw) const {
    return raw < ids.size() ? ids[raw] : FuncId::kUnknown;
  }
};

// All tables, oldest first (Go 1.11 onwards; older binaries carry no funcID).
absl::Span<const FuncIdTable> AllFuncIdTables();
// The table for Go 1.<minor>, or nullptr before Go 1.11.
const FuncIdTable* FuncIdTableFor(int minor);

// Classification by function name, for releases before Go 1.11 (which
// recognised special functions by address) and to calibrate the table of a
// binary whose exact release is unknown. kNormal for ordinary functions.
FuncId FuncIdFromName(absl::string_view name);

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_FUNC_ID_H_
