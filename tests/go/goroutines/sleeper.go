//go:build !mips64 && !mips64le

package main

import "time"

// sleepForever parks in time.Sleep ("sleep" in the goroutine header).
//
//go:noinline
func sleepForever(ready chan<- bool) {
	ready <- true
	time.Sleep(time.Hour)
}

// startSleeper starts a goroutine sleeping on a timer; it reports whether
// it did.
func startSleeper(ready chan<- bool) bool {
	go sleepForever(ready)
	return true
}
