// Writes a CPU profile of itself with runtime/pprof, symbolized by the
// runtime: tests/fixtures/build_cpu_profiles.sh runs it, and
// tests/unwind/pprof_symbolize_runtime_test takes the profile's symbols out
// and has gentrace pprof-symbolize put them back.
//
//	prog OUT.pb.gz
package main

import (
	"os"
	"runtime/pprof"
	"time"
)

var sink uint64

// mix is small enough to be inlined into its callers.
func mix(x uint64) uint64 { return x*6364136223846793005 + 1442695040888963407 }

//go:noinline
func spin(n int) uint64 {
	x := uint64(n)
	for i := 0; i < n; i++ {
		x = mix(x) ^ (x >> 7)
	}
	return x
}

//go:noinline
func outer(n int) uint64 { return spin(n) + mix(uint64(n)) }

func busy(until time.Time) {
	for time.Now().Before(until) {
		sink += outer(100000)
		sink += spin(50000)
	}
}

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	done := make(chan bool)
	until := time.Now().Add(1500 * time.Millisecond)
	go func() { busy(until); done <- true }()
	busy(until)
	<-done
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		panic(err)
	}
}
