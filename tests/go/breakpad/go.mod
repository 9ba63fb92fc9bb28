module gentrace.test/breakpad

go 1.19
