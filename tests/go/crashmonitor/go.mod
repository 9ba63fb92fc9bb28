module gentrace.test/crashmonitor

go 1.23

require gentrace.dev/integrations/go/crashmonitor v0.0.0

replace gentrace.dev/integrations/go/crashmonitor => ../../../integrations/go/crashmonitor
