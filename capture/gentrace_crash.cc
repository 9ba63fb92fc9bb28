#include "capture/gentrace_crash.h"

#include <cerrno>

#include "capture/in_process_capture.h"

int gentrace_install_crash_handler(int fd) {
  const int saved = errno;
  const absl::Status status = gentrace::capture::InstallCrashHandler(fd);
  if (status.ok()) {
    errno = saved;
    return 0;
  }
  if (absl::IsInvalidArgument(status)) errno = EBADF;
  return -1;
}
