#ifndef GENTRACE_BENCH_FIXTURES_FLAG_H_
#define GENTRACE_BENCH_FIXTURES_FLAG_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace gentrace::bench {

// The benchmarks' one flag of their own: --fixtures=DIR, defaulting to
// $GENTRACE_FIXTURES/<subdir>. Moves every other argument to `rest` (for
// benchmark::Initialize); returns "" when neither is given.
std::string FixturesFlag(int argc, char** argv, absl::string_view subdir,
                         std::vector<char*>* rest);

}  // namespace gentrace::bench

#endif  // GENTRACE_BENCH_FIXTURES_FLAG_H_
