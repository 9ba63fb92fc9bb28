// Command breakpad crashes by a nil dereference, in one of two ways:
//   - built with cgo, `prog DIR` has Breakpad's crash handler installed
//     (google_breakpad::ExceptionHandler, from Breakpad's Linux client):
//     it writes a minidump of the crash into DIR, then hands the signal on
//     and the Go runtime reports the crash as it would have;
//   - built without, `prog report` lets the Go runtime report the crash,
//     and `prog core` gives SIGSEGV its default action first, so that the
//     kernel (or qemu) ends the process with a core at the faulting
//     instruction, where Breakpad's handler would have written its dump;
//     Breakpad's core2md makes that core a minidump.
//
// tests/fixtures/build_breakpad.sh builds and runs it.
package main

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
		fmt.Fprintln(os.Stderr, "usage: prog DIR (with cgo) | prog report|core")
		os.Exit(2)
	}
	prepare(os.Args[1])
	run(3)
}
