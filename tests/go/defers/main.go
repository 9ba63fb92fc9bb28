// Command defers parks goroutines with deferred calls pending, the ground
// truth for gentrace's listing of pending defers. Each scenario (see
// scenarios.go) runs in its own goroutine, sets up its defers in one or more
// frames and parks in a channel receive. Then the program prints, for each,
//
//	scenario <goid> <name>
//
// then "ready", and waits for a line on stdin (EOF will do too); gentrace
// inspects it meanwhile. After that it releases the scenarios one at a time,
// each only after the one before has finished, so the output has one order.
// Every deferred call prints, when it runs,
//
//	ran <goid> <deferred function> <deferring frame>
//
// and the program ends with "done". For a parked goroutine, its "ran" lines
// after "ready" are its pending defers at the time of "ready", in the order
// they ran: innermost frame first, last deferred first within a frame. A
// deferred call that had started before "ready" (the panic scenario's, which
// parks mid-panic) prints its "ran" line before "ready", when it starts.
//
// <deferred function> is the function the runtime (or, for an open-coded
// defer on return, the deferring function itself) calls: the function whose
// code pointer is in the _defer record or open-coded slot. For `defer f(x)`
// and `defer t.m()` that is the wrapper closure the compiler made
// (main.openCoded.func1 up to Go 1.21, main.openCoded.deferwrap1 from 1.22),
// not f. <deferring frame> is the function that ran the defer statement.
// See ran for how both are found.
//
// The program runs only on amd64 (framepointer*.go); elsewhere it builds but
// exits 2.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// parking carries each scenario goroutine's id just before it parks.
var parking = make(chan int64)

// goid is the calling goroutine's id, from the header line
// "goroutine N [...]:" that runtime.Stack prints.
func goid() int64 {
	var buf [64]byte
	s := strings.TrimPrefix(string(buf[:runtime.Stack(buf[:], false)]), "goroutine ")
	id, err := strconv.ParseInt(s[:strings.IndexByte(s, ' ')], 10, 64)
	if err != nil {
		panic("no goroutine id in runtime.Stack: " + err.Error())
	}
	return id
}

// park announces the goroutine and blocks until release is closed.
//
//go:noinline
func park(release <-chan bool) {
	parking <- goid()
	<-release
}

// ran prints the "ran" line for the deferred call it is called from. depth
// is the number of calls between the deferred function and ran's caller: 0
// when the deferred function calls ran itself (a func literal, or a
// function of no arguments deferred directly), 1 when it calls a function
// that calls ran (the compiler's wrapper for `defer note(x)` calls note).
//
// The frames come from the frame-pointer chain, not runtime.Callers:
// Callers leaves out the compiler's defer wrappers (they are marked as
// wrappers, and tracebacks elide wrappers unless they called panic), and
// CallersFrames cannot expand inlining on PCs that Callers did not produce.
// Each frame is named by its physical function (FuncForPC of the function
// entry); no function between ran and the deferring frame is inlined
// (note and the methods are //go:noinline, deferred functions are called
// through a pointer, and a function with a defer statement is never
// inlined). Counting from ran's caller, the frame at depth is the deferred
// function. Above it come runtime frames when the runtime made the call
// (runtime.deferreturn; runtime.gopanic and, up to Go 1.21,
// runtime.runOpenDeferFrame and runtime.deferCallSave for a panic), or none
// for an open-coded defer run on return; the first frame above the deferred
// function whose name does not start with "runtime." is the deferring frame.
// (In a panic that is the function that panicked, which in this program is
// always the deferring one.)
//
//go:noinline
func ran(depth int) {
	var pcs [64]uintptr
	n := callers(pcs[:])
	// pcs[0] is callers' return address, into ran; pcs[1] is ran's, into
	// ran's caller.
	var names []string
	for i := 1; i < n; i++ {
		names = append(names, physicalName(pcs[i]))
	}
	fn, frame := "", ""
	if depth < len(names) {
		fn = names[depth]
		for _, name := range names[depth+1:] {
			if !strings.HasPrefix(name, "runtime.") {
				frame = name
				break
			}
		}
	}
	if fn == "" || frame == "" {
		fmt.Fprintf(os.Stderr, "defers: no deferred function or frame at depth %d in %q\n", depth, names)
		os.Exit(1)
	}
	fmt.Printf("ran %d %s %s\n", goid(), fn, frame)
}

// physicalName is the name of the function whose code holds the return
// address pc: FuncForPC answers for the innermost inlined function at a PC,
// but with the entry of the function that contains it.
func physicalName(pc uintptr) string {
	f := runtime.FuncForPC(pc - 1)
	if f == nil {
		return "?"
	}
	if outer := runtime.FuncForPC(f.Entry()); outer != nil {
		return outer.Name()
	}
	return f.Name()
}

// waitParked returns once goroutine id is blocked in a channel receive
// ("goroutine N [chan receive]:" in an all-goroutines runtime.Stack), so
// that nothing about it changes before "ready".
func waitParked(id int64) {
	want := fmt.Sprintf("goroutine %d [chan receive", id)
	buf := make([]byte, 1<<20)
	for {
		for _, line := range bytes.Split(buf[:runtime.Stack(buf, true)], []byte("\n")) {
			if bytes.HasPrefix(line, []byte(want)) {
				return
			}
		}
		runtime.Gosched()
	}
}

// run is each scenario goroutine's first function; it has no defers.
//
//go:noinline
func run(fn func(release <-chan bool), release <-chan bool, finished chan<- bool) {
	fn(release)
	finished <- true
}

func main() {
	if !haveFramePointers {
		fmt.Fprintf(os.Stderr, "defers: runs only on amd64, not on %s\n", runtime.GOARCH)
		os.Exit(2)
	}
	type started struct {
		name     string
		id       int64
		release  chan bool
		finished chan bool
	}
	var all []started
	// One at a time, so that the panic scenario's early "ran" line comes in
	// a fixed place.
	for _, s := range scenarios {
		st := started{name: s.name, release: make(chan bool), finished: make(chan bool)}
		go run(s.fn, st.release, st.finished)
		st.id = <-parking
		waitParked(st.id)
		all = append(all, st)
	}
	for _, st := range all {
		fmt.Printf("scenario %d %s\n", st.id, st.name)
	}
	// os.Stdout is unbuffered: each Printf is one write(2).
	fmt.Println("ready")
	bufio.NewReader(os.Stdin).ReadString('\n')
	for _, st := range all {
		close(st.release)
		<-st.finished
	}
	checkInPlace()
	fmt.Println("done")
}
