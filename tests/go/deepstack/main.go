// Command deepstack is a benchmark fixture for gentrace's unwinder.
//
//	deepstack crash N        recurses N frames deep, then faults (for a
//	                         GOTRACEBACK=crash core of an N-deep stack)
//	deepstack callers N REPS recurses N frames deep, then times REPS calls
//	                         of runtime.Callers there and prints
//	                         "<frames> frames <ns> ns/frame"
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: deepstack crash N | deepstack callers N REPS")
		os.Exit(2)
	}
	depth, _ := strconv.Atoi(os.Args[2])
	switch os.Args[1] {
	case "crash":
		descend(depth, func() { fault(nil) })
	case "callers":
		reps, _ := strconv.Atoi(os.Args[3])
		descend(depth, func() { timeCallers(reps) })
	}
}

// descend calls itself n times, then at.
//
//go:noinline
func descend(n int, at func()) int {
	if n <= 0 {
		at()
		return 0
	}
	return descend(n-1, at) + 1
}

//go:noinline
func fault(p *int) int { return *p }

func timeCallers(reps int) {
	pcs := make([]uintptr, 4096)
	frames := runtime.Callers(0, pcs)
	start := time.Now()
	for i := 0; i < reps; i++ {
		runtime.Callers(0, pcs)
	}
	ns := float64(time.Since(start).Nanoseconds()) / float64(reps*frames)
	fmt.Printf("%d frames %.2f ns/frame\n", frames, ns)
}
