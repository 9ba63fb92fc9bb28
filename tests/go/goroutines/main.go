// Command goroutines parks goroutines in every common state (one of them in
// the middle of a panic, and keeps one spinning), then crashes
// (nil dereference) so that GOTRACEBACK=crash prints them all and dumps
// core: the ground truth for gentrace's goroutine view
// (tests/unwind/goroutine_text_test.cc). Only its sleeping goroutine uses a
// timer, which starts the network poller; qemu-mips64 and qemu-mips64el
// handle that badly, so there the program has no sleeper (sleeper*.go).
package main

import (
	"runtime"
	"sync"
	"syscall"
)

var sink int

// deep parks at the bottom of a recursion deeper than the runtime prints.
//
//go:noinline
func deep(n int, ready chan<- bool, block <-chan bool) int {
	if n == 0 {
		ready <- true
		<-block
		return 0
	}
	return deep(n-1, ready, block) + 1
}

// withDefers parks with deferred calls pending.
//
//go:noinline
func withDefers(ready chan<- bool, block <-chan bool) {
	defer func() { sink++ }()
	defer func() { sink += 2 }()
	ready <- true
	<-block
}

// panicking parks in a deferred call while its panic is under way, so its
// traceback runs through the runtime's panic machinery.
//
//go:noinline
func panicking(ready chan<- bool, block <-chan bool) {
	defer func() {
		ready <- true
		<-block
	}()
	panic("parked while panicking")
}

//go:noinline
func sendForever(ready chan<- bool, full chan<- int) {
	ready <- true
	full <- 1
}

//go:noinline
func selectForever(ready chan<- bool, block <-chan bool, full chan<- int) {
	ready <- true
	select {
	case <-block:
	case full <- 2:
	}
}

//go:noinline
func lockForever(ready chan<- bool, mu *sync.Mutex) {
	ready <- true
	mu.Lock()
}

//go:noinline
func waitGroupForever(ready chan<- bool, wg *sync.WaitGroup) {
	ready <- true
	wg.Wait()
}

//go:noinline
func condForever(ready chan<- bool, cond *sync.Cond) {
	cond.L.Lock()
	ready <- true
	cond.Wait()
}

// readForever blocks in a read(2) system call on a pipe nobody writes.
//
//go:noinline
func readForever(ready chan<- bool, fd int) {
	ready <- true
	var buf [1]byte
	syscall.Read(fd, buf[:])
}

// spawn starts a goroutine that parks and then exits itself, so the parked
// one has two ancestors (with GODEBUG=tracebackancestors).
//
//go:noinline
func spawn(ready chan<- bool, block <-chan bool) {
	go withDefers(ready, block)
}

//go:noinline
func emptySelect(ready chan<- bool) {
	ready <- true
	select {}
}

// spin never calls a function, so only asynchronous preemption stops it.
// With one P, main runs (and crashes) only after the spinner was preempted:
// it is runnable, its frames through runtime.asyncPreempt, in the dump and
// in the core alike. (With more Ps it could be preempted between the two.)
//
//go:noinline
func spin(ready chan<- bool) {
	ready <- true
	x := 0
	for {
		x++
		if x == 0 {
			sink = x
		}
	}
}

type node struct{ next *node }

//go:noinline
func fault(n *node) int {
	return len([]*node{n.next})
}

func main() {
	runtime.GOMAXPROCS(1)
	ready := make(chan bool)
	block := make(chan bool)
	full := make(chan int)
	var mu sync.Mutex
	mu.Lock()
	var wg sync.WaitGroup
	wg.Add(1)
	cond := sync.NewCond(&sync.Mutex{})
	var pipe [2]int
	if err := syscall.Pipe(pipe[:]); err != nil {
		panic(err)
	}

	go sendForever(ready, full)
	go selectForever(ready, block, full)
	go lockForever(ready, &mu)
	go waitGroupForever(ready, &wg)
	go condForever(ready, cond)
	go readForever(ready, pipe[0])
	go emptySelect(ready)
	go withDefers(ready, block)
	go deep(120, ready, block)
	go func() { // a closure
		ready <- true
		<-block
	}()
	go spin(ready)
	go panicking(ready, block)
	go spawn(ready, block)
	goroutines := 13
	if startSleeper(ready) {
		goroutines++
	}
	for i := 0; i < goroutines; i++ {
		<-ready
	}
	// Let every goroutine reach its blocking call.
	for i := 0; i < 1000; i++ {
		runtime.Gosched()
	}
	sink = fault(nil)
}
