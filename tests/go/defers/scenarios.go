package main

import "sync"

// The scenarios, each run in a goroutine of its own by run. Each function
// gets the channel whose closing releases it.
var scenarios = []struct {
	name string
	fn   func(release <-chan bool)
}{
	{"open-coded", openCoded},
	{"loop", inLoop},
	{"stack", onStack},
	{"nested", outer},
	{"panic", panicOuter},
	{"in-place", inPlace},
	{"deferreturn", inDeferreturn},
}

// never is false, but the compiler cannot know that.
var never bool

var sink int

// note is the plain function deferred with an argument; the compiler wraps
// `defer note(x)` into a closure of no arguments that calls note(x).
//
//go:noinline
func note(x int) {
	sink += x
	ran(1)
}

// bare is deferred as it is: it takes no arguments, so no wrapper.
//
//go:noinline
func bare() { ran(0) }

type T struct{ n int }

// m is deferred as a method value: `defer t.m()` is wrapped too.
//
//go:noinline
func (t T) m() {
	sink += t.n
	ran(1)
}

// openCoded has up to 8 defers and no loop, so its defers are open-coded:
// each is a closure in a stack slot and a bit in the frame's deferBits. The
// second defer statement does not run, so bit 1 stays clear (bits 0, 2 and 3
// are set), and on return its exit code calls the others directly.
//
//go:noinline
func openCoded(release <-chan bool) {
	t := T{n: 3}
	local := 2
	defer note(1)
	if never {
		defer note(99)
	}
	defer func() {
		sink += local
		ran(0)
	}()
	defer t.m()
	local++
	park(release)
}

// inLoop defers in a loop: each defer is a heap-allocated _defer record (and
// the function has no open-coded defers at all).
//
//go:noinline
func inLoop(release <-chan bool) {
	for i := 0; i < 3; i++ {
		defer note(i)
	}
	park(release)
}

// onStack has 9 defer statements, more than the 8 that can be open-coded,
// and none in a loop: each is a _defer record on the stack.
//
//go:noinline
func onStack(release <-chan bool) {
	defer note(1)
	defer note(2)
	defer bare()
	defer note(4)
	defer func() { ran(0) }()
	defer note(6)
	defer T{n: 7}.m()
	defer note(8)
	defer note(9)
	park(release)
}

// outer, middle and inner leave defers pending in three frames: open-coded
// in outer and inner, a heap record from the loop and a stack record in
// middle.
//
//go:noinline
func outer(release <-chan bool) {
	defer note(1)
	defer func() { ran(0) }()
	middle(release)
}

//go:noinline
func middle(release <-chan bool) {
	for i := 0; i < 2; i++ {
		defer note(i)
	}
	defer bare()
	inner(release)
}

//go:noinline
func inner(release <-chan bool) {
	defer T{n: 1}.m()
	defer note(2)
	park(release)
}

// panicOuter, panicMiddle and panicking park in the middle of a panic:
// panicking defers X then Y and panics; the panic runs Y, which parks. So
// at "ready" Y is running (its "ran" line came before "ready") and pending
// are X, which the panic runs next and which recovers, and the defers of
// the frames below (open-coded in panicOuter, a heap record from the loop
// in panicMiddle), which, the panic recovered, run as those frames return.
//
//go:noinline
func panicOuter(release <-chan bool) {
	defer note(1)
	panicMiddle(release)
}

//go:noinline
func panicMiddle(release <-chan bool) {
	for i := 0; i < 2; i++ {
		defer note(i)
	}
	panicking(release)
}

//go:noinline
func panicking(release <-chan bool) {
	defer func() { // X
		ran(0)
		if recover() == nil {
			panic("nothing to recover")
		}
	}()
	defer func() { // Y
		ran(0)
		park(release)
	}()
	panic("parked while panicking")
}

// account has the shapes of real code: `defer mu.Unlock()` and
// `defer wg.Done()`, here through methods of package main that log.
type account struct {
	mu sync.Mutex
	wg sync.WaitGroup
}

//go:noinline
func (a *account) unlock() {
	ran(1)
	a.mu.Unlock()
}

//go:noinline
func (a *account) done() {
	ran(1)
	a.wg.Done()
}

var acct account

// inPlace parks in the frame that deferred (open-coded), not in a callee.
//
//go:noinline
func inPlace(release <-chan bool) {
	acct.wg.Add(1)
	defer acct.done()
	acct.mu.Lock()
	defer acct.unlock()
	defer bare()
	parking <- goid()
	<-release
}

// checkInPlace checks that inPlace's deferred calls did their work.
func checkInPlace() {
	acct.wg.Wait()
	if !acct.mu.TryLock() {
		panic("acct.mu still locked")
	}
}

// inDeferreturn parks inside a deferred call that deferreturn made on an
// ordinary return: its last defer (a stack record, since the loop makes the
// function's defers records) runs first and parks; pending are the three
// heap records from the loop, which deferreturn runs next.
//
//go:noinline
func inDeferreturn(release <-chan bool) {
	for i := 0; i < 3; i++ {
		defer note(i)
	}
	defer func() {
		ran(0)
		park(release)
	}()
}
