// Captures (registers + stack memory, as JSON) unwind exactly as the cores
// they are cut from; corrupted captures end with a reason, never a crash,
// hang or runaway walk (this test also runs under ASan/UBSan).
#include <algorithm>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "target/capture.h"
#include "target/core_file.h"
#include "tests/testing/crashed_program.h"
#include "tests/testing/fixtures.h"
#include "unwind/go_unwinder.h"

namespace gentrace::unwind {
namespace {

using ::gentrace::testing::CaptureJson;
using ::gentrace::testing::FixtureBinary;
using ::gentrace::testing::ReadStackWindow;
using ::gentrace::testing::StackWindow;

constexpr uint64_t kStackWindowBytes = uint64_t{64} << 10;
constexpr int kMaxFrames = 10000;

struct Walk {
  std::vector<std::string> frames;  // "pc sp fp"
  StopReason stop = StopReason::kNone;
};

Walk Unwind(const symtab::Pclntab& table, const arch::ArchInfo& arch,
            const symtab::AddressSpace& memory,
            const arch::Registers& registers) {
  Walk walk;
  GoUnwinder unwinder(table, arch, memory, kMaxFrames);
  unwinder.Start(*registers.pc(), *registers.sp(), registers.lr(),
                 /*trap=*/true);
  uint64_t last_sp = 0;
  for (; unwinder.valid(); unwinder.Next()) {
    const GoFrame& f = unwinder.frame();
    EXPECT_GE(f.sp, last_sp) << "stack pointer moved down";
    last_sp = f.sp;
    walk.frames.push_back(absl::StrCat(absl::Hex(f.pc), " ", absl::Hex(f.sp),
                                       " ", absl::Hex(f.fp)));
  }
  walk.stop = unwinder.stop_reason();
  return walk;
}

class CaptureUnwindTest : public ::testing::TestWithParam<FixtureBinary> {};

TEST_P(CaptureUnwindTest, CapturesUnwindLikeTheCoreAndSurviveCorruption) {
  absl::StatusOr<gentrace::testing::CrashedProgram> crashed =
      gentrace::testing::OpenCrashedProgram(GetParam().path,
                                            GetParam().path + ".core");
  ASSERT_TRUE(crashed.ok()) << crashed.status();
  const std::unique_ptr<target::CoreFile>& core = crashed->core;
  const arch::ArchInfo& arch = core->arch();
  const symtab::Pclntab& table = crashed->binary->pclntab();
  std::mt19937_64 rng(7);
  int captures = 0, corrupted = 0;
  for (const target::Thread& thread : core->threads()) {
    SCOPED_TRACE(absl::StrCat("thread ", thread.tid));
    std::optional<StackWindow> window =
        ReadStackWindow(*core, thread, kStackWindowBytes);
    ASSERT_TRUE(window.has_value());
    const Walk want = Unwind(table, arch, core->memory(), thread.registers);

    absl::StatusOr<target::CaptureTarget> capture =
        target::LoadCapture(CaptureJson(arch, thread.registers, *window));
    ASSERT_TRUE(capture.ok()) << capture.status();
    const Walk got =
        Unwind(table, arch, capture->memory(), capture->registers());
    EXPECT_EQ(got.frames, want.frames);
    EXPECT_EQ(got.stop, want.stop);
    ++captures;

    // Corruptions: random words, words pointing back into the stack (to
    // provoke cycles), zeroed stretches, and a stack cut short.
    for (int round = 0; round < 40; ++round) {
      StackWindow mutated = *window;
      const int p = arch.ptr_size;
      const uint64_t words = mutated.bytes.size() / p;
      for (int k = 0; k < 8 && words > 0; ++k) {
        const uint64_t at = (rng() % std::min<uint64_t>(words, 512)) * p;
        uint64_t value = rng();
        if (round % 4 == 1) value = window->start + (rng() % 256) * p;
        if (round % 4 == 2) value = 0;
        for (int b = 0; b < p; ++b) {
          const int shift =
              8 *
              (arch.byte_order == symtab::ByteOrder::kLittle ? b : p - 1 - b);
          mutated.bytes[at + b] = static_cast<char>(value >> shift);
        }
      }
      if (round % 4 == 3) {
        mutated.bytes.resize(rng() % (mutated.bytes.size() + 1));
      }
      absl::StatusOr<target::CaptureTarget> bad =
          target::LoadCapture(CaptureJson(arch, thread.registers, mutated));
      ASSERT_TRUE(bad.ok()) << bad.status();
      const Walk walk = Unwind(table, arch, bad->memory(), bad->registers());
      EXPECT_LT(walk.frames.size(), static_cast<size_t>(kMaxFrames));
      EXPECT_NE(walk.stop, StopReason::kNone);
      ++corrupted;
    }
    // A stack pointer outside every captured byte.
    arch::Registers wild = thread.registers;
    wild.Set(arch.sp, 0x10);
    const Walk walk = Unwind(table, arch, capture->memory(), wild);
    EXPECT_NE(walk.stop, StopReason::kNone);
  }
  RecordProperty("captures", captures);
  RecordProperty("corrupted", corrupted);
}

// With the program's entry point, a capture attaches the binary as opened
// (at its link addresses) where the core has it, a PIE's anywhere; a wrong
// entry point is refused; without one, the binary stays where it was
// linked.
TEST_P(CaptureUnwindTest, TheEntryPointPlacesTheBinaryWhereTheCoreHasIt) {
  absl::StatusOr<gentrace::testing::CrashedProgram> crashed =
      gentrace::testing::OpenCrashedProgram(GetParam().path,
                                            GetParam().path + ".core");
  ASSERT_TRUE(crashed.ok()) << crashed.status();
  const target::CoreFile& core = *crashed->core;
  ASSERT_TRUE(core.entry().has_value());
  const target::Thread& thread = core.threads().front();
  std::optional<StackWindow> window =
      ReadStackWindow(core, thread, kStackWindowBytes);
  ASSERT_TRUE(window.has_value());
  absl::StatusOr<std::unique_ptr<symtab::Binary>> linked =
      symtab::Binary::Open(GetParam().path);
  ASSERT_TRUE(linked.ok()) << linked.status();
  // The load bias the capture gives the binary; the walk from it is the
  // core's.
  const auto attach =
      [&](std::optional<uint64_t> entry) -> absl::StatusOr<uint64_t> {
    absl::StatusOr<target::CaptureTarget> capture = target::LoadCapture(
        CaptureJson(core.arch(), thread.registers, *window, entry));
    if (!capture.ok()) return capture.status();
    absl::StatusOr<target::LoadedExecutable> binary =
        capture->LoadExecutable(**linked);
    if (!binary.ok()) return binary.status();
    EXPECT_EQ(Unwind((*binary)->pclntab(), core.arch(), capture->memory(),
                     capture->registers())
                  .frames,
              Unwind((entry ? *crashed->binary : **linked).pclntab(),
                     core.arch(), core.memory(), thread.registers)
                  .frames);
    return (*binary)->load_bias();
  };
  absl::StatusOr<uint64_t> placed = attach(core.entry());
  ASSERT_TRUE(placed.ok()) << placed.status();
  EXPECT_EQ(*placed, crashed->binary->load_bias());
  absl::StatusOr<uint64_t> unplaced = attach(std::nullopt);
  ASSERT_TRUE(unplaced.ok()) << unplaced.status();
  EXPECT_EQ(*unplaced, 0u);
  EXPECT_FALSE(attach(*core.entry() + 1).ok());
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, CaptureUnwindTest,
    ::testing::ValuesIn(gentrace::testing::FixturesWith(".core")),
    gentrace::testing::FixtureTestName());

TEST(CaptureJsonTest, HexStringsBecomeDecimalExceptData) {
  EXPECT_EQ(target::HexStringsToDecimal(
                R"({"arch": "arm64", "registers": {"pc": "0x10", "sp": "32"},)"
                R"( "memory": [{"address": "0xff", "data": "0x12"}]})"),
            R"({"arch": "arm64", "registers": {"pc": "16", "sp": "32"},)"
            R"( "memory": [{"address": "255", "data": "0x12"}]})");
}

TEST(CaptureJsonTest, RejectsBadCaptures) {
  EXPECT_FALSE(target::LoadCapture(R"({"arch": "vax", "registers": {}})").ok());
  EXPECT_FALSE(
      target::LoadCapture(R"({"arch": "arm64", "registers": {"pc": "1"}})")
          .ok());
  EXPECT_FALSE(target::LoadCapture(
                   R"({"arch": "amd64", "registers": {"rip": "1", "rsp": "2"},)"
                   R"( "memory": [{"address": "0", "data": "AAAA"},)"
                   R"( {"address": "1", "data": "AAAA"}]})")
                   .ok());
  EXPECT_FALSE(target::LoadCapture("{not json").ok());
}

}  // namespace
}  // namespace gentrace::unwind
