// Command breakpad crashes with Breakpad's crash handler installed
// (google_breakpad::ExceptionHandler, from Breakpad's Linux client, linked
// in with cgo): `prog DIR` writes a minidump of the crash into DIR, then
// the handler hands the signal on and the Go runtime reports the crash as
// it would have. tests/fixtures/build_breakpad.sh builds and runs it.
package main

/*
void install_breakpad(const char* dir);
*/
import "C"

import (
	"fmt"
	"os"
)

type node struct{ next *node }

//go:noinline
func deref(n *node) *node { return n.next }

func lookup(n *node) *node {
	return deref(n) // inlined into crash
}

//go:noinline
func crash() {
	fmt.Println(lookup(nil))
}

//go:noinline
func run(depth int) {
	if depth == 0 {
		crash()
		return
	}
	run(depth - 1)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: prog DIR")
		os.Exit(2)
	}
	C.install_breakpad(C.CString(os.Args[1]))
	run(3)
}
