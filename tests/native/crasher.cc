// A C++ program that crashes (or stops) at a chosen depth, for the native
// unwinding tests: `crasher DEPTH segv` writes through a null pointer DEPTH
// calls below main; `crasher DEPTH stop` prints "stopped", then raises
// SIGSTOP there (for ptrace and gdb attaching). The call chain goes through
// a namespace, a class template and a lambda so that names must be
// demangled, and every function is kept out of line (gentrace names
// physical frames; gdb would also list inlined ones).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__SANITIZE_ADDRESS__)
// The tests wait for a SIGSEGV (or SIGSTOP): AddressSanitizer is told to
// leave the fault to the kernel, UndefinedBehaviorSanitizer (in Crash) to
// let the store through null fault.
extern "C" const char* __asan_default_options() { return "handle_segv=0"; }
#endif

namespace crasher {

volatile int* volatile null_pointer = nullptr;
volatile int sink = 0;

[[gnu::noinline, gnu::no_sanitize("null")]] void Crash(bool stop) {
  if (stop) {
    std::printf("stopped\n");
    std::fflush(stdout);
    std::raise(SIGSTOP);
    return;
  }
  *null_pointer = 1;
}

template <typename T>
struct Descender {
  [[gnu::noinline]] static void Down(int depth, bool stop) {
    if (depth <= 1) {
      Crash(stop);
    } else {
      Down(depth - 1, stop);
    }
    sink = sink + 1;  // not a tail call
  }
};

[[gnu::noinline]] void Start(int depth, bool stop) {
  auto descend = [&](int d) __attribute__((noinline)) {
    Descender<long>::Down(d, stop);
  };
  descend(depth);
  sink = sink + 1;
}

}  // namespace crasher

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[2], "segv") != 0 &&
                    std::strcmp(argv[2], "stop") != 0)) {
    std::fprintf(stderr, "usage: crasher DEPTH segv|stop\n");
    return 2;
  }
  crasher::Start(std::atoi(argv[1]), std::strcmp(argv[2], "stop") == 0);
  return 0;
}
