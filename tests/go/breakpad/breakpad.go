//go:build cgo

package main

/*
void install_breakpad(const char* dir);
*/
import "C"

// prepare installs Breakpad's handler, writing its minidumps into dir.
func prepare(dir string) { C.install_breakpad(C.CString(dir)) }
