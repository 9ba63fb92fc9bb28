// Go unwinding speed: ns per frame over captured stacks 10, 100 and 1000
// frames deep (amd64 and arm64, cut from GOTRACEBACK=crash cores), with and
// without symbolization; against, in the same run, the Go runtime's own
// runtime.Callers on the same program natively (amd64) and libunwind's
// unw_backtrace on a C++ stack of the same depth.
//
//   bazel run //bench:unwind_benchmark --
//       --fixtures=$HOME/.cache/gentrace/fixtures/bench
//
// The fixtures come from tests/fixtures/build_bench_stacks.sh (run by
// tests/run_tests.sh).
#include <libunwind.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "bench/fixtures_flag.h"
#include "bench/stack_depth.h"
#include "benchmark/benchmark.h"
#include "symtab/binary.h"
#include "symtab/mapped_file.h"
#include "target/core_file.h"
#include "target/range_memory.h"
#include "traceback/traceback_text.h"
#include "unwind/go_unwinder.h"

namespace {

constexpr int kDepths[] = {10, 100, 1000};
constexpr uint64_t kMaxStackBytes = uint64_t{1} << 20;

// A goroutine's state at the first frame the runtime printed for goroutine
// 1, and its stack memory, as a capture would hold them.
struct StackCapture {
  std::unique_ptr<gentrace::symtab::Binary> binary;
  const gentrace::arch::ArchInfo* arch = nullptr;
  std::unique_ptr<gentrace::target::RangeMemory> memory;
  uint64_t pc = 0, sp = 0, lr = 0;
  // The first frame's frame pointer (amd64: its saved BP is 16 bytes below
  // the fp= the runtime printed), and the stack's bytes from sp.
  uint64_t bp = 0;
  std::string stack;
};

std::string ReadFile(const std::string& path) {
  auto file = gentrace::symtab::MappedFile::Open(path);
  if (!file.ok()) return "";
  return std::string(reinterpret_cast<const char*>((*file)->bytes().data()),
                     (*file)->bytes().size());
}

std::unique_ptr<StackCapture> LoadStackCapture(const std::string& dir,
                                               const std::string& arch,
                                               int depth) {
  auto capture = std::make_unique<StackCapture>();
  auto binary =
      gentrace::symtab::Binary::Open(absl::StrCat(dir, "/", arch, "/prog"));
  const std::string base =
      absl::StrCat(dir, "/", arch, "/depth", depth, "/prog");
  auto core = gentrace::target::CoreFile::Open(base + ".core");
  if (!binary.ok() || !core.ok()) return nullptr;
  capture->binary = *std::move(binary);
  capture->arch = &(*core)->arch();
  // The first two printed frames of goroutine 1 give pc, sp and the LR.
  std::vector<gentrace::traceback::TracebackTextFrame> frames;
  for (const auto& section :
       gentrace::traceback::ParseTracebackText(ReadFile(base + ".crash.txt"))) {
    if (!absl::StartsWith(section.header, "goroutine 1 ")) continue;
    for (const auto& frame : section.frames) {
      if (frame.pc && frame.sp) frames.push_back(frame);
    }
    break;
  }
  if (frames.size() < 2) return nullptr;
  capture->pc = *frames[0].pc;
  capture->sp = *frames[0].sp;
  capture->lr = capture->arch->uses_lr ? *frames[1].pc : 0;
  capture->bp = frames[0].fp ? *frames[0].fp - 16 : 0;
  auto stack = (*core)->memory().ReadToEnd(capture->sp);
  if (!stack) return nullptr;
  const uint64_t size = std::min<uint64_t>(stack->size(), kMaxStackBytes);
  capture->stack.assign(reinterpret_cast<const char*>(stack->data().data()),
                        size);
  auto memory = gentrace::target::RangeMemory::Create(
      {{capture->sp, capture->stack}}, capture->arch->byte_order);
  if (!memory.ok()) return nullptr;
  capture->memory =
      std::make_unique<gentrace::target::RangeMemory>(*std::move(memory));
  return capture;
}

void Unwind(benchmark::State& state, const StackCapture* capture,
            bool symbolize) {
  gentrace::unwind::GoUnwinder unwinder(capture->binary->pclntab(),
                                        *capture->arch, *capture->memory);
  std::vector<gentrace::symtab::SourceFrame> frames;
  int64_t total = 0, per_walk = 0;
  for (auto _ : state) {
    per_walk = 0;
    for (unwinder.Start(capture->pc, capture->sp, capture->lr, false);
         unwinder.valid(); unwinder.Next()) {
      if (symbolize) {
        frames.clear();
        const auto& f = unwinder.frame();
        (void)capture->binary->Symbolize(f.pc == f.entry ? f.pc : f.pc - 1,
                                         &frames);
      }
      ++per_walk;
    }
    total += per_walk;
  }
  state.counters["frames"] = static_cast<double>(per_walk);
  state.counters["time_per_frame"] = benchmark::Counter(
      static_cast<double>(total),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["stop_top_of_stack"] =
      unwinder.stop_reason() == gentrace::unwind::StopReason::kTopOfStack;
}

// A frame-pointer walk over the same amd64 stacks: each frame's return
// address is at bp+8 and its caller's frame pointer at bp, read straight
// from the stack's bytes. With `lookup`, each return address's function and
// SP delta are looked up too (Pclntab::FrameAt, as Unwind does): a walk
// needs the function to know where it ends, and the SP delta to know the
// frame pointer is set up at that pc. Without, it is the floor of any
// frame-pointer walk; with, it is what a frame-pointer fast path in the
// unwinder would cost at least.
void FramePointerWalk(benchmark::State& state, const StackCapture* capture,
                      bool lookup) {
  const gentrace::symtab::Pclntab& table = capture->binary->pclntab();
  auto word_at = [capture](uint64_t address, uint64_t* word) {
    if (address < capture->sp ||
        address - capture->sp > capture->stack.size() - 8) {
      return false;
    }
    std::memcpy(word, capture->stack.data() + (address - capture->sp), 8);
    return true;
  };
  int64_t total = 0, per_walk = 0;
  for (auto _ : state) {
    per_walk = 1;
    uint64_t bp = capture->bp, pc = capture->pc, caller_bp = 0;
    // A return address is looked up at pc-1, the call; not the pc that a
    // signal interrupted, which sigpanic appears to return to.
    bool interrupted = true;
    while (true) {
      if (lookup) {
        auto frame = table.FrameAt(interrupted ? pc : pc - 1);
        if (!frame.ok() || !frame->sp_delta.ok()) break;
        interrupted =
            frame->facts->func_id == gentrace::symtab::FuncId::kSigpanic;
      }
      if (!word_at(bp + 8, &pc) || !word_at(bp, &caller_bp) || pc == 0) break;
      benchmark::DoNotOptimize(pc);
      ++per_walk;
      if (caller_bp <= bp) break;
      bp = caller_bp;
    }
    total += per_walk;
  }
  state.counters["frames"] = static_cast<double>(per_walk);
  state.counters["time_per_frame"] = benchmark::Counter(
      static_cast<double>(total),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// runtime.Callers, timed inside the Go program itself.
void RuntimeCallers(benchmark::State& state, const std::string& prog,
                    int depth) {
  const std::string command =
      absl::StrCat(prog, " callers ", depth, " ", 2000000 / depth);
  for (auto _ : state) {
    std::FILE* out = popen(command.c_str(), "r");
    char line[256] = {0};
    if (out == nullptr || std::fgets(line, sizeof(line), out) == nullptr) {
      state.SkipWithError("cannot run the Go program");
      if (out != nullptr) pclose(out);
      return;
    }
    pclose(out);
    // "<frames> frames <ns> ns/frame"
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
    double frames = 0, ns = 0;
    if (words.size() < 4 || !absl::SimpleAtod(words[0], &frames) ||
        !absl::SimpleAtod(words[2], &ns)) {
      state.SkipWithError("unexpected output from the Go program");
      return;
    }
    state.SetIterationTime(ns * 1e-9 * frames);
    state.counters["frames"] = frames;
    state.counters["time_per_frame"] = ns * 1e-9;
  }
}

// libunwind on a C++ stack `depth` frames deep.
void UnwBacktrace(benchmark::State& state, int depth) {
  std::vector<void*> buffer(4096);
  auto unwind = [&] {
    return unw_backtrace(buffer.data(), static_cast<int>(buffer.size()));
  };
  gentrace::bench::UnwindAtDepth(depth, state, unwind);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  const std::string fixtures =
      gentrace::bench::FixturesFlag(argc, argv, "bench", &rest);
  if (fixtures.empty()) {
    std::fprintf(stderr,
                 "usage: unwind_benchmark --fixtures=DIR (see the header)\n");
    return 2;
  }
  static std::vector<std::unique_ptr<StackCapture>> captures;
  for (const char* arch : {"amd64", "arm64"}) {
    for (int depth : kDepths) {
      std::unique_ptr<StackCapture> capture =
          LoadStackCapture(fixtures, arch, depth);
      if (capture == nullptr) {
        std::fprintf(stderr, "no %s depth-%d stack under %s\n", arch, depth,
                     fixtures.c_str());
        return 2;
      }
      const StackCapture* c = capture.get();
      captures.push_back(std::move(capture));
      benchmark::RegisterBenchmark(
          absl::StrCat("Unwind/", arch, "/depth", depth).c_str(),
          [c](benchmark::State& s) { Unwind(s, c, false); });
      benchmark::RegisterBenchmark(
          absl::StrCat("UnwindSymbolized/", arch, "/depth", depth).c_str(),
          [c](benchmark::State& s) { Unwind(s, c, true); });
      if (!c->arch->uses_lr) {  // amd64: the return address beside BP
        benchmark::RegisterBenchmark(
            absl::StrCat("FramePointerChain/amd64/depth", depth).c_str(),
            [c](benchmark::State& s) { FramePointerWalk(s, c, false); });
        benchmark::RegisterBenchmark(
            absl::StrCat("FramePointerChainLookedUp/amd64/depth", depth)
                .c_str(),
            [c](benchmark::State& s) { FramePointerWalk(s, c, true); });
      }
    }
  }
  for (int depth : kDepths) {
    const std::string prog = fixtures + "/amd64/prog";
    benchmark::RegisterBenchmark(
        absl::StrCat("RuntimeCallers/amd64/depth", depth).c_str(),
        [prog, depth](benchmark::State& s) { RuntimeCallers(s, prog, depth); })
        ->UseManualTime()
        ->Iterations(3);
    benchmark::RegisterBenchmark(
        absl::StrCat("UnwBacktrace/amd64/depth", depth).c_str(),
        [depth](benchmark::State& s) { UnwBacktrace(s, depth); });
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
