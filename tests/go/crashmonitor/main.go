// Command crashmonitor crashes, with gentrace's crash monitor watching
// (integrations/go/crashmonitor): `prog MODE` with MODE one of panic, nil,
// maps (concurrent map writes), deadlock or quit (SIGQUIT to itself). Where
// the crash goes comes from the environment: CRASH_TEXT, GENTRACE and
// CRASH_TRACE, GENTRACE_URL and SERVICE_TRACE.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"

	"gentrace.dev/integrations/go/crashmonitor"
)

type node struct{ next *node }

//go:noinline
func deref(n *node) *node { return n.next }

func lookup(n *node) *node {
	return deref(n) // inlined into crash
}

//go:noinline
func crash(mode string) {
	switch mode {
	case "panic":
		panic(fmt.Sprintf("gentrace: %s", mode))
	case "nil":
		fmt.Println(lookup(nil))
	case "maps":
		m := map[int]int{}
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; ; j++ {
					m[j%64] = j
				}
			}()
		}
		wg.Wait()
	case "deadlock":
		var mu sync.Mutex
		mu.Lock()
		mu.Lock()
	case "quit":
		// To this thread, which takes it as the kill returns: the report's
		// first goroutine is this one in the kill, every run.
		runtime.LockOSThread()
		syscall.Tgkill(os.Getpid(), syscall.Gettid(), syscall.SIGQUIT)
		time.Sleep(time.Minute)
	}
}

func main() {
	if err := crashmonitor.Start(crashmonitor.Config{
		TextFile:         os.Getenv("CRASH_TEXT"),
		Gentrace:         os.Getenv("GENTRACE"),
		TraceFile:        os.Getenv("CRASH_TRACE"),
		ServiceURL:       os.Getenv("GENTRACE_URL"),
		ServiceTraceFile: os.Getenv("SERVICE_TRACE"),
	}); err != nil {
		fmt.Fprintln(os.Stderr, "no crash monitor:", err)
		os.Exit(2)
	}
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: prog panic|nil|maps|deadlock|quit")
		os.Exit(2)
	}
	crash(os.Args[1])
}
