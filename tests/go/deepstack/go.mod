module gentrace.test/deepstack

go 1.19
