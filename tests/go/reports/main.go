// Command reports ends in one of the reports the runtime prints other than
// a plain panic's, of the kind its argument names, under GOTRACEBACK=crash:
// the report and the core are the ground truth for gentrace's reading of
// them (tests/unwind/crash_report_test.cc).
//
//	throw           runtime.throw on the main goroutine, with a message of
//	                two lines (indented from Go 1.23)
//	fatal           runtime.fatal (runtime.throw before Go 1.20): a sync.Mutex
//	                unlocked twice
//	fatal-in-panic  the same in a call deferred by a panic (Go 1.26 prints
//	                the panic before the fatal error)
//	deadlock        every goroutine blocked: thrown on the scheduler stack,
//	                which the report prints as "runtime stack:"
//	sigquit         SIGQUIT, which the runtime relays to every M: each
//	                prints its g0's stack and its registers
//	sigill          SIGILL sent by kill: relayed the same way, with the
//	                bytes at the interrupted pc
//	sigsegv         SIGSEGV sent by kill: relayed, with the siginfo's
//	                address (from Go 1.22)
//	sigquit-in-c    built with cgo (cgo.go): SIGQUIT while the main
//	                goroutine is in a cgo call, which its M reports from C
//	                code ("signal arrived during cgo execution")
package main

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	_ "unsafe" // go:linkname
)

//go:linkname throw runtime.throw
func throw(s string)

// modes are the modes other files add (cgo.go, where cgo is on).
var modes = map[string]func(){}

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

// signal sends sig to the process: the thread that sends it takes it on
// its way back from the system call.
//
//go:noinline
func signal(sig syscall.Signal) {
	syscall.Kill(os.Getpid(), sig)
	select {}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: reports throw|fatal|fatal-in-panic|deadlock|sigquit|sigill|sigsegv|sigquit-in-c")
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
	case "sigquit":
		signal(syscall.SIGQUIT)
	case "sigill":
		signal(syscall.SIGILL)
	case "sigsegv":
		signal(syscall.SIGSEGV)
	default:
		if mode, ok := modes[os.Args[1]]; ok {
			mode()
		}
	}
	fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
	os.Exit(2)
}
