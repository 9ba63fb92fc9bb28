#ifndef GENTRACE_CAPTURE_GENTRACE_CRASH_H_
#define GENTRACE_CAPTURE_GENTRACE_CRASH_H_

// The crash handler's C interface, in libgentrace_crash.so, for programs
// that link C or load shared libraries (a Go program through cgo, with
// dlopen or at link time). See capture/in_process_capture.h.

#ifdef __cplusplus
extern "C" {
#endif

// InstallCrashHandler(fd): 0 once installed; -1 if `fd` is not open or a
// signal's handler could not be set (errno says why).
int gentrace_install_crash_handler(int fd);

// InstallCrashHandler(fd, NULL, minidump_fd): a minidump of the crash to
// `minidump_fd` beside the capture (`fd` -1: the minidump alone); as above.
int gentrace_install_crash_handler_with_minidump(int fd, int minidump_fd);

#ifdef __cplusplus
}
#endif

#endif  // GENTRACE_CAPTURE_GENTRACE_CRASH_H_
