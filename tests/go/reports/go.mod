module gentrace.test/reports

go 1.19
