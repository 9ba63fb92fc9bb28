module gentrace.test/symbolize

go 1.19
