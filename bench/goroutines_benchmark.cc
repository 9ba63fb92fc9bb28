// The goroutine view at scale: seconds (and the process's peak memory) to
// print every goroutine of a core with 10,000 goroutines (`gentrace core`:
// open the binary and core, read allgs, unwind, symbolize, render), and of a
// live process (`gentrace pid`: attach, the same, detach) with 1,000, 3,000
// and 10,000 goroutines, to show the cost grows linearly.
//
//   bazel run -c opt //bench:goroutines_benchmark --
//       --fixtures=$HOME/.cache/gentrace/fixtures/go
//
// The fixtures (tests/go/parked built for amd64, and its SIGQUIT core) come
// from tests/fixtures/build_go_programs.sh. peak_rss_mb is the process's
// peak so far: run one benchmark per process (--benchmark_filter) to read
// it per case.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "bench/fixtures_flag.h"
#include "benchmark/benchmark.h"
#include "render/runtime_text.h"
#include "symtab/binary.h"
#include "target/core_file.h"
#include "target/live_process.h"
#include "traceback/goroutines.h"

namespace {

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024;
}

// Every goroutine of `target`, its executable `binary` attached, rendered as
// the runtime's text; returns how many there were, or -1.
int PrintAll(const gentrace::symtab::Binary& binary,
             gentrace::target::Target& target, std::string* text) {
  if (!target.AttachExecutable(binary).ok()) return -1;
  int count = 0;
  std::vector<std::string> notes;
  const gentrace::render::RuntimeTextOptions options{
      .go_minor = binary.go_version() ? binary.go_version()->minor : 0};
  absl::Status status = gentrace::traceback::ForEachGoroutine(
      binary, target,
      [&](gentrace::Goroutine& g) {
        gentrace::render::AppendGoroutineText(g, options, text);
        ++count;
      },
      &notes);
  return status.ok() ? count : -1;
}

void CoreGoroutines(benchmark::State& state, const std::string& dir) {
  int goroutines = 0;
  for (auto _ : state) {
    auto binary = gentrace::symtab::Binary::Open(dir + "/prog");
    auto core = gentrace::target::CoreFile::Open(dir + "/prog.core");
    if (!binary.ok() || !core.ok()) {
      state.SkipWithError("cannot open the fixture");
      return;
    }
    std::string text;
    goroutines = PrintAll(**binary, **core, &text);
    benchmark::DoNotOptimize(text);
  }
  state.counters["goroutines"] = goroutines;
  state.counters["ns_per_goroutine"] = benchmark::Counter(
      goroutines, benchmark::Counter::kIsIterationInvariantRate |
                      benchmark::Counter::kInvert);
  state.counters["peak_rss_mb"] = PeakRssMb();
}

// The parked program with `n` goroutines, waiting on a stdin we hold.
struct Parked {
  pid_t pid = 0;
  int stdin_fd = -1;
};

Parked StartParked(const std::string& program, int n) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[1]);
    close(out[0]);
    const std::string count = absl::StrCat(n);
    execl(program.c_str(), program.c_str(), count.c_str(), nullptr);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  FILE* from = fdopen(out[0], "r");
  char line[64] = {};
  const bool ready = fgets(line, sizeof(line), from) != nullptr &&
                     absl::StripSuffix(line, "\n") == "ready";
  fclose(from);
  if (!ready) return {};
  return {pid, in[1]};
}

void PidGoroutines(benchmark::State& state, const std::string& program) {
  const Parked parked = StartParked(program, static_cast<int>(state.range(0)));
  if (parked.pid == 0) {
    state.SkipWithError("cannot start the parked program");
    return;
  }
  int goroutines = 0;
  for (auto _ : state) {
    auto process = gentrace::target::LiveProcess::Attach(parked.pid);
    if (!process.ok()) {
      state.SkipWithError(std::string(process.status().message()).c_str());
      break;
    }
    auto binary = gentrace::symtab::Binary::Open((*process)->executable_path());
    if (!binary.ok()) {
      state.SkipWithError("cannot open the executable");
      break;
    }
    std::string text;
    goroutines = PrintAll(**binary, **process, &text);
    (*process)->Detach();
    benchmark::DoNotOptimize(text);
  }
  kill(parked.pid, SIGKILL);
  waitpid(parked.pid, nullptr, 0);
  close(parked.stdin_fd);
  state.counters["goroutines"] = goroutines;
  state.counters["ns_per_goroutine"] = benchmark::Counter(
      goroutines, benchmark::Counter::kIsIterationInvariantRate |
                      benchmark::Counter::kInvert);
  state.counters["peak_rss_mb"] = PeakRssMb();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  const std::string fixtures =
      gentrace::bench::FixturesFlag(argc, argv, "go", &rest);
  if (fixtures.empty()) {
    std::fprintf(stderr,
                 "usage: goroutines_benchmark --fixtures=DIR (see the "
                 "header)\n");
    return 2;
  }
  for (const char* toolchain : {"go1.19", "go1.23"}) {
    const std::string dir =
        absl::StrCat(fixtures, "/", toolchain, "/amd64/parked");
    benchmark::RegisterBenchmark(
        absl::StrCat("CoreGoroutines/", toolchain, "/10000").c_str(),
        [dir](benchmark::State& s) { CoreGoroutines(s, dir); })
        ->Unit(benchmark::kMillisecond);
  }
  const std::string program = fixtures + "/go1.23/amd64/parked/prog";
  benchmark::RegisterBenchmark(
      "PidGoroutines/go1.23",
      [program](benchmark::State& s) { PidGoroutines(s, program); })
      ->Arg(1000)
      ->Arg(3000)
      ->Arg(10000)
      ->Unit(benchmark::kMillisecond);
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
