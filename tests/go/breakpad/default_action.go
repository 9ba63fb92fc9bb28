//go:build !cgo

package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"unsafe"
)

// prepare readies the crash: "core" gives SIGSEGV back its default action
// behind the runtime's back (a kernel sigaction of zeros is SIG_DFL, no
// flags, an empty mask); "report" leaves the crash to the runtime.
func prepare(mode string) {
	switch mode {
	case "report":
	case "core":
		// The kernel's sigset_t: 64 signals, 128 on MIPS.
		sigsetSize := uintptr(8)
		if strings.HasPrefix(runtime.GOARCH, "mips") {
			sigsetSize = 16
		}
		var action [4]uint64
		if _, _, errno := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION,
			uintptr(syscall.SIGSEGV), uintptr(unsafe.Pointer(&action)), 0,
			sigsetSize, 0, 0); errno != 0 {
			fmt.Fprintln(os.Stderr, "rt_sigaction:", errno)
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "usage: prog report|core")
		os.Exit(2)
	}
}
