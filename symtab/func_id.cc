#include "symtab/func_id.h"

#include <array>
#include <utility>

#include "absl/strings/match.h"

namespace gentrace::symtab {
namespace {

using F = FuncId;

// Raw funcID value -> FuncId, per family (src/runtime/symtab.go at
// go1.11-go1.20, src/internal/abi/symtab.go after).
constexpr F kGo111[] = {
    F::kNormal,
    F::kRuntimeMain,
    F::kGoexit,
    F::kJmpdefer,
    F::kMcall,
    F::kMorestack,
    F::kMstart,
    F::kRt0Go,
    F::kAsmcgocall,
    F::kSigpanic,
    F::kRunfinq,
    F::kGcBgMarkWorker,
    F::kSystemstackSwitch,
    F::kSystemstack,
    F::kCgocallback,
    F::kGogo,
    F::kExternalthreadhandler,
    F::kDebugCallV1,
};
constexpr F kGo112[] = {
    F::kNormal,
    F::kRuntimeMain,
    F::kGoexit,
    F::kJmpdefer,
    F::kMcall,
    F::kMorestack,
    F::kMstart,
    F::kRt0Go,
    F::kAsmcgocall,
    F::kSigpanic,
    F::kRunfinq,
    F::kGcBgMarkWorker,
    F::kSystemstackSwitch,
    F::kSystemstack,
    F::kCgocallback,
    F::kGogo,
    F::kExternalthreadhandler,
    F::kDebugCallV1,
    F::kGopanic,
    F::kPanicwrap,
    F::kWrapper,
};
constexpr F kGo114[] = {
    F::kNormal,
    F::kRuntimeMain,
    F::kGoexit,
    F::kJmpdefer,
    F::kMcall,
    F::kMorestack,
    F::kMstart,
    F::kRt0Go,
    F::kAsmcgocall,
    F::kSigpanic,
    F::kRunfinq,
    F::kGcBgMarkWorker,
    F::kSystemstackSwitch,
    F::kSystemstack,
    F::kCgocallback,
    F::kGogo,
    F::kExternalthreadhandler,
    F::kDebugCallV1,
    F::kGopanic,
    F::kPanicwrap,
    F::kHandleAsyncEvent,
    F::kAsyncPreempt,
    F::kWrapper,
};
constexpr F kGo117[] = {
    F::kNormal,
    F::kAbort,
    F::kAsmcgocall,
    F::kAsyncPreempt,
    F::kCgocallback,
    F::kDebugCallV2,
    F::kGcBgMarkWorker,
    F::kGoexit,
    F::kGogo,
    F::kGopanic,
    F::kHandleAsyncEvent,
    F::kJmpdefer,
    F::kMcall,
    F::kMorestack,
    F::kMstart,
    F::kPanicwrap,
    F::kRt0Go,
    F::kRunfinq,
    F::kRuntimeMain,
    F::kSigpanic,
    F::kSystemstack,
    F::kSystemstackSwitch,
    F::kWrapper,
};
constexpr F kGo118[] = {
    F::kNormal,
    F::kAbort,
    F::kAsmcgocall,
    F::kAsyncPreempt,
    F::kCgocallback,
    F::kDebugCallV2,
    F::kGcBgMarkWorker,
    F::kGoexit,
    F::kGogo,
    F::kGopanic,
    F::kHandleAsyncEvent,
    F::kMcall,
    F::kMorestack,
    F::kMstart,
    F::kPanicwrap,
    F::kRt0Go,
    F::kRunfinq,
    F::kRuntimeMain,
    F::kSigpanic,
    F::kSystemstack,
    F::kSystemstackSwitch,
    F::kWrapper,
};
constexpr F kGo122[] = {
    F::kNormal,      F::kAbort,
    F::kAsmcgocall,  F::kAsyncPreempt,
    F::kCgocallback, F::kCorostart,
    F::kDebugCallV2, F::kGcBgMarkWorker,
    F::kGoexit,      F::kGogo,
    F::kGopanic,     F::kHandleAsyncEvent,
    F::kMcall,       F::kMorestack,
    F::kMstart,      F::kPanicwrap,
    F::kRt0Go,       F::kRunfinq,
    F::kRuntimeMain, F::kSigpanic,
    F::kSystemstack, F::kSystemstackSwitch,
    F::kWrapper,
};
// Go 1.25 per upstream master in freeze (2025-05); calibration by name
// (see Pclntab) catches a release that differs.
constexpr F kGo125[] = {
    F::kNormal,
    F::kAbort,
    F::kAsmcgocall,
    F::kAsyncPreempt,
    F::kCgocallback,
    F::kCorostart,
    F::kDebugCallV2,
    F::kGcBgMarkWorker,
    F::kGoexit,
    F::kGogo,
    F::kGopanic,
    F::kHandleAsyncEvent,
    F::kMcall,
    F::kMorestack,
    F::kMstart,
    F::kPanicwrap,
    F::kRt0Go,
    F::kRuntimeMain,
    F::kRunFinalizers,
    F::kRunCleanups,
    F::kSigpanic,
    F::kSystemstack,
    F::kSystemstackSwitch,
    F::kWrapper,
};

constexpr FuncIdTable kTables[] = {
    {"go1.11", 11, kGo111},        {"go1.12-go1.13", 12, kGo112},
    {"go1.14-go1.16", 14, kGo114}, {"go1.17", 17, kGo117},
    {"go1.18-go1.21", 18, kGo118}, {"go1.22-go1.24", 22, kGo122},
    {"go1.25+", 25, kGo125},
};

constexpr std::pair<absl::string_view, F> kRuntimeNames[] = {
    {"runtime.abort", F::kAbort},
    {"runtime.asmcgocall", F::kAsmcgocall},
    {"runtime.asyncPreempt", F::kAsyncPreempt},
    {"runtime.cgocallback", F::kCgocallback},
    {"runtime.cgocallback_gofunc", F::kCgocallback},
    {"runtime.corostart", F::kCorostart},
    {"runtime.debugCallV1", F::kDebugCallV1},
    {"runtime.debugCallV2", F::kDebugCallV2},
    {"runtime.externalthreadhandler", F::kExternalthreadhandler},
    {"runtime.gcBgMarkWorker", F::kGcBgMarkWorker},
    {"runtime.goexit", F::kGoexit},
    {"runtime.gogo", F::kGogo},
    {"runtime.gopanic", F::kGopanic},
    {"runtime.handleAsyncEvent", F::kHandleAsyncEvent},
    {"runtime.jmpdefer", F::kJmpdefer},
    {"runtime.mcall", F::kMcall},
    {"runtime.morestack", F::kMorestack},
    {"runtime.mstart", F::kMstart},
    {"runtime.panicwrap", F::kPanicwrap},
    {"runtime.rt0_go", F::kRt0Go},
    {"runtime.runCleanups", F::kRunCleanups},
    {"runtime.runFinalizers", F::kRunFinalizers},
    {"runtime.runfinq", F::kRunfinq},
    {"runtime.main", F::kRuntimeMain},
    {"runtime.sigpanic", F::kSigpanic},
    {"runtime.systemstack", F::kSystemstack},
    {"runtime.systemstack_switch", F::kSystemstackSwitch},
};

}  // namespace

absl::string_view FuncIdName(FuncId id) {
  switch (id) {
    case F::kNormal:
      return "normal";
    case F::kAbort:
      return "abort";
    case F::kAsmcgocall:
      return "asmcgocall";
    case F::kAsyncPreempt:
      return "asyncPreempt";
    case F::kCgocallback:
      return "cgocallback";
    case F::kCorostart:
      return "corostart";
    case F::kDebugCallV1:
      return "debugCallV1";
    case F::kDebugCallV2:
      return "debugCallV2";
    case F::kExternalthreadhandler:
      return "externalthreadhandler";
    case F::kGcBgMarkWorker:
      return "gcBgMarkWorker";
    case F::kGoexit:
      return "goexit";
    case F::kGogo:
      return "gogo";
    case F::kGopanic:
      return "gopanic";
    case F::kHandleAsyncEvent:
      return "handleAsyncEvent";
    case F::kJmpdefer:
      return "jmpdefer";
    case F::kMcall:
      return "mcall";
    case F::kMorestack:
      return "morestack";
    case F::kMstart:
      return "mstart";
    case F::kPanicwrap:
      return "panicwrap";
    case F::kRt0Go:
      return "rt0_go";
    case F::kRunCleanups:
      return "runCleanups";
    case F::kRunFinalizers:
      return "runFinalizers";
    case F::kRunfinq:
      return "runfinq";
    case F::kRuntimeMain:
      return "runtime_main";
    case F::kSigpanic:
      return "sigpanic";
    case F::kSystemstack:
      return "systemstack";
    case F::kSystemstackSwitch:
      return "systemstack_switch";
    case F::kWrapper:
      return "wrapper";
    case F::kUnknown:
      return "unknown";
  }
  return "unknown";
}

absl::Span<const FuncIdTable> AllFuncIdTables() { return kTables; }

const FuncIdTable* FuncIdTableFor(int minor) {
  const FuncIdTable* found = nullptr;
  for (const FuncIdTable& table : kTables) {
    if (minor >= table.first_minor) found = &table;
  }
  return found;
}

FuncId FuncIdFromName(absl::string_view name) {
  if (!absl::StartsWith(name, "runtime.")) return F::kNormal;
  for (const auto& [runtime_name, id] : kRuntimeNames) {
    if (name == runtime_name) return id;
  }
  return F::kNormal;
}

}  // namespace gentrace::symtab
