#include "capture/gentrace_crash.h"

#include <cerrno>

#include "capture/in_process_capture.h"

int gentrace_install_crash_handler_with_minidump(int fd, int minidump_fd) {
  const int saved = errno;
  const absl::Status status =
      gentrace::capture::InstallCrashHandler(fd, nullptr, minidump_fd);
  if (status.ok()) {
    errno = saved;
    return 0;
  }
  if (absl::IsInvalidArgument(status)) errno = EBADF;
  return -1;
}

int gentrace_install_crash_handler(int fd) {
  return gentrace_install_crash_handler_with_minidump(fd, -1);
}
