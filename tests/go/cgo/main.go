// Command cgo crashes across the cgo boundary, for stitching C frames into
// the Go traceback: `prog c` has Go call C (c_entry -> c_middle ->
// c_crash), which writes through a null pointer; `prog go` has that C call
// back into Go (goCallback -> goQuit), which sends its own thread SIGQUIT:
// the runtime dumps every goroutine and crashes with the C frames of the
// callback still on the scheduler stack (a panic would first unwind the
// callback, and the crash path would then reuse that stack). At
// GOTRACEBACK=crash each leaves the runtime's traceback and a core.
package main

/*
#cgo CFLAGS: -O1 -g
extern void goCallback(int);
static volatile int* volatile nowhere;
__attribute__((noinline)) static void c_crash(void) { *nowhere = 1; }
__attribute__((noinline)) static void c_middle(int mode) {
	if (mode == 0) {
		c_crash();
	} else {
		goCallback(mode);
	}
	nowhere = 0;
}
__attribute__((noinline)) static void c_entry(int mode) {
	c_middle(mode);
	nowhere = 0;
}
*/
import "C"

import (
	"fmt"
	"os"
	"syscall"
)

//export goCallback
func goCallback(mode C.int) {
	goQuit()
}

//go:noinline
func goQuit() {
	syscall.Tgkill(syscall.Getpid(), syscall.Gettid(), syscall.SIGQUIT)
	for {
	}
}

//go:noinline
func goCallsC(mode int) {
	C.c_entry(C.int(mode))
}

func main() {
	if len(os.Args) != 2 || (os.Args[1] != "c" && os.Args[1] != "go") {
		fmt.Fprintln(os.Stderr, "usage: prog c|go")
		os.Exit(2)
	}
	mode := 0
	if os.Args[1] == "go" {
		mode = 1
	}
	goCallsC(mode)
}
