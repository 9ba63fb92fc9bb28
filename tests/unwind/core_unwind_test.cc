// The Go unwinder against the runtime's own output: programs built with Go
// 1.19 for every GOARCH crash under GOTRACEBACK=crash (qemu-user for foreign
// arches), which prints every goroutine's frames with fp=, sp= and pc= and
// dumps core. Started at the first frame the runtime printed for a goroutine
// and reading the core's memory, the unwinder must reproduce every
// following frame exactly, down to runtime.goexit.
//
// Starting from the crashing thread's registers instead would mean crossing
// the kernel's signal frame (the thread sits in the SIGABRT handler on the
// signal stack); that belongs to the goroutines issue. Here every thread's
// walk from its registers only has to end cleanly.
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "goruntime/goroutines.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "target/core_file.h"
#include "tests/testing/crashed_program.h"
#include "tests/testing/fixtures.h"
#include "traceback/traceback_text.h"
#include "unwind/go_unwinder.h"

namespace gentrace::unwind {
namespace {

using ::gentrace::testing::FixtureBinary;
using ::gentrace::traceback::GoroutineHeader;
using ::gentrace::traceback::ParseGoroutineHeader;
using ::gentrace::traceback::ParseTracebackText;
using ::gentrace::traceback::TracebackTextFrame;
using ::gentrace::traceback::TracebackTextSection;

struct PrintedFrame {
  std::string function;
  uint64_t pc = 0, sp = 0, fp = 0;
};

struct PrintedChain {
  std::string header;  // "goroutine 1 [running]:"
  std::vector<PrintedFrame> frames;
};

// Chains of physical frames (those printed with fp= sp= pc=) per goroutine.
std::vector<PrintedChain> ParseCrash(const std::string& text) {
  std::vector<PrintedChain> chains;
  for (const traceback::TracebackTextSection& section :
       traceback::ParseTracebackText(text)) {
    PrintedChain chain{section.header, {}};
    for (const traceback::TracebackTextFrame& f : section.frames) {
      if (f.pc && f.sp && f.fp) {
        chain.frames.push_back({f.function, *f.pc, *f.sp, *f.fp});
      }
    }
    chains.push_back(std::move(chain));
  }
  return chains;
}

std::string Describe(uint64_t pc, uint64_t sp, uint64_t fp) {
  return absl::StrCat("pc=0x", absl::Hex(pc), " sp=0x", absl::Hex(sp), " fp=0x",
                      absl::Hex(fp));
}

class CoreUnwindTest : public ::testing::TestWithParam<FixtureBinary> {
 protected:
  void SetUp() override {
    absl::StatusOr<gentrace::testing::CrashedProgram> crashed =
        gentrace::testing::OpenCrashedProgram(GetParam().path,
                                              GetParam().path + ".core");
    ASSERT_TRUE(crashed.ok()) << crashed.status();
    program_ = *std::move(crashed);
  }
  const symtab::Binary& binary() const { return *program_->binary; }
  const target::CoreFile& core() const { return *program_->core; }
  std::optional<gentrace::testing::CrashedProgram> program_;
};

// Unwinds from a register state and expects exactly the printed frames;
// returns how many it compared.
int ExpectPrintedChain(const symtab::Pclntab& table, const target::Target& core,
                       uint64_t pc, uint64_t sp, uint64_t lr,
                       const PrintedChain& chain) {
  GoUnwinder unwinder(table, core.arch(), core.memory());
  unwinder.Start(pc, sp, lr, /*trap=*/false);
  size_t next = 0;
  for (; unwinder.valid(); unwinder.Next()) {
    // GOTRACEBACK=crash prints every frame, wrappers included.
    const GoFrame& f = unwinder.frame();
    if (next >= chain.frames.size()) {
      // A chain the runtime cut short ("...frames elided...") ends before
      // the stack does; a whole one ends at goexit.
      if (chain.frames.back().function != "runtime.goexit") return next;
      ADD_FAILURE() << "extra frame " << Describe(f.pc, f.sp, f.fp);
      return next;
    }
    const PrintedFrame& want = chain.frames[next++];
    if (Describe(f.pc, f.sp, f.fp) != Describe(want.pc, want.sp, want.fp)) {
      ADD_FAILURE() << want.function << ": got " << Describe(f.pc, f.sp, f.fp)
                    << ", printed " << Describe(want.pc, want.sp, want.fp);
      return next;
    }
  }
  EXPECT_EQ(next, chain.frames.size())
      << "stopped early: " << StopReasonName(unwinder.stop_reason()) << " "
      << unwinder.stop_detail();
  if (chain.frames.back().function == "runtime.goexit") {
    EXPECT_EQ(unwinder.stop_reason(), StopReason::kTopOfStack);
  }
  return next;
}

TEST_P(CoreUnwindTest, ReproducesEveryPrintedGoroutine) {
  std::vector<PrintedChain> chains = ParseCrash(
      gentrace::testing::ReadFileOrEmpty(GetParam().path + ".crash.txt"));
  int compared_chains = 0, compared_frames = 0;
  for (const PrintedChain& chain : chains) {
    if (chain.frames.empty()) continue;
    SCOPED_TRACE(chain.header);
    // A goroutine's saved state includes its LR on LR machines (g.sched.lr):
    // for one that has not yet allocated its frame (not started, say), that
    // is the return address, which the runtime printed as the next pc.
    const PrintedFrame& first = chain.frames.front();
    const uint64_t lr = core().arch().uses_lr && chain.frames.size() > 1
                            ? chain.frames[1].pc
                            : 0;
    compared_frames += ExpectPrintedChain(binary().pclntab(), core(), first.pc,
                                          first.sp, lr, chain);
    ++compared_chains;
  }
  EXPECT_GE(compared_chains, 2) << "the crash shows at least two goroutines";
  RecordProperty("goroutines", compared_chains);
  RecordProperty("frames", compared_frames);
}

// The goroutines read from the core's runtime.allgs are the ones the runtime
// printed, with the same status, and each one that is not running unwinds
// from its saved g.sched (or syscall state) to exactly the printed frames.
TEST_P(CoreUnwindTest, EnumeratesGoroutinesLikeTheRuntime) {
  absl::StatusOr<goruntime::GoroutineReader> reader =
      goruntime::GoroutineReader::Create(binary(), core().arch(),
                                         core().memory());
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::StatusOr<std::vector<goruntime::Goroutine>> goroutines =
      reader->ReadAll();
  ASSERT_TRUE(goroutines.ok()) << goroutines.status();
  absl::flat_hash_map<int64_t, const goruntime::Goroutine*> by_goid;
  for (const goruntime::Goroutine& g : *goroutines) {
    // Not the g of an extra M for cgo callbacks (Go 1.26+), which the
    // runtime does not print either.
    const uint32_t state = g.status & ~goruntime::kGscan;
    if (state != goruntime::kGdead && state != goruntime::kGdeadextra) {
      by_goid[g.goid] = &g;
    }
  }
  int printed = 0, unwound = 0;
  absl::flat_hash_set<int64_t> printed_ids;
  for (const PrintedChain& chain :
       ParseCrash(gentrace::testing::ReadFileOrEmpty(GetParam().path +
                                                     ".crash.txt"))) {
    std::optional<traceback::GoroutineHeader> header =
        traceback::ParseGoroutineHeader(chain.header);
    // Goroutine 0 is a thread's scheduler stack, not a goroutine.
    if (!header || header->id == 0) continue;
    const int64_t goid = header->id;
    const std::string& status = header->status;
    SCOPED_TRACE(chain.header);
    // A goroutine printed again by the thread running it is checked once.
    if (!printed_ids.insert(goid).second) continue;
    ++printed;
    auto it = by_goid.find(goid);
    ASSERT_NE(it, by_goid.end()) << "goroutine " << goid << " not in allgs";
    const goruntime::Goroutine& g = *it->second;
    EXPECT_EQ(reader->StatusText(g), status);
    const uint32_t state = g.status & ~goruntime::kGscan;
    if (state == goruntime::kGrunning || chain.frames.empty()) continue;
    const bool in_syscall = state == goruntime::kGsyscall;
    ExpectPrintedChain(binary().pclntab(), core(),
                       in_syscall ? g.syscall_pc : g.sched_pc,
                       in_syscall ? g.syscall_sp : g.sched_sp,
                       in_syscall ? 0 : g.sched_lr, chain);
    ++unwound;
  }
  // GOTRACEBACK=crash prints every goroutine that is not dead.
  EXPECT_EQ(printed, static_cast<int>(by_goid.size()));
  EXPECT_GE(unwound, 1);
  RecordProperty("goroutines", printed);
  RecordProperty("unwound_from_sched", unwound);
}

// A wait the runtime has stamped (g.waitsince) prints its whole minutes
// after the status and any " (scan)", before ", locked to thread", as the
// runtime's goroutine header does; under a minute, or not waiting, nothing.
TEST_P(CoreUnwindTest, LongWaitsPrintTheirMinutes) {
  absl::StatusOr<goruntime::GoroutineReader> reader =
      goruntime::GoroutineReader::Create(binary(), core().arch(),
                                         core().memory());
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::StatusOr<std::vector<goruntime::Goroutine>> goroutines =
      reader->ReadAll();
  ASSERT_TRUE(goroutines.ok()) << goroutines.status();
  constexpr int64_t kSince = 1'000'000;
  constexpr int64_t kMinute = 60'000'000'000;
  int waiting = 0;
  for (goruntime::Goroutine g : *goroutines) {
    const uint32_t state = g.status & ~goruntime::kGscan;
    if (state == goruntime::kGdead) continue;
    const std::string status = reader->StatusText(g);
    g.wait_since = kSince;
    if (state != goruntime::kGwaiting && state != goruntime::kGsyscall) {
      EXPECT_EQ(reader->StatusText(g, kSince + 5 * kMinute), status);
      continue;
    }
    ++waiting;
    std::string expected = status;
    const size_t locked = expected.find(", locked to thread");
    expected.insert(locked == std::string::npos ? expected.size() : locked,
                    ", 3 minutes");
    EXPECT_EQ(reader->StatusText(g, kSince + 3 * kMinute + kMinute / 2),
              expected);
    EXPECT_EQ(reader->StatusText(g, kSince + kMinute - 1), status);
    g.wait_since = 0;  // never stamped: no minutes however long
    EXPECT_EQ(reader->StatusText(g, kSince + 3 * kMinute), status);
  }
  EXPECT_GE(waiting, 1);
}

TEST_P(CoreUnwindTest, EveryThreadFromItsRegistersEndsCleanly) {
  ASSERT_FALSE(core().threads().empty());
  int frames = 0;
  for (const target::Thread& thread : core().threads()) {
    const arch::ArchInfo& arch = core().arch();
    std::optional<uint64_t> pc = thread.registers.pc();
    std::optional<uint64_t> sp = thread.registers.sp();
    ASSERT_TRUE(pc && sp) << "thread " << thread.tid;
    GoUnwinder unwinder(binary().pclntab(), arch, core().memory(),
                        /*max_frames=*/1000);
    unwinder.Start(*pc, *sp, thread.registers.lr(), /*trap=*/true);
    uint64_t last_sp = 0;
    bool in_signal_handler = false;
    bool in_clone = false;
    int thread_frames = 0;
    for (; unwinder.valid(); unwinder.Next()) {
      EXPECT_GE(unwinder.frame().sp, last_sp);
      last_sp = unwinder.frame().sp;
      ++frames;
      ++thread_frames;
      absl::StatusOr<symtab::Func> func =
          binary().pclntab().FindFunc(unwinder.frame().pc);
      absl::StatusOr<absl::string_view> name =
          func.ok() ? func->Name() : func.status();
      in_signal_handler |= name.ok() && absl::StrContains(*name, "sigtramp");
      in_clone |= name.ok() && *name == "runtime.clone";
    }
    // A thread's Go frames end at the top of its stack, or where it
    // switched stacks (mcall, morestack, systemstack); only the thread
    // handling the crash signal may end at the kernel's signal frame, which
    // the goroutine view will cross; and a thread caught inside a function
    // that writes SP (runtime.clone, starting a thread) ends there, as the
    // runtime's own unwinder does; on 386, whose clone is no SPWRITE
    // function, the new thread's empty stack gives no caller.
    const bool caught_in_spwrite =
        thread_frames == 1 &&
        (unwinder.stop_reason() == StopReason::kSpWrite || in_clone);
    if (!in_signal_handler && !caught_in_spwrite) {
      EXPECT_TRUE(unwinder.stop_reason() == StopReason::kTopOfStack ||
                  unwinder.stop_reason() == StopReason::kStackSwitch)
          << "thread " << thread.tid << ": "
          << StopReasonName(unwinder.stop_reason()) << " "
          << unwinder.stop_detail();
    }
    EXPECT_NE(unwinder.stop_reason(), StopReason::kFrameLimit);
    EXPECT_NE(unwinder.stop_reason(), StopReason::kNone);
  }
  RecordProperty("thread_frames", frames);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, CoreUnwindTest,
    ::testing::ValuesIn(gentrace::testing::FixturesWith(".core")),
    gentrace::testing::FixtureTestName());

TEST(CoreUnwindFixturesTest, ArePresent) {
  // Every GOARCH but riscv64, for which qemu-user 7.2 writes no core.
  ASSERT_GE(gentrace::testing::FixturesWith(".core").size(), 12u)
      << gentrace::testing::MissingFixturesMessage();
}

}  // namespace
}  // namespace gentrace::unwind
