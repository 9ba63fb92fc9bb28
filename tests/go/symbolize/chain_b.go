package main

func level2(n *node) int {
	return level3(n) * 2
}

// deref is the non-inlined leaf of the chain; with n == nil it panics with
// a nil pointer dereference (a real SIGSEGV, turned into a runtime panic).
//
//go:noinline
func deref(n *node) int {
	return n.val
}
