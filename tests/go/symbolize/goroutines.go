package main

import "runtime"

// produce runs a goroutine closure (main.produce.func1) and sums what it
// sends.
//
//go:noinline
func produce(n int) int {
	ch := make(chan int)
	go func() {
		for i := 1; i <= n; i++ {
			ch <- i
		}
		close(ch)
	}()
	s := 0
	for v := range ch {
		s += v
	}
	return s
}

// worker parks in a channel receive reached through two inlined helpers,
// so its traceback has inlined frames too.
//
//go:noinline
func worker(ch chan int, ready chan struct{}) {
	close(ready)
	waitOuter(ch)
}

func waitOuter(ch chan int) int {
	return waitInner(ch) + 1
}

func waitInner(ch chan int) int {
	return <-ch
}

// crash is the "crash" mode: park worker, then fault under recurse.
//
//go:noinline
func crash() {
	ch := make(chan int)
	ready := make(chan struct{})
	go worker(ch, ready) // go1.22+ wraps this call in main.crash.gowrap1
	<-ready
	waitParked()
	// Deferred calls still run while the panic unwinds; this one must not
	// touch ch, or the worker would be runnable in the traceback.
	defer noteCrash()
	recurse(3, nil)
}

var crashed bool

//go:noinline
func noteCrash() {
	crashed = true
}

// waitParked polls until the worker is blocked in its receive, so the crash
// traceback always shows it as "[chan receive]" and never mid-flight. It
// yields rather than sleeps: a sleep starts the timer and netpoll machinery,
// whose epoll calls qemu-mips64el sometimes emulates with a SIGBUS.
func waitParked() {
	buf := make([]byte, 1<<16)
	for i := 0; i < 10000; i++ {
		n := runtime.Stack(buf, true)
		if contains(buf[:n], "[chan receive]") {
			return
		}
		runtime.Gosched()
	}
}

func contains(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if string(b[i:i+len(s)]) == s {
			return true
		}
	}
	return false
}
