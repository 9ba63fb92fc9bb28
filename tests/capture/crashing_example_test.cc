// A test that crashes, to show what //capture:bazel_test_crash_handler does
// for a cc_test under `bazel test` (tests/run_tests.sh checks it).
#include <cstdio>

namespace example {

volatile int* volatile nowhere = nullptr;

[[gnu::noinline]] void CrashForTheExample() { *nowhere = 1; }

[[gnu::noinline]] void RunTheExample() {
  CrashForTheExample();
  std::printf("not reached\n");
}

}  // namespace example

int main() {
  example::RunTheExample();
  return 0;
}
