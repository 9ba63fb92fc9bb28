// Command stepping is single-stepped by tests/unwind/stepping/record.py: its
// goroutine `root` runs shapes of functions whose every instruction the
// unwinder must get right. Everything is //go:noinline so that each shape
// keeps its own frame.
package main

import "os"

var sink int

// leaf has no frame: its return address stays in the link register.
//
//go:noinline
func leaf(x int) int { return x*3 + 1 }

// recurse builds a chain of known depth.
//
//go:noinline
func recurse(n int) int {
	if n == 0 {
		return leaf(n)
	}
	return recurse(n-1) + 1
}

type counter struct{ n int }

type valuer interface{ Value() int }

// Value has a value receiver, so calling it through a *counter in an
// interface goes through the wrapper main.(*counter).Value.
//
//go:noinline
func (c counter) Value() int { return c.n + leaf(c.n) }

//go:noinline
func callValuer(v valuer) int { return v.Value() }

//go:noinline
func makeAdder(k int) func(int) int {
	return func(x int) int { return x + k + leaf(x) }
}

//go:noinline
func apply(f func(int) int, x int) int { return f(x) }

//go:noinline
func touch(b *[1100]int64, n int) {
	b[n%len(b)] = int64(n)
	b[len(b)-1] = int64(n) + 1
}

// bigFrame's frame is larger than a new goroutine's whole stack, so its
// prologue calls runtime.morestack before it runs the body.
//
//go:noinline
func bigFrame(n int) int {
	var buf [1100]int64
	touch(&buf, n)
	return int(buf[len(buf)-1]) + leaf(n)
}

var done = make(chan int, 1)

func root() {
	r := recurse(3)
	r += callValuer(&counter{r})
	r += apply(makeAdder(r), r)
	r += bigFrame(r)
	done <- r
}

func main() {
	go root()
	sink = <-done
	if sink == 0 {
		os.Exit(1)
	}
}
