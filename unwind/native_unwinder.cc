// The remote half of native_unwinder.h: libunwind's generic interface over
// a ptrace-stopped thread (libunwind-ptrace) or an ELF core
// (libunwind-coredump).
#include "unwind/native_unwinder.h"

#include <libunwind-coredump.h>
#include <libunwind-ptrace.h>
#include <libunwind.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "unwind/native_walk.h"

namespace gentrace::unwind {
namespace {

// Walks from a remote cursor's first frame.
int WalkRemote(unw_cursor_t* cursor, absl::Span<NativeFrame> frames) {
  return internal::WalkNativeCursor(
      [&](uint64_t* pc, uint64_t* sp) {
        unw_word_t ip = 0, stack = 0;
        if (unw_get_reg(cursor, UNW_REG_IP, &ip) != 0 ||
            unw_get_reg(cursor, UNW_REG_SP, &stack) != 0) {
          return false;
        }
        *pc = ip;
        *sp = stack;
        return true;
      },
      [&] { return unw_step(cursor); }, frames);
}

}  // namespace

absl::StatusOr<std::vector<NativeFrame>> UnwindPtraceNative(pid_t tid,
                                                            int max_frames) {
  unw_addr_space_t space = unw_create_addr_space(&_UPT_accessors, 0);
  if (space == nullptr) {
    return absl::InternalError("libunwind made no address space");
  }
  void* upt = _UPT_create(tid);
  std::vector<NativeFrame> frames(max_frames);
  unw_cursor_t cursor;
  const int init =
      upt == nullptr ? -UNW_EUNSPEC : unw_init_remote(&cursor, space, upt);
  const int n = init == 0 ? WalkRemote(&cursor, absl::MakeSpan(frames)) : 0;
  if (upt != nullptr) _UPT_destroy(upt);
  unw_destroy_addr_space(space);
  if (init != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "libunwind cannot unwind thread ", tid, " (error ", init, ")"));
  }
  frames.resize(n);
  return frames;
}

absl::StatusOr<std::vector<NativeFrame>> UnwindCoreNative(
    const std::string& core_path, int thread,
    absl::Span<const BackingFile> files, int max_frames) {
  UCD_info* core = _UCD_create(core_path.c_str());
  if (core == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(core_path, ": libunwind cannot read the core"));
  }
  if (thread < 0 || thread >= _UCD_get_num_threads(core)) {
    _UCD_destroy(core);
    return absl::OutOfRangeError(
        absl::StrCat(core_path, " has no thread ", thread));
  }
  _UCD_select_thread(core, thread);
  for (const BackingFile& file : files) {
    // A file whose start is no segment of the core is refused: harmless.
    _UCD_add_backing_file_at_vaddr(core, file.start, file.path.c_str());
  }
  unw_addr_space_t space = unw_create_addr_space(&_UCD_accessors, 0);
  std::vector<NativeFrame> frames(max_frames);
  unw_cursor_t cursor;
  const int init =
      space == nullptr ? -UNW_EUNSPEC : unw_init_remote(&cursor, space, core);
  const int n = init == 0 ? WalkRemote(&cursor, absl::MakeSpan(frames)) : 0;
  if (space != nullptr) unw_destroy_addr_space(space);
  _UCD_destroy(core);
  if (init != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(core_path, ": libunwind cannot start on thread ", thread));
  }
  frames.resize(n);
  return frames;
}

}  // namespace gentrace::unwind
