#ifndef GENTRACE_TESTS_TESTING_BREAKPAD_TEXT_H_
#define GENTRACE_TESTS_TESTING_BREAKPAD_TEXT_H_

// What Breakpad's tools print of a minidump, read back for comparison with
// gentrace's minidump reader: minidump_dump's listing of its streams, and
// minidump_stackwalk's human-readable walk (which rust-minidump's
// minidump-stackwalk writes too).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace gentrace::testing {

// Registers by the names Breakpad prints ("rip", "esp", "x29", ...).
using RegisterValues = std::map<std::string, uint64_t>;

struct MinidumpDumpText {
  struct Thread {
    int64_t id = 0;
    RegisterValues registers;  // its context's
  };
  std::vector<Thread> threads;       // the thread list, in order
  std::vector<std::string> files;    // "0xBASE FILE" of every module
  std::vector<std::string> modules;  // "0xBASE FILE BUILD_ID" of each with one
  int64_t crashed = -1;              // the exception stream's thread
  uint32_t signal = 0;               // its exception code
  RegisterValues crash_registers;    // its context
};
MinidumpDumpText ReadMinidumpDumpText(absl::string_view output);

struct StackwalkText {
  std::string crash_reason;  // "SIGSEGV", "EXCEPTION_ACCESS_VIOLATION_WRITE"
  uint64_t crash_address = 0;
  int crashed_thread = -1;   // its index in the thread list
  int64_t crashed_tid = -1;  // when the walk prints it (" - tid: N")
  // The crashed thread's first frame: where it is ("crash + 0x1d72") and
  // the registers printed under it.
  std::string first_frame;
  RegisterValues first_frame_registers;
  struct Module {
    uint64_t base = 0;
    uint64_t last = 0;  // its last byte's address
    std::string name;
    bool main = false;
  };
  std::vector<Module> modules;  // "Loaded modules:"
};
StackwalkText ReadStackwalkText(absl::string_view output);

}  // namespace gentrace::testing

#endif  // GENTRACE_TESTS_TESTING_BREAKPAD_TEXT_H_
