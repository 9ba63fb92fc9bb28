// The unwinder on synthetic tables and stacks: frame sizes from pcsp, return
// addresses pushed (x86) or kept in LR (arm64), the ways a walk ends, and
// the jump to g.sched at a stack switch.
#include "unwind/go_unwinder.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "symtab/pclntab.h"
#include "symtab/pclntab_builder.h"
#include "symtab/scattered_memory.h"

namespace gentrace::unwind {
namespace {

using symtab::FuncId;
using symtab::PclntabBuilder;

constexpr uint64_t kText = 0x401000;

using Words = symtab::ScatteredMemory;

symtab::Pclntab::Options Options(int go_minor) {
  symtab::Pclntab::Options options;
  options.go_version = symtab::GoVersion{go_minor, 0};
  return options;
}

struct Program {
  PclntabBuilder builder{kText};
  std::string bytes;
  std::unique_ptr<symtab::Pclntab> table;

  uint64_t Add(std::string name, uint64_t size,
               std::vector<std::pair<uint64_t, int32_t>> sp_deltas,
               FuncId id = FuncId::kNormal, uint8_t flags = 0) {
    return builder.Add(
        {std::move(name), size, id, flags, std::move(sp_deltas)});
  }
  const symtab::Pclntab& Parse() {
    bytes = builder.Build();
    absl::StatusOr<std::unique_ptr<symtab::Pclntab>> parsed =
        symtab::Pclntab::Parse(
            symtab::ByteReader(
                absl::MakeConstSpan(
                    reinterpret_cast<const uint8_t*>(bytes.data()),
                    bytes.size()),
                symtab::ByteOrder::kLittle),
            Options(builder.go_minor()));
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    table = *std::move(parsed);
    return *table;
  }
};

struct Walked {
  std::vector<GoFrame> frames;
  StopReason stop = StopReason::kNone;
  std::string detail;
};

Walked Walk(const symtab::Pclntab& table, const arch::ArchInfo& arch,
            const symtab::AddressSpace& memory, const UnwindStart& start,
            int max_frames = 100) {
  GoUnwinder unwinder(table, arch, memory, max_frames);
  Walked out;
  for (unwinder.Start(start); unwinder.valid(); unwinder.Next()) {
    out.frames.push_back(unwinder.frame());
  }
  out.stop = unwinder.stop_reason();
  out.detail = unwinder.stop_detail();
  return out;
}

const arch::ArchInfo& Amd64() { return *arch::ArchByGoarch("amd64"); }
const arch::ArchInfo& Arm64() { return *arch::ArchByGoarch("arm64"); }

// goexit <- main.a <- main.b <- main.c, the usual shape of a goroutine.
struct Chain {
  Program program;
  uint64_t goexit, a, b, c;
  Chain() {
    goexit = program.Add("runtime.goexit", 16, {{0, 0}}, FuncId::kGoexit,
                         symtab::kFuncFlagTopFrame);
    a = program.Add("main.a", 64, {{0, 0}, {4, 24}});
    b = program.Add("main.b", 64, {{0, 0}, {4, 40}});
    c = program.Add("main.c", 32, {{0, 0}, {4, 8}});
  }
  // x86: a frame's caller SP is its SP plus its SP delta plus the pushed
  // return address, which sits just below.
  void PushReturnAddresses(Words& stack, uint64_t sp) const {
    stack.PutWord(sp + 8, b + 20);   // c: delta 8
    stack.PutWord(sp + 56, a + 30);  // b: delta 40
    stack.PutWord(sp + 88, goexit + 1);
  }
  // From an instruction in main.c with SP at `sp`.
  Walked WalkFromC(const Words& stack, uint64_t sp) {
    return Walk(program.Parse(), Amd64(), stack,
                {.pc = c + 10, .sp = sp, .flags = kUnwindTrap});
  }
};

TEST(GoUnwinderTest, PushedReturnAddressesFollowTheFrameSizes) {
  Chain chain;
  constexpr uint64_t sp = 0xc000100000;
  Words stack;
  chain.PushReturnAddresses(stack, sp);
  const Walked walked = chain.WalkFromC(stack, sp);
  ASSERT_EQ(walked.frames.size(), 4u);
  EXPECT_EQ(walked.stop, StopReason::kTopOfStack);
  const uint64_t want_pc[] = {chain.c + 10, chain.b + 20, chain.a + 30,
                              chain.goexit + 1};
  const uint64_t want_sp[] = {sp, sp + 16, sp + 64, sp + 96};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(walked.frames[i].pc, want_pc[i]) << i;
    EXPECT_EQ(walked.frames[i].sp, want_sp[i]) << i;
    if (i < 3) {
      EXPECT_EQ(walked.frames[i].fp, want_sp[i + 1]) << i;
    }
  }
  EXPECT_EQ(walked.frames[0].source, FrameSource::kRegisters);
  EXPECT_TRUE(walked.frames[0].exact_pc);
  EXPECT_EQ(walked.frames[0].trace_pc, chain.c + 10);
  EXPECT_EQ(walked.frames[1].source, FrameSource::kPcsp);
  EXPECT_FALSE(walked.frames[1].exact_pc);
  EXPECT_EQ(walked.frames[1].trace_pc, chain.b + 19);  // the call
  EXPECT_EQ(walked.frames[1].entry, chain.b);
  EXPECT_EQ(walked.frames[3].func_id, FuncId::kGoexit);
}

// Frames sit next to each other: a walk over one readable region asks the
// address space once, and a word that runs past the region's end is
// unreadable, not read from the bytes the walk saw before.
TEST(GoUnwinderTest, StackWordsComeFromTheRegionLastRead) {
  Chain chain;
  constexpr uint64_t sp = 0xc000100000;
  Words stack;
  for (uint64_t offset = 0; offset < 96; offset += 8)
    stack.PutWord(sp + offset, 0);
  chain.PushReturnAddresses(stack, sp);
  const Walked whole = chain.WalkFromC(stack, sp);
  EXPECT_EQ(whole.frames.size(), 4u);
  EXPECT_EQ(whole.stop, StopReason::kTopOfStack);
  EXPECT_EQ(stack.reads(), 1);

  Words cut;  // b's return address is half mapped
  for (uint64_t offset = 0; offset < 56; offset += 8)
    cut.PutWord(sp + offset, 0);
  cut.PutWord(sp + 8, chain.b + 20);
  cut.PutWord(sp + 56, 0x11, 1);
  const Walked short_read = chain.WalkFromC(cut, sp);
  EXPECT_EQ(short_read.frames.size(), 2u);
  EXPECT_EQ(short_read.stop, StopReason::kUnreadableMemory);
}

// FrameAt remembers, per thread, what it answered for a PC: what it gives
// again (and first) is FrameFactsAt's and the pcsp table's answer, and a
// second table at the same addresses, with other frame sizes, gets its own.
TEST(GoUnwinderTest, RememberedFramesBelongToTheirTable) {
  Chain chain;
  Program other;
  other.Add("runtime.goexit", 16, {{0, 0}}, FuncId::kGoexit,
            symtab::kFuncFlagTopFrame);
  other.Add("main.a", 64, {{0, 0}, {2, 16}});
  other.Add("main.b", 64, {{0, 0}, {2, 8}, {60, 0}});
  other.Add("main.c", 32, {{0, 0}});
  const symtab::Pclntab* tables[] = {&chain.program.Parse(), &other.Parse()};
  for (int pass = 0; pass < 2; ++pass) {
    for (const symtab::Pclntab* table : tables) {
      for (uint64_t pc = table->min_pc(); pc < table->max_pc(); ++pc) {
        absl::StatusOr<symtab::Pclntab::FrameAtPc> at = table->FrameAt(pc);
        absl::StatusOr<const symtab::Pclntab::FrameFacts*> facts =
            table->FrameFactsAt(pc);
        ASSERT_TRUE(at.ok() && facts.ok()) << pc;
        EXPECT_EQ(at->facts, *facts);
        absl::StatusOr<int32_t> want = (*facts)->sp_deltas.ValueAt(pc);
        ASSERT_EQ(at->sp_delta.ok(), want.ok()) << pc;
        if (want.ok()) {
          EXPECT_EQ(*at->sp_delta, *want)
              << absl::StrCat(pass, " 0x", absl::Hex(pc));
        }
      }
    }
  }
  EXPECT_FALSE(tables[0]->FrameAt(tables[0]->max_pc()).ok());
}

TEST(GoUnwinderTest, LinkRegisterUntilThePrologueSavesIt) {
  Chain chain;
  const symtab::Pclntab& table = chain.program.Parse();
  constexpr uint64_t sp = 0xc000100000;
  Words stack;
  // arm64: the innermost frame has not run its prologue (delta 0), so its
  // caller's pc is still in LR; the others saved LR at 0(SP).
  stack.PutWord(sp, chain.a + 24);           // b's saved LR (b's SP is c's)
  stack.PutWord(sp + 40, chain.goexit + 4);  // a's, at a's SP = sp + 40
  const Walked walked =
      Walk(table, Arm64(), stack,
           {.pc = chain.c, .sp = sp, .lr = chain.b + 20, .flags = kUnwindTrap});
  ASSERT_EQ(walked.frames.size(), 4u) << walked.detail;
  EXPECT_EQ(walked.stop, StopReason::kTopOfStack);
  EXPECT_EQ(walked.frames[1].pc, chain.b + 20);
  EXPECT_EQ(walked.frames[1].source, FrameSource::kLinkRegister);
  EXPECT_EQ(walked.frames[1].sp, sp);
  EXPECT_EQ(walked.frames[2].pc, chain.a + 24);
  EXPECT_EQ(walked.frames[2].source, FrameSource::kPcsp);
  EXPECT_EQ(walked.frames[2].sp, sp + 40);
  EXPECT_EQ(walked.frames[3].sp, sp + 64);
}

TEST(GoUnwinderTest, StackSwitchJumpsToTheGoroutineOnce) {
  Program program;
  const uint64_t goexit =
      program.Add("runtime.goexit", 16, {{0, 0}}, FuncId::kGoexit,
                  symtab::kFuncFlagTopFrame);
  const uint64_t systemstack =
      program.Add("runtime.systemstack", 32, {{0, 0}}, FuncId::kSystemstack,
                  symtab::kFuncFlagSpWrite);
  const uint64_t user = program.Add("main.user", 64, {{0, 0}, {4, 8}});
  const uint64_t on_g0 = program.Add("main.onG0", 32, {{0, 0}, {4, 8}});
  const symtab::Pclntab& table = program.Parse();
  constexpr uint64_t g0_sp = 0x7ff000, g_sp = 0xc000100000;
  Words memory;
  memory.PutWord(g0_sp + 8, systemstack + 10);  // onG0 was called on g0
  memory.PutWord(g_sp + 8, goexit + 1);  // user, on the goroutine's stack
  const UnwindStart start{.pc = on_g0 + 10,
                          .sp = g0_sp,
                          .flags = kUnwindTrap,
                          .jump = {user + 20, g_sp, 0}};

  const Walked runtime_view = Walk(table, Amd64(), memory, start);
  ASSERT_EQ(runtime_view.frames.size(), 2u);
  EXPECT_EQ(runtime_view.stop, StopReason::kStackSwitch);
  EXPECT_EQ(runtime_view.detail, "runtime.systemstack");

  UnwindStart jumping = start;
  jumping.flags |= kUnwindJumpStack;
  const Walked walked = Walk(table, Amd64(), memory, jumping);
  ASSERT_EQ(walked.frames.size(), 4u) << walked.detail;
  EXPECT_EQ(walked.stop, StopReason::kTopOfStack);
  EXPECT_EQ(walked.frames[2].pc, user + 20);
  EXPECT_EQ(walked.frames[2].sp, g_sp);
  EXPECT_EQ(walked.frames[2].source, FrameSource::kGoroutineSched);
  EXPECT_FALSE(walked.frames[2].exact_pc);
  EXPECT_EQ(walked.frames[3].pc, goexit + 1);

  // A second switch after the jump ends the walk: g.sched is used once.
  memory.PutWord(g_sp + 8, systemstack + 12);
  const Walked twice = Walk(table, Amd64(), memory, jumping);
  ASSERT_EQ(twice.frames.size(), 4u);
  EXPECT_EQ(twice.stop, StopReason::kStackSwitch);
}

TEST(GoUnwinderTest, SpWriteEndsTheWalkWithTheFunctionsName) {
  Program program;
  const uint64_t writer =
      program.Add("runtime.rewritesSP", 32, {{0, 0}}, FuncId::kNormal,
                  symtab::kFuncFlagSpWrite);
  const uint64_t leaf = program.Add("main.leaf", 16, {{0, 0}, {2, 8}});
  const symtab::Pclntab& table = program.Parse();
  Words stack;
  stack.PutWord(0x1008, writer + 4);
  const Walked walked =
      Walk(table, Amd64(), stack, {.pc = leaf + 4, .sp = 0x1000});
  ASSERT_EQ(walked.frames.size(), 2u);
  EXPECT_EQ(walked.stop, StopReason::kSpWrite);
  EXPECT_EQ(walked.detail, "runtime.rewritesSP");
}

// Before Go 1.17 no function has flags: the runtime's walk ends at mcall
// and morestack by their funcIDs (later releases mark them SPWRITE).
TEST(GoUnwinderTest, FlaglessMcallAndMorestackEndTheWalk) {
  for (const FuncId id : {FuncId::kMcall, FuncId::kMorestack}) {
    Program program;
    const uint64_t switcher = program.Add("runtime.switcher", 32, {{0, 0}}, id);
    const uint64_t leaf = program.Add("main.leaf", 16, {{0, 0}, {2, 8}});
    const symtab::Pclntab& table = program.Parse();
    Words stack;
    stack.PutWord(0x1008, switcher + 4);
    stack.PutWord(0x1010, 0x77);  // what a walk past the switch would take
    const Walked walked =
        Walk(table, Amd64(), stack, {.pc = leaf + 4, .sp = 0x1000});
    ASSERT_EQ(walked.frames.size(), 2u);
    EXPECT_EQ(walked.frames[1].func_id, id);
    EXPECT_EQ(walked.stop, StopReason::kTopOfStack);
  }
}

TEST(GoUnwinderTest, InjectedSigpanicMakesTheFaultingPcExact) {
  Program program;
  const uint64_t goexit =
      program.Add("runtime.goexit", 16, {{0, 0}}, FuncId::kGoexit,
                  symtab::kFuncFlagTopFrame);
  const uint64_t faulted = program.Add("main.faulted", 64, {{0, 0}, {4, 16}});
  const uint64_t sigpanic =
      program.Add("runtime.sigpanic", 64, {{0, 0}, {4, 24}}, FuncId::kSigpanic);
  const symtab::Pclntab& table = program.Parse();
  Words stack;
  // The signal handler pushed the faulting pc as if main.faulted had called
  // sigpanic there.
  stack.PutWord(0x1000 + 24, faulted + 20);
  stack.PutWord(0x1000 + 32 + 16, goexit + 1);
  const Walked walked =
      Walk(table, Amd64(), stack,
           {.pc = sigpanic + 8, .sp = 0x1000, .flags = kUnwindTrap});
  ASSERT_EQ(walked.frames.size(), 3u) << walked.detail;
  EXPECT_TRUE(walked.frames[1].exact_pc);
  EXPECT_EQ(walked.frames[1].trace_pc, faulted + 20);
}

TEST(GoUnwinderTest, EveryWayAWalkEnds) {
  Program program;
  const uint64_t recursive = program.Add("main.r", 32, {{0, 0}, {4, 8}});
  const uint64_t bad_delta = program.Add("main.bad", 16, {{0, 0}, {4, 3}});
  const symtab::Pclntab& table = program.Parse();

  Words deep;  // main.r calling itself for ever
  for (uint64_t i = 0; i < 50; ++i)
    deep.PutWord(0x1008 + 16 * i, recursive + 10);
  const Walked limited =
      Walk(table, Amd64(), deep, {.pc = recursive + 10, .sp = 0x1000}, 5);
  EXPECT_EQ(limited.frames.size(), 5u);
  EXPECT_EQ(limited.stop, StopReason::kFrameLimit);

  Words to_nowhere;
  to_nowhere.PutWord(0x1008, 0x10);
  GoUnwinder unwinder(table, Amd64(), to_nowhere);
  int frames = 0;
  for (unwinder.Start(recursive + 10, 0x1000, 0, false); unwinder.valid();
       unwinder.Next()) {
    ++frames;
  }
  EXPECT_EQ(frames, 1);
  EXPECT_EQ(unwinder.stop_reason(), StopReason::kUnknownPc);
  EXPECT_EQ(unwinder.unresolved().pc, 0x10u);
  EXPECT_EQ(unwinder.unresolved().source, FrameSource::kPcsp);

  const Walked unmapped =
      Walk(table, Amd64(), Words(), {.pc = recursive + 10, .sp = 0x1000});
  EXPECT_EQ(unmapped.frames.size(), 1u);
  EXPECT_EQ(unmapped.stop, StopReason::kUnreadableMemory);

  const Walked corrupt =
      Walk(table, Amd64(), deep, {.pc = bad_delta + 8, .sp = 0x1000});
  EXPECT_TRUE(corrupt.frames.empty());
  EXPECT_EQ(corrupt.stop, StopReason::kCorruptMetadata);

  // A leaf whose LR points at itself with no frame: the walk is stuck.
  const Walked stuck = Walk(table, Arm64(), deep,
                            {.pc = recursive, .sp = 0x1000, .lr = recursive});
  EXPECT_EQ(stuck.stop, StopReason::kNoProgress);
}

}  // namespace
}  // namespace gentrace::unwind
