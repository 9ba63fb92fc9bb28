module gentrace.test/parked

go 1.19
