module gentrace.test/pcsample

go 1.19
