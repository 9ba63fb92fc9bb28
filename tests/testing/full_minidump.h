#ifndef GENTRACE_TESTS_TESTING_FULL_MINIDUMP_H_
#define GENTRACE_TESTS_TESTING_FULL_MINIDUMP_H_

#include <string>

#include "absl/status/statusor.h"

namespace gentrace::testing {

// A full-memory minidump of the program an ELF core holds, as Crashpad's and
// Windows' writers make them (Breakpad's Linux writer, the one at hand,
// keeps only stacks): system information, each thread with its registers in
// the minidump context of its architecture (the arch table's layout), a
// Memory64List of every byte the core captured, and Linux auxv (AT_ENTRY,
// AT_PAGESZ) and maps streams. UnimplementedError for an architecture with
// no minidump context in the table.
absl::StatusOr<std::string> FullMemoryMinidumpOfCore(
    const std::string& core_path);

}  // namespace gentrace::testing

#endif  // GENTRACE_TESTS_TESTING_FULL_MINIDUMP_H_
