// Symbolization speed on a large real Go binary, against `go tool addr2line`
// on the same PCs in the same run.
//
//   bazel run //bench:symbolize_benchmark -- --binary=PATH
//       [--addr2line=/usr/lib/go-1.23/bin/go] [benchmark flags]
//
// Reported per benchmark: pcs_per_second (items_per_second) and ns per PC.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "benchmark/benchmark.h"
#include "symtab/binary.h"

namespace {

std::string g_binary;
std::string g_go =
    "/usr/lib/go-1.23/bin/go";  // its addr2line reads all formats

constexpr int kPcs = 100000;

const gentrace::symtab::Binary& Opened() {
  static const gentrace::symtab::Binary* binary = [] {
    auto opened = gentrace::symtab::Binary::Open(g_binary);
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n",
                   std::string(opened.status().message()).c_str());
      std::exit(2);
    }
    return opened->release();
  }();
  return *binary;
}

// Uniformly random PCs over the Go text.
const std::vector<uint64_t>& RandomPcs() {
  static const std::vector<uint64_t> pcs = [] {
    const auto& table = Opened().pclntab();
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<uint64_t> dist(table.min_pc(),
                                                 table.max_pc() - 1);
    std::vector<uint64_t> out(kPcs);
    for (uint64_t& pc : out) pc = dist(rng);
    return out;
  }();
  return pcs;
}

// PCs as profiles and tracebacks present them: a modest set of stacks, each
// a chain of call sites, repeated many times.
const std::vector<uint64_t>& StackOrderPcs() {
  static const std::vector<uint64_t> pcs = [] {
    const auto& table = Opened().pclntab();
    std::mt19937_64 rng(7);
    std::vector<std::vector<uint64_t>> stacks(200);
    for (auto& stack : stacks) {
      for (int depth = 0; depth < 30; ++depth) {
        auto func = table.FuncAt(rng() % table.num_funcs());
        if (!func.ok()) continue;
        const uint64_t size = func->end() - func->entry();
        stack.push_back(func->entry() + (size > 1 ? rng() % size : 0));
      }
    }
    std::vector<uint64_t> out;
    while (out.size() < kPcs) {
      const auto& stack = stacks[rng() % stacks.size()];
      out.insert(out.end(), stack.begin(), stack.end());
    }
    out.resize(kPcs);
    return out;
  }();
  return pcs;
}

void SymbolizeAll(benchmark::State& state, const std::vector<uint64_t>& pcs) {
  const auto& binary = Opened();
  std::vector<gentrace::symtab::SourceFrame> frames;
  int64_t failed = 0;
  for (auto _ : state) {
    for (uint64_t pc : pcs) {
      frames.clear();
      if (!binary.Symbolize(pc, &frames).ok()) ++failed;
      benchmark::DoNotOptimize(frames.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * pcs.size());
  state.counters["time_per_pc"] = benchmark::Counter(
      static_cast<double>(state.iterations() * pcs.size()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["failed_per_iteration"] =
      static_cast<double>(failed) / std::max<int64_t>(1, state.iterations());
}

void BM_GentraceRandomPcs(benchmark::State& state) {
  SymbolizeAll(state, RandomPcs());
}
BENCHMARK(BM_GentraceRandomPcs)->Unit(benchmark::kMillisecond);

void BM_GentraceStackOrderPcs(benchmark::State& state) {
  SymbolizeAll(state, StackOrderPcs());
}
BENCHMARK(BM_GentraceStackOrderPcs)->Unit(benchmark::kMillisecond);

// `go tool addr2line` as a whole process over the same PCs (it reads them
// from stdin), so its start-up is amortised over 100,000 PCs.
void Addr2line(benchmark::State& state, const std::vector<uint64_t>& pcs) {
  char input[] = "/tmp/gentrace_bench_pcs_XXXXXX";
  const int fd = mkstemp(input);
  std::string text;
  for (uint64_t pc : pcs) absl::StrAppend(&text, "0x", absl::Hex(pc), "\n");
  if (fd < 0 || write(fd, text.data(), text.size()) !=
                    static_cast<ssize_t>(text.size())) {
    state.SkipWithError("cannot write the PC list");
    return;
  }
  close(fd);
  const std::string command = absl::StrCat(g_go, " tool addr2line ", g_binary,
                                           " < ", input, " > /dev/null");
  for (auto _ : state) {
    if (std::system(command.c_str()) != 0) {
      state.SkipWithError("go tool addr2line failed");
      break;
    }
  }
  unlink(input);
  state.SetItemsProcessed(state.iterations() * pcs.size());
}

void BM_Addr2lineRandomPcs(benchmark::State& state) {
  Addr2line(state, RandomPcs());
}
BENCHMARK(BM_Addr2lineRandomPcs)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

void BM_Addr2lineStackOrderPcs(benchmark::State& state) {
  Addr2line(state, StackOrderPcs());
}
BENCHMARK(BM_Addr2lineStackOrderPcs)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

// Opening is lazy: headers only, no table decoded in full.
void BM_Open(benchmark::State& state) {
  for (auto _ : state) {
    auto binary = gentrace::symtab::Binary::Open(g_binary);
    if (!binary.ok()) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(binary);
  }
}
BENCHMARK(BM_Open)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--binary=")) {
      g_binary = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--addr2line=")) {
      g_go = std::string(arg);
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (g_binary.empty()) {
    std::fprintf(stderr,
                 "usage: symbolize_benchmark --binary=PATH [--addr2line=GO]\n");
    return 2;
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
