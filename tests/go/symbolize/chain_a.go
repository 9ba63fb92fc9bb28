package main

// node is what the inlined chain walks; a nil *node makes deref fault.
type node struct {
	val  int
	next *node
}

// level1 and level3 live here, level2 in chain_b.go: the inlining chain
// level1 -> level2 -> level3 crosses files twice. They are kept tiny so
// that every toolchain (1.19..1.23) inlines the whole chain.
func level1(n *node) int {
	return level2(n) + 1
}

func level3(n *node) int {
	return deref(n) + 3
}

// recurse adds real (non-inlined) recursive frames above the inlined chain.
//
//go:noinline
func recurse(depth int, n *node) int {
	if depth == 0 {
		return level1(n)
	}
	return recurse(depth-1, n) + 1
}

// fib is plain recursion, never inlined.
func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}
