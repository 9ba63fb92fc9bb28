// Command symbolize is a fixture for gentrace: a small program whose binaries
// (built by tests/fixtures/build_go_programs.sh) carry a known mix of
// inlined, non-inlined, generic, closure, wrapper and recursive functions.
//
// With no arguments it prints one line and exits 0. With the argument
// "crash" it dereferences a nil pointer at the end of a chain of inlined
// calls while a second goroutine is parked in a channel receive, so the
// runtime's traceback (GOTRACEBACK=all) shows inlined frames for both.
package main

import "os"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "crash" {
		crash()
		return
	}
	os.Stdout.WriteString(summary() + "\n")
}

// summary touches every kind of function the fixture is meant to contain.
//
//go:noinline
func summary() string {
	total := 0
	defer func() { total = -total }() // deferred closure; result below is read before it runs

	n := &node{val: 4}
	total += level1(n)             // 3-level inlined chain across chain_a.go/chain_b.go
	total += fib(10)               // recursion
	total += totalArea(shapes())   // interface calls through method wrappers
	total += sumOf([]int{1, 2, 3}) // generics, each instantiated for int and string
	total += maxOf([]int{3, 9, 4})
	word := maxOf([]string{"pc", "line", "table"}) + sumOf([]string{"-", "ok"})
	total += produce(5) // goroutine + channel
	add := adder(7)     // closure capturing a variable
	total += apply(add, 1)

	return "symbolize ok: total=" + itoa(total) + " word=" + word
}
