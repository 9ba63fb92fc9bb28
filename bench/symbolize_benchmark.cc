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
#include "symtab/symbol_index.h"
#include "symtab/symbolizer.h"

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

// The binary's symbolization index, built once, written to a file and
// mapped from it (what `gentrace index` writes and `gentrace symbolize`
// maps).
const gentrace::symtab::SymbolIndex& Index() {
  static const gentrace::symtab::SymbolIndex* index = [] {
    auto fail = [](const absl::Status& status) {
      std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
      std::exit(2);
    };
    auto bytes = gentrace::symtab::SymbolIndex::Build(Opened());
    if (!bytes.ok()) fail(bytes.status());
    char path[] = "/tmp/gentrace_bench_index_XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0 || write(fd, bytes->data(), bytes->size()) !=
                      static_cast<ssize_t>(bytes->size())) {
      fail(absl::UnavailableError("cannot write the index"));
    }
    close(fd);
    auto opened = gentrace::symtab::SymbolIndex::Open(path, Opened());
    unlink(path);
    if (!opened.ok()) fail(opened.status());
    return opened->release();
  }();
  return *index;
}

// Symbolizes `pcs` from the pclntab, or from the index first when
// `use_index` (falling back as gentrace symbolize does).
void SymbolizeAll(benchmark::State& state, const std::vector<uint64_t>& pcs,
                  bool use_index = false) {
  const gentrace::symtab::Symbolizer symbolizer(Opened(),
                                                use_index ? &Index() : nullptr);
  std::vector<gentrace::symtab::SourceFrame> frames;
  int64_t failed = 0;
  for (auto _ : state) {
    for (uint64_t pc : pcs) {
      frames.clear();
      if (!symbolizer.Symbolize(pc, &frames).ok()) ++failed;
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

void BM_IndexRandomPcs(benchmark::State& state) {
  SymbolizeAll(state, RandomPcs(), /*use_index=*/true);
}
BENCHMARK(BM_IndexRandomPcs)->Unit(benchmark::kMillisecond);

void BM_IndexStackOrderPcs(benchmark::State& state) {
  SymbolizeAll(state, StackOrderPcs(), /*use_index=*/true);
}
BENCHMARK(BM_IndexStackOrderPcs)->Unit(benchmark::kMillisecond);

// Symbolizer::SymbolizeBatch over `pcs` in batches of 64 (a profile's
// samples, a traceback's frames), from the pclntab or the index.
void SymbolizeBatches(benchmark::State& state, const std::vector<uint64_t>& pcs,
                      bool use_index) {
  const gentrace::symtab::Symbolizer symbolizer(Opened(),
                                                use_index ? &Index() : nullptr);
  std::vector<gentrace::symtab::Symbolizer::BatchResult> results;
  std::vector<gentrace::symtab::SourceFrame> frames;
  for (auto _ : state) {
    for (size_t at = 0; at + 64 <= pcs.size(); at += 64) {
      symbolizer.SymbolizeBatch(absl::MakeConstSpan(pcs).subspan(at, 64),
                                &results, &frames);
      benchmark::DoNotOptimize(frames.data());
    }
  }
  const size_t batched = pcs.size() - pcs.size() % 64;  // whole batches
  const double done = static_cast<double>(state.iterations()) *
                      static_cast<double>(batched);
  state.SetItemsProcessed(static_cast<int64_t>(done));
  state.counters["time_per_pc"] = benchmark::Counter(
      done, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_BatchOf64RandomPcs(benchmark::State& state) {
  SymbolizeBatches(state, RandomPcs(), /*use_index=*/false);
}
BENCHMARK(BM_BatchOf64RandomPcs)->Unit(benchmark::kMillisecond);

void BM_BatchOf64StackOrderPcs(benchmark::State& state) {
  SymbolizeBatches(state, StackOrderPcs(), /*use_index=*/false);
}
BENCHMARK(BM_BatchOf64StackOrderPcs)->Unit(benchmark::kMillisecond);

void BM_IndexBatchOf64RandomPcs(benchmark::State& state) {
  SymbolizeBatches(state, RandomPcs(), /*use_index=*/true);
}
BENCHMARK(BM_IndexBatchOf64RandomPcs)->Unit(benchmark::kMillisecond);

void BM_IndexBatchOf64StackOrderPcs(benchmark::State& state) {
  SymbolizeBatches(state, StackOrderPcs(), /*use_index=*/true);
}
BENCHMARK(BM_IndexBatchOf64StackOrderPcs)->Unit(benchmark::kMillisecond);

// Building the index (what `gentrace index` does before writing it).
void BM_IndexBuild(benchmark::State& state) {
  for (auto _ : state) {
    auto opened = gentrace::symtab::Binary::Open(g_binary);
    auto bytes = gentrace::symtab::SymbolIndex::Build(**opened);
    benchmark::DoNotOptimize(bytes->data());
    state.counters["index_bytes"] = static_cast<double>(bytes->size());
    state.counters["pclntab_bytes"] =
        static_cast<double>((*opened)->pclntab().size());
  }
}
BENCHMARK(BM_IndexBuild)->Unit(benchmark::kMillisecond)->Iterations(3);

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
