// Command cgo crosses the cgo boundary, for stitching C frames into the Go
// traceback: `prog c` has Go call C (c_entry -> c_middle -> c_crash), which
// writes through a null pointer; `prog go` has that C call back into Go
// (goCallback -> goQuit), which sends its own thread SIGQUIT: the runtime
// dumps every goroutine and crashes with the C frames of the callback still
// on the scheduler stack (a panic would first unwind the callback, and the
// crash path would then reuse that stack). At GOTRACEBACK=crash each leaves
// the runtime's traceback and a core. `prog block` has C (c_block) print
// "ready" and wait in libc's read for a line on stdin, for reading a live
// process blocked in C.
package main

/*
#cgo CFLAGS: -O1 -g
#include <unistd.h>
extern void goCallback(int);
static volatile int* volatile nowhere;
__attribute__((noinline)) static void c_crash(void) { *nowhere = 1; }
__attribute__((noinline)) static void c_block(void) {
	char line;
	if (write(1, "ready\n", 6) == 6) while (read(0, &line, 1) == 1 && line != '\n') {}
}
__attribute__((noinline)) static void c_middle(int mode) {
	if (mode == 0) {
		c_crash();
	} else if (mode == 1) {
		goCallback(mode);
	} else {
		c_block();
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
	"strings"
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
	modes := map[string]int{"c": 0, "go": 1, "block": 2}
	mode, ok := modes[strings.Join(os.Args[1:], " ")]
	if !ok {
		fmt.Fprintln(os.Stderr, "usage: prog c|go|block")
		os.Exit(2)
	}
	goCallsC(mode)
}
