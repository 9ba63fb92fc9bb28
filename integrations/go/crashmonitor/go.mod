module gentrace.dev/integrations/go/crashmonitor

go 1.23
