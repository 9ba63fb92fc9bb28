// Command throws ends in a fatal error the runtime throws rather than
// panics, of the kind its argument names, under GOTRACEBACK=crash: the
// report (the "fatal error:" line first) and the core are the ground truth
// for gentrace's reading of throws (tests/unwind/crash_report_test.cc).
//
//	throw           runtime.throw on the main goroutine, with a message of
//	                two lines (indented from Go 1.23)
//	fatal           runtime.fatal (runtime.throw before Go 1.20): a sync.Mutex
//	                unlocked twice
//	fatal-in-panic  the same in a call deferred by a panic (Go 1.26 prints
//	                the panic before the fatal error)
//	deadlock        every goroutine blocked: thrown on the scheduler stack,
//	                which the report prints as "runtime stack:"
package main

import (
	"fmt"
	"os"
	"sync"
	_ "unsafe" // go:linkname
)

//go:linkname throw runtime.throw
func throw(s string)

// parked is one more goroutine for the report, blocked for good.
func parked(ready chan<- bool) {
	ready <- true
	<-make(chan bool)
}

//go:noinline
func throwOnGoroutine() {
	throw("gentrace: thrown\nover two lines")
}

//go:noinline
func unlockUnlocked() {
	var mu sync.Mutex
	mu.Unlock()
}

//go:noinline
func fatalWhilePanicking() {
	defer unlockUnlocked()
	panic("gentrace: panicking")
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: throws throw|fatal|fatal-in-panic|deadlock")
		os.Exit(2)
	}
	ready := make(chan bool)
	go parked(ready)
	<-ready
	switch os.Args[1] {
	case "throw":
		throwOnGoroutine()
	case "fatal":
		unlockUnlocked()
	case "fatal-in-panic":
		fatalWhilePanicking()
	case "deadlock":
		select {}
	}
	fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
	os.Exit(2)
}
