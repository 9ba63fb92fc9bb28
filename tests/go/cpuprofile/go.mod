module gentrace.test/cpuprofile

go 1.19
