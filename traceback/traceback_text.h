#ifndef GENTRACE_TRACEBACK_TRACEBACK_TEXT_H_
#define GENTRACE_TRACEBACK_TRACEBACK_TEXT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace gentrace::traceback {

// One frame line pair of a Go runtime traceback:
//   main.f(0x1, ...)
//   	/src/x.go:12 +0x1d fp=0xc000 sp=0xbff0 pc=0x45a081
struct TracebackTextFrame {
  std::string function;  // "panic" is reported as runtime.gopanic
  std::string position;  // file:line
  bool inlined =
      false;            // printed with "(...)": part of the next physical frame
  uint64_t offset = 0;  // the +0x offset from the function entry (0 if none)
  // fp= sp= pc=, printed at GOTRACEBACK=crash (and system).
  std::optional<uint64_t> fp, sp, pc;
};

// The frames under one header ("goroutine 1 [running]:", "runtime stack:");
// a "...frames elided..." line starts a new section with that line as its
// header, because the frames after it do not continue the ones before.
struct TracebackTextSection {
  std::string header;
  std::vector<TracebackTextFrame> frames;
  // The pc of the latest "[signal ... pc=0x...]" line above the section.
  std::optional<uint64_t> signal_pc;
};

// Parses the runtime's traceback text. "created by" lines and anything else
// that is not a frame are skipped. Never fails: unreadable lines are ignored.
std::vector<TracebackTextSection> ParseTracebackText(absl::string_view text);

// A goroutine header line: "goroutine 18 [chan receive]:", from Go 1.22
// with "gp=0x... m=..." before the status.
struct GoroutineHeader {
  int64_t id = 0;
  std::string status;  // between the brackets
};
std::optional<GoroutineHeader> ParseGoroutineHeader(absl::string_view line);

// The "goroutine N ...:" blocks of a traceback, whole, by goroutine id: each
// up to the blank line that ends it, or through its last "created by"
// position (what a crashing process printed next, registers say, is not part
// of it); with GODEBUG=tracebackancestors, its "[originating from goroutine
// N]:" sections included. A goroutine can be printed more than once (a
// crash lists every goroutine, then each thread shows the one it was
// running): every block, in order. Blocks of "goroutine 0" (from 1.21 a crash
// prints other threads' scheduler stacks and registers under that name) are
// left out.
std::map<int64_t, std::vector<std::string>> GoroutineBlocks(
    absl::string_view text);

}  // namespace gentrace::traceback

#endif  // GENTRACE_TRACEBACK_TRACEBACK_TEXT_H_
