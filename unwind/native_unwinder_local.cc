// native_unwinder.h through libunwind's UNW_LOCAL_ONLY mode (this process,
// this thread), which is cheap and async-signal-safe.
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <ucontext.h>

#include <iterator>

#include "arch/arch.h"
#include "symtab/byte_reader.h"
#include "unwind/native_unwinder.h"

namespace gentrace::unwind {

int UnwindLocalNative(void* signal_context, absl::Span<NativeFrame> frames) {
  if (frames.empty()) return 0;
  unw_context_t here;
  unw_cursor_t cursor;
  int init = 0;
  if (signal_context != nullptr) {
    // On Linux, libunwind's context is the ucontext_t a handler receives.
    init = unw_init_local2(&cursor, static_cast<unw_context_t*>(signal_context),
                           UNW_INIT_SIGNAL_FRAME);
  } else {
    unw_getcontext(&here);
    init = unw_init_local(&cursor, &here);
    // This function is the cursor's first frame: start at its caller.
    if (init == 0 && unw_step(&cursor) <= 0) return 0;
  }
  if (init != 0) return 0;
  // Bounded by `frames` and by the stack growing; allocates nothing.
  int n = 0;
  uint64_t last_sp = 0;
  do {
    unw_word_t pc = 0, sp = 0;
    if (unw_get_reg(&cursor, UNW_REG_IP, &pc) != 0 ||
        unw_get_reg(&cursor, UNW_REG_SP, &sp) != 0 || pc == 0) {
      break;
    }
    if (n > 0 && sp < last_sp) break;  // a corrupt frame: never loop
    frames[n++] = {.pc = pc, .sp = sp};
    last_sp = sp;
  } while (n < static_cast<int>(frames.size()) && unw_step(&cursor) > 0);
  return n;
}

}  // namespace gentrace::unwind

namespace gentrace::unwind {

int BacktraceLocalNative(const void* signal_context, absl::Span<uint64_t> pcs) {
  void* buffer[512];
  const int n = unw_backtrace(buffer, static_cast<int>(std::size(buffer)));
  // From a handler, the frames above the interrupted one are the handler's
  // and the kernel's signal trampoline: start at the interrupted pc.
  int first = 1;  // this function
  if (signal_context != nullptr) {
    // The interrupted pc, where the host's ucontext keeps it.
    const arch::ArchInfo* host = arch::HostArch();
    if (host == nullptr || host->signal_context.registers_pointer >= 0) {
      return 0;
    }
    const arch::SignalContextLayout& layout = host->signal_context;
    const symtab::ByteReader context(
        absl::MakeConstSpan(static_cast<const uint8_t*>(signal_context),
                            static_cast<size_t>(layout.pc + layout.value_size)),
        host->byte_order);
    const uint64_t pc = context.Word(layout.pc, layout.value_size).value_or(0);
    first = n;
    for (int i = 0; i < n; ++i) {
      if (reinterpret_cast<uint64_t>(buffer[i]) == pc) {
        first = i;
        break;
      }
    }
  }
  int out = 0;
  for (int i = first; i < n && out < static_cast<int>(pcs.size()); ++i) {
    pcs[out++] = reinterpret_cast<uint64_t>(buffer[i]);
  }
  return out;
}

}  // namespace gentrace::unwind
