#ifndef GENTRACE_BENCH_STACK_DEPTH_H_
#define GENTRACE_BENCH_STACK_DEPTH_H_

#include <cstdint>

#include "benchmark/benchmark.h"

namespace gentrace::bench {

// Runs the benchmark loop `depth` C++ frames below its caller, calling
// `unwind` (which returns how many frames it found) each iteration, and
// reports the frames and the time per frame.
template <typename Unwind>
[[gnu::noinline]] int UnwindAtDepth(int depth, benchmark::State& state,
                                    Unwind& unwind) {
  if (depth > 1) {
    const int frames = UnwindAtDepth(depth - 1, state, unwind);
    benchmark::DoNotOptimize(frames);  // not a tail call
    return frames;
  }
  int frames = 0;
  int64_t total = 0;
  for (auto _ : state) {
    frames = unwind();
    total += frames;
  }
  state.counters["frames"] = frames;
  state.counters["time_per_frame"] = benchmark::Counter(
      static_cast<double>(total),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  return frames;
}

}  // namespace gentrace::bench

#endif  // GENTRACE_BENCH_STACK_DEPTH_H_
