module gentrace.test/defers

go 1.19
