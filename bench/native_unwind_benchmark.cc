// Native unwinding speed, ns per frame at depths 10, 100 and 1000 of a C++
// recursion: gentrace's local native unwinder (libunwind's local cursor,
// pc and SP per frame; and its pcs-only fast trace), against libunwind's
// own unw_backtrace and absl's GetStackTrace, in the same run; and the time
// from a signal to a complete in-process capture written (to /dev/null).
//
//   bazel run -c opt //bench:native_unwind_benchmark
#include <fcntl.h>
#include <libunwind.h>
#include <signal.h>
#include <unistd.h>

#include <vector>

#include "absl/debugging/stacktrace.h"
#include "bench/stack_depth.h"
#include "benchmark/benchmark.h"
#include "capture/in_process_capture.h"
#include "unwind/native_unwinder.h"

namespace {

void Gentrace(benchmark::State& state) {
  std::vector<gentrace::unwind::NativeFrame> frames(4096);
  auto unwind = [&] {
    return gentrace::unwind::UnwindLocalNative(nullptr, absl::MakeSpan(frames));
  };
  gentrace::bench::UnwindAtDepth(static_cast<int>(state.range(0)), state,
                                 unwind);
}

void GentracePcsOnly(benchmark::State& state) {
  std::vector<uint64_t> pcs(4096);
  auto unwind = [&] {
    return gentrace::unwind::BacktraceLocalNative(nullptr, absl::MakeSpan(pcs));
  };
  gentrace::bench::UnwindAtDepth(static_cast<int>(state.range(0)), state,
                                 unwind);
}

void UnwBacktrace(benchmark::State& state) {
  std::vector<void*> buffer(4096);
  auto unwind = [&] {
    return unw_backtrace(buffer.data(), static_cast<int>(buffer.size()));
  };
  gentrace::bench::UnwindAtDepth(static_cast<int>(state.range(0)), state,
                                 unwind);
}

void AbslGetStackTrace(benchmark::State& state) {
  std::vector<void*> buffer(4096);
  auto unwind = [&] {
    return absl::GetStackTrace(buffer.data(), static_cast<int>(buffer.size()),
                               0);
  };
  gentrace::bench::UnwindAtDepth(static_cast<int>(state.range(0)), state,
                                 unwind);
}

int g_null_fd = -1;

void CaptureOnSignal(int, siginfo_t* info, void* context) {
  gentrace::capture::CaptureCurrentThread(
      g_null_fd, {.signal_context = context, .signal_info = info});
}

// raise(2) to the capture written: signal delivery, registers, 64 KiB of
// stack (less if the stack ends first), native frames, the module list.
void SignalToCapture(benchmark::State& state) {
  g_null_fd = open("/dev/null", O_WRONLY);
  struct sigaction action {};
  action.sa_sigaction = CaptureOnSignal;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  struct sigaction previous {};
  sigaction(SIGUSR1, &action, &previous);
  for (auto _ : state) raise(SIGUSR1);
  sigaction(SIGUSR1, &previous, nullptr);
  close(g_null_fd);
}

BENCHMARK(Gentrace)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(GentracePcsOnly)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(UnwBacktrace)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(AbslGetStackTrace)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(SignalToCapture);

}  // namespace

BENCHMARK_MAIN();
