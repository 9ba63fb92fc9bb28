// Command parked parks N goroutines (default 10000) at recursion depths 0-7
// and waits: `parked N` prints "ready" and then answers each line on stdin
// with the number of goroutines (so a test can see it still runs after
// gentrace attached to it); `parked N crash` then raises SIGQUIT on itself,
// so that GOTRACEBACK=crash prints every goroutine and dumps core.
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
)

var (
	block    = make(chan bool)
	unparked atomic.Int64
)

//go:noinline
func park(depth int, ready chan<- bool) int {
	if depth == 0 {
		ready <- true
		unparked.Add(-1)
		<-block
		return 0
	}
	return park(depth-1, ready) + 1
}

func main() {
	n := 10000
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil {
			n = v
		}
	}
	ready := make(chan bool)
	unparked.Store(int64(n))
	for i := 0; i < n; i++ {
		go park(i%8, ready)
	}
	for i := 0; i < n; i++ {
		<-ready
	}
	// Each has yet to get from its send to its receive: yield until all
	// are about to block, then some more. (No timers: time.Sleep would
	// start threads that answer SIGQUIT too.)
	for unparked.Load() > 0 {
		runtime.Gosched()
	}
	for i := 0; i < 100; i++ {
		runtime.Gosched()
	}
	if len(os.Args) > 2 && os.Args[2] == "crash" {
		syscall.Kill(os.Getpid(), syscall.SIGQUIT)
		select {}
	}
	fmt.Println("ready")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		fmt.Println(runtime.NumGoroutine())
	}
}
