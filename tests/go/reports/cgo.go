//go:build cgo

package main

/*
#include <unistd.h>

// Sleeps for good, in C.
static void sleepInC(void) {
	for (;;) sleep(1);
}
*/
import "C"

import (
	"syscall"
	"time"
)

// sigquit-in-c: SIGQUIT while the main goroutine is in a cgo call, so that
// its M reports from C code ("signal arrived during cgo execution").
func init() {
	modes["sigquit-in-c"] = func() {
		go func() {
			time.Sleep(100 * time.Millisecond)
			signal(syscall.SIGQUIT)
		}()
		C.sleepInC()
	}
}
