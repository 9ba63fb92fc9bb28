module gentrace.test/stepping

go 1.19
