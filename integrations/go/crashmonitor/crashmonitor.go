// Package crashmonitor sends a Go program's crashes to gentrace.
//
// Start re-executes the program as its own monitor, as
// runtime/debug.SetCrashOutput's example does: the runtime writes its crash
// report to the monitor's stdin as well as to stderr. The monitor reads it
// whole, then hands it to `gentrace crashtext` (a trace file: the Trace
// protobuf's JSON, each frame placed and symbolized from the binary, PCs
// rebased, a signature for grouping) and/or POSTs it to a gentrace
// service's /v1/tracebacks, naming the program by its build ID.
//
// Go 1.23 or newer (debug.SetCrashOutput).
package crashmonitor

import (
	"bytes"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"time"
)

// Config says where a crash goes; each destination is optional.
type Config struct {
	// TextFile keeps the runtime's crash text as it came.
	TextFile string
	// Gentrace is the gentrace command; with TraceFile, `gentrace crashtext`
	// writes the trace there.
	Gentrace  string
	TraceFile string
	// ServiceURL is a gentrace service ("http://127.0.0.1:8390"), which
	// must hold the binary (PUT /v1/binaries) or fetch it by build ID; its
	// answer goes to ServiceTraceFile when set.
	ServiceURL       string
	ServiceTraceFile string
}

// The environment variable that tells the monitor from the program.
const monitorEnv = "GENTRACE_CRASHMONITOR"

// Start makes the program its own crash monitor: called early in main. In
// the monitor it does not return (the monitor exits once the program has
// ended); in the program it returns an error if the monitor cannot start.
func Start(config Config) error {
	if os.Getenv(monitorEnv) != "" {
		monitor(config)
		os.Exit(0)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), monitorEnv+"=1")
	cmd.Stderr = os.Stderr
	pipe, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	file, ok := pipe.(*os.File)
	if !ok {
		return errors.New("crashmonitor: the monitor's stdin is not a file")
	}
	if err := debug.SetCrashOutput(file, debug.CrashOptions{}); err != nil {
		return err
	}
	// SetCrashOutput holds its own descriptor.
	return pipe.Close()
}

// monitor reads the crash report (nothing when the program ends well) and
// sends it where the configuration says.
func monitor(config Config) {
	text, err := io.ReadAll(os.Stdin)
	if err != nil || len(text) == 0 {
		return
	}
	report := func(err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, "crashmonitor:", err)
		}
	}
	if config.TextFile != "" {
		report(os.WriteFile(config.TextFile, text, 0o644))
	}
	exe, err := os.Executable()
	if err != nil {
		report(err)
		return
	}
	if config.Gentrace != "" && config.TraceFile != "" {
		cmd := exec.Command(config.Gentrace, "crashtext", "--binary="+exe)
		cmd.Stdin = bytes.NewReader(text)
		cmd.Stderr = os.Stderr
		trace, err := cmd.Output()
		if err == nil {
			err = os.WriteFile(config.TraceFile, trace, 0o644)
		}
		report(err)
	}
	if config.ServiceURL != "" {
		report(post(config, exe, text))
	}
}

// post sends the crash text to the service's /v1/tracebacks, naming the
// binary by its GNU build ID, else its Go build ID.
func post(config Config, exe string, text []byte) error {
	id, err := buildID(exe)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 30 * time.Second}
	response, err := client.Post(
		strings.TrimSuffix(config.ServiceURL, "/")+"/v1/tracebacks?build_id="+url.QueryEscape(id),
		"text/plain", bytes.NewReader(text))
	if err != nil {
		return err
	}
	defer response.Body.Close()
	body, err := io.ReadAll(response.Body)
	if err != nil {
		return err
	}
	if response.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", response.Status, bytes.TrimSpace(body))
	}
	if config.ServiceTraceFile != "" {
		return os.WriteFile(config.ServiceTraceFile, body, 0o644)
	}
	return nil
}

// buildID reads the executable's GNU build ID note, else its Go build ID
// note.
func buildID(exe string) (string, error) {
	f, err := elf.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var goID string
	for _, section := range f.Sections {
		if section.Type != elf.SHT_NOTE {
			continue
		}
		data, err := section.Data()
		if err != nil {
			continue
		}
		for len(data) >= 12 {
			nameSize := f.ByteOrder.Uint32(data[0:4])
			descSize := f.ByteOrder.Uint32(data[4:8])
			noteType := f.ByteOrder.Uint32(data[8:12])
			nameEnd := 12 + (nameSize+3)&^3
			descEnd := uint64(nameEnd) + uint64((descSize+3)&^3)
			if uint64(len(data)) < descEnd || nameSize == 0 {
				break
			}
			// The name as written, NUL padding and all ("Go\x00\x00").
			name := strings.TrimRight(string(data[12:12+nameSize]), "\x00")
			desc := data[nameEnd : uint64(nameEnd)+uint64(descSize)]
			switch {
			case name == "GNU" && noteType == 3: // NT_GNU_BUILD_ID
				return hex.EncodeToString(desc), nil
			case name == "Go" && noteType == 4: // the Go build ID
				goID = string(desc)
			}
			data = data[descEnd:]
		}
	}
	if goID == "" {
		return "", errors.New("the executable has no build ID")
	}
	return goID, nil
}
