#ifndef GENTRACE_TESTS_TESTING_EXERCISE_BINARY_H_
#define GENTRACE_TESTS_TESTING_EXERCISE_BINARY_H_

#include <string>

#include "absl/status/status.h"
#include "symtab/binary.h"
#include "symtab/pclntab.h"

namespace gentrace::testing {

// Opens `bytes` as a binary and, if that succeeds, drives every symtab
// lookup over it: function records, names, lines, pcsp, inline expansion,
// funcIDs, build metadata. Returns the open status. On hostile input it must
// neither crash, hang nor read out of bounds (run it under ASan/UBSan); the
// corruption test and the fuzzer share it.
absl::Status ExerciseBinary(std::string bytes);

// The same lookups over a binary already open.
void ExerciseOpenBinary(const symtab::Binary& binary);

// Drives the function records of `table` (names, funcIDs, flags, pcsp and
// line tables) over a sample of at most a few hundred functions.
void ExercisePclntab(const symtab::Pclntab& table);

}  // namespace gentrace::testing

#endif  // GENTRACE_TESTS_TESTING_EXERCISE_BINARY_H_
