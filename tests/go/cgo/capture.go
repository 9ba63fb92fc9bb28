package main

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <fcntl.h>
#include <stddef.h>

// Loads gentrace's crash handler from `library` (libgentrace_crash.so) and
// installs it writing to `capture`: 0 when done.
static int install_crash_handler(const char* library, const char* capture) {
	void* handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL) return -1;
	int (*install)(int) = (int (*)(int))dlsym(handle, "gentrace_install_crash_handler");
	int fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (install == NULL || fd < 0) return -1;
	return install(fd);
}
*/
import "C"

import (
	"fmt"
	"os"
)

// With GENTRACE_CRASH_LIBRARY and GENTRACE_CRASH_CAPTURE set, gentrace's
// crash handler takes a capture when C code crashes, before the runtime's
// own handler reports it.
func init() {
	library, capture := os.Getenv("GENTRACE_CRASH_LIBRARY"), os.Getenv("GENTRACE_CRASH_CAPTURE")
	if library == "" || capture == "" {
		return
	}
	if C.install_crash_handler(C.CString(library), C.CString(capture)) != 0 {
		fmt.Fprintln(os.Stderr, "cannot install gentrace's crash handler from", library)
		os.Exit(2)
	}
}
