// Hostile input for the goroutine view: a core from another binary gives a
// clear error; truncated cores and cores with corrupted runtime structures
// (allgs, g's, stacks) give an error or partial output, never a crash, hang
// or runaway walk. Also runs under ASan/UBSan.
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "proto/convert.h"
#include "render/runtime_text.h"
#include "symtab/binary.h"
#include "symtab/elf_file.h"
#include "target/core_file.h"
#include "tests/testing/fixtures.h"
#include "traceback/goroutines.h"

namespace gentrace {
namespace {

using ::gentrace::testing::FixtureBinary;

// The goroutine view of a core image; returns how many goroutines it gave.
int PrintGoroutines(const symtab::Binary& binary, std::string core_bytes,
                    absl::Status* status) {
  absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
      target::CoreFile::FromBytes(std::move(core_bytes));
  if (!core.ok()) {
    *status = core.status();
    return 0;
  }
  *status = (*core)->AttachExecutable(binary);
  if (!status->ok()) return 0;
  Trace trace;
  // With pending defers: damaged defer chains and deferBits too; and the
  // report's head: damaged signal frames, siginfo, M links, throwers'
  // frames and their messages.
  traceback::ReportHead head;
  *status = traceback::ReadGoroutines(
      binary, **core, &trace, {.pending_defers = true, .report_head = &head});
  std::string text;
  for (traceback::Goroutine& g0 : head.runtime_stacks) {
    Goroutine message;
    ToProto(std::move(g0), &message);
    render::AppendRuntimeStackText(message, {}, &text);
  }
  for (traceback::SignalReport& report : head.signal_reports) {
    SignalReport message;
    ToProto(std::move(report), &message);
    render::AppendSignalReportHead(message, /*first=*/false, {}, &text);
    render::AppendSignalReportRegisters(message, &text);
  }
  for (const Goroutine& g : trace.goroutines()) {
    render::AppendPanicReport(g, {}, &text);
    render::AppendGoroutineText(g, {.defers = true}, &text);
    EXPECT_LE(g.frames_size(), 100000);
  }
  return trace.goroutines_size();
}

// The goroutine cores of two toolchains and word sizes.
std::vector<FixtureBinary> Targets() {
  std::vector<FixtureBinary> out;
  for (FixtureBinary& b : gentrace::testing::FixturesWith(".core")) {
    // And two SIGQUIT relays, a 64- and a 32-bit one.
    if ((b.variant == "goroutines" &&
         ((b.toolchain == "go1.23" && b.goarch == "amd64") ||
          (b.toolchain == "go1.19" && b.goarch == "arm"))) ||
        // And throws on a goroutine's stack and on the scheduler stack, a
        // signal in C code, and signal reports of an LR machine.
        (b.toolchain == "go1.27" &&
         ((b.goarch == "amd64" && (b.variant == "report-fatal-in-panic" ||
                                   b.variant == "report-deadlock" ||
                                   b.variant == "report-sigquit-in-c")) ||
          (b.goarch == "arm64" && b.variant == "report-sigill"))) ||
        absl::StrContains(b.path, "esbuild-linux-64-0.14.30") ||
        absl::StrContains(b.path, "esbuild-linux-32-0.13.15")) {
      out.push_back(std::move(b));
    }
  }
  return out;
}

class GoroutineHostileTest : public ::testing::TestWithParam<FixtureBinary> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
        symtab::Binary::Open(GetParam().path);
    ASSERT_TRUE(binary.ok()) << binary.status();
    binary_ = *std::move(binary);
    core_ = gentrace::testing::ReadFileOrEmpty(GetParam().path + ".core");
    ASSERT_FALSE(core_.empty());
  }
  std::unique_ptr<symtab::Binary> binary_;
  std::string core_;
};

TEST_P(GoroutineHostileTest, IntactCoreGivesEveryGoroutine) {
  absl::Status status;
  // tests/go/goroutines parks more than ten; esbuild runs a few.
  EXPECT_GE(PrintGoroutines(*binary_, core_, &status),
            GetParam().variant == "goroutines" ? 10 : 3);
  EXPECT_TRUE(status.ok()) << status;
}

TEST_P(GoroutineHostileTest, TruncatedCoresFailCleanly) {
  int failed = 0;
  for (int i = 1; i < 40; ++i) {
    absl::Status status;
    PrintGoroutines(*binary_, core_.substr(0, core_.size() * i / 40), &status);
    if (!status.ok()) ++failed;
  }
  EXPECT_GT(failed, 0);
  RecordProperty("failed", failed);
}

// File ranges of the core that hold what the goroutine view reads: each g
// and each goroutine's stack frames.
std::vector<std::pair<size_t, size_t>> RuntimeRanges(
    const symtab::Binary& binary, const std::string& core_bytes) {
  std::vector<std::pair<size_t, size_t>> ranges;
  absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
      target::CoreFile::FromBytes(core_bytes);
  absl::StatusOr<std::unique_ptr<symtab::ElfFile>> elf = symtab::ElfFile::Parse(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(core_bytes.data()),
                          core_bytes.size()));
  if (!core.ok() || !elf.ok()) return ranges;
  if (!(*core)->AttachExecutable(binary).ok()) return ranges;
  Trace trace;
  if (!traceback::ReadGoroutines(binary, **core, &trace).ok()) {
    return ranges;
  }
  auto add = [&](uint64_t address, uint64_t size) {
    for (const symtab::ElfSegment& segment : (*elf)->segments()) {
      if (address >= segment.vaddr &&
          address + size <= segment.vaddr + segment.filesz) {
        ranges.push_back({segment.offset + (address - segment.vaddr), size});
      }
    }
  };
  // The signal handlers' frames, siginfo and ucontext near each thread's sp.
  for (const target::Thread& thread : (*core)->threads()) {
    if (std::optional<uint64_t> sp = thread.registers.sp()) add(*sp, 2048);
  }
  for (const Goroutine& g : trace.goroutines()) {
    add(g.address(), 256);
    if (!g.frames().empty()) {
      const uint64_t sp = g.frames(0).sp();
      add(sp, g.frames(g.frames_size() - 1).fp() - sp);
    }
  }
  return ranges;
}

TEST_P(GoroutineHostileTest, CorruptedRuntimeStructuresNeverCrash) {
  const std::vector<std::pair<size_t, size_t>> ranges =
      RuntimeRanges(*binary_, core_);
  ASSERT_GE(ranges.size(), 10u);
  std::mt19937_64 rng(11);
  int rounds = 0, errors = 0, goroutines = 0;
  for (int round = 0; round < 150; ++round) {
    std::string mutated = core_;
    // Words in g's and stacks: ids, statuses, stack bounds, saved
    // registers, return addresses, argument slots.
    for (int k = 0; k < 8; ++k) {
      const auto& [offset, size] = ranges[rng() % ranges.size()];
      if (size < 8) continue;
      const size_t at = offset + (rng() % (size / 4)) * 4;
      if (at + 8 > mutated.size()) continue;
      uint64_t value = rng();
      if (round % 3 == 1) value &= 0xffff;  // small numbers: lengths, ids
      if (round % 3 == 2) value = 0;
      for (int b = 0; b < 8; ++b) {
        mutated[at + b] = static_cast<char>(value >> (8 * b));
      }
    }
    absl::Status status;
    goroutines += PrintGoroutines(*binary_, std::move(mutated), &status);
    if (!status.ok()) ++errors;
    ++rounds;
  }
  RecordProperty("rounds", rounds);
  RecordProperty("errors", errors);
  RecordProperty("goroutines", goroutines);
}

TEST_P(GoroutineHostileTest, CoreOfAnotherBinaryIsRefused) {
  // The symbolize program of the same toolchain and GOARCH.
  std::string other = GetParam().path;
  const size_t at = other.rfind("/goroutines/");
  if (at == std::string::npos) GTEST_SKIP() << "no other program beside it";
  other.replace(at, 12, "/default/");
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(other);
  ASSERT_TRUE(binary.ok()) << binary.status();
  absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
      target::CoreFile::FromBytes(core_);
  ASSERT_TRUE(core.ok());
  absl::Status status = (*core)->AttachExecutable(**binary);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      absl::StrContains(status.message(), "not the program's executable"))
      << status;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GoroutineHostileTest,
                         ::testing::ValuesIn(Targets()),
                         gentrace::testing::FixtureTestName());

}  // namespace
}  // namespace gentrace
