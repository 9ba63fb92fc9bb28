#ifndef GENTRACE_TESTS_TESTING_RUNTIME_REPORT_H_
#define GENTRACE_TESTS_TESTING_RUNTIME_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace gentrace::testing {

// A frame as the Go runtime printed it in a crash report: "function
// file:line" (runtime.gopanic, which it prints as "panic", by its name),
// and its pc= (0 for an inlined call, or where the level printed none).
struct PrintedFrame {
  std::string frame;
  uint64_t pc = 0;
};

// A goroutine block of a report, in the order printed (a `runtime stack:`
// as goroutine 0; a goroutine may be printed twice, when two threads throw
// at once). "created by" lines are not frames.
struct PrintedBlock {
  int64_t id = 0;
  std::vector<PrintedFrame> frames;
};

std::vector<PrintedBlock> ReadRuntimeReport(const std::string& text);

}  // namespace gentrace::testing

#endif  // GENTRACE_TESTS_TESTING_RUNTIME_REPORT_H_
