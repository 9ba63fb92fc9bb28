module gentrace.test/goroutines

go 1.19
