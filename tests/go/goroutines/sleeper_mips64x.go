//go:build mips64 || mips64le

package main

// startSleeper starts no sleeper on mips64 and mips64le: a timer starts the
// network poller, and qemu-mips64 and qemu-mips64el then hang now and then
// in the crash dump.
func startSleeper(chan<- bool) bool { return false }
