module gentrace.test/cgo

go 1.19
