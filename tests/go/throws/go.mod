module gentrace.test/throws

go 1.19
