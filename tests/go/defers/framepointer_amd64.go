package main

import "unsafe"

const haveFramePointers = true

// framePointer returns its caller's frame pointer (BP): the address where
// the caller saved its own caller's BP, with the caller's return address one
// word above.
func framePointer() unsafe.Pointer

// callers fills pcs with the return addresses of the frames above it,
// starting with its own (into its caller), by following the frame-pointer
// chain as the runtime's execution tracer does (Go 1.21+). On amd64 every
// Go function that has a frame, the runtime's included, saves BP on entry
// and points BP at the saved value; all functions between a deferred call
// and its deferring frame have frames. Unlike runtime.Callers it leaves out
// no frame. The goroutine's first frame saved a zero BP, which ends the
// chain. The loop makes no calls, so the stack cannot move under it.
//
//go:noinline
func callers(pcs []uintptr) int {
	fp := framePointer()
	n := 0
	for fp != nil && n < len(pcs) {
		pcs[n] = *(*uintptr)(unsafe.Add(fp, unsafe.Sizeof(uintptr(0))))
		fp = *(*unsafe.Pointer)(fp)
		n++
	}
	return n
}
