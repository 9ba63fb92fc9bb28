// gentrace's minidump reader on minidumps other projects check in, against
// what their own tools printed of them (third_party_minidumps/ here):
// Breakpad's Windows x86 dump with its minidump_dump listing and
// minidump_stackwalk walk, and rust-minidump's Linux amd64 dump with its
// minidump-stackwalk walk. The threads (their IDs and every general
// register of their contexts), the crash (thread, code, address), the
// modules (range and name) and the crashed thread's first frame (its
// registers and where it is) are theirs. Their walks' later frames come from
// the projects' own symbol files (Windows' STACK WIN records) or from
// scanning the stack, which gentrace does not do: it walks Go frames by
// their tables and C frames by their CFI.
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "target/minidump.h"
#include "tests/testing/breakpad_text.h"

namespace gentrace {
namespace {

using gentrace::testing::MinidumpDumpText;
using gentrace::testing::StackwalkText;

constexpr char kData[] = "tests/integrations/third_party_minidumps/";

std::string ReadData(const std::string& name) {
  std::ifstream in(kData + name, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  EXPECT_TRUE(in.good() || in.eof()) << name;
  return bytes.str();
}

std::unique_ptr<target::Minidump> OpenData(const std::string& name) {
  absl::StatusOr<std::unique_ptr<target::Minidump>> dump =
      target::Minidump::Open(kData + name);
  EXPECT_TRUE(dump.ok()) << dump.status();
  return dump.ok() ? *std::move(dump) : nullptr;
}

// A Windows or POSIX path's last component.
std::string Basename(const std::string& path) {
  return path.substr(path.find_last_of("/\\") + 1);
}

// How many of `theirs` gentrace's `registers` hold, each expected equal.
int ExpectSameRegisters(const arch::Registers& registers,
                        const gentrace::testing::RegisterValues& theirs) {
  int same = 0;
  for (const auto& [name, value] : theirs) {
    const std::optional<uint64_t> ours = registers.Get(name);
    if (!ours.has_value()) continue;  // debug, segment and FP state
    EXPECT_EQ(*ours, value) << name;
    ++same;
  }
  return same;
}

// The start of the crash reason a walk prints for an exception code.
std::string ReasonOf(uint32_t code) {
  switch (code) {
    case 11:
      return "SIGSEGV";
    case 0xc0000005:
      return "EXCEPTION_ACCESS_VIOLATION";
    default:
      return "(code " + std::to_string(code) + ")";
  }
}

// gentrace's reading of `dump` against the walk its project printed.
void ExpectAsTheWalkHasIt(const target::Minidump& dump,
                          const StackwalkText& walk) {
  ASSERT_TRUE(dump.crash().has_value());
  const absl::Span<const target::Thread> threads = dump.threads();
  ASSERT_GE(walk.crashed_thread, 0);
  ASSERT_LT(static_cast<size_t>(walk.crashed_thread), threads.size());
  const target::Thread& crashed = threads[walk.crashed_thread];
  EXPECT_EQ(crashed.tid, dump.crash()->tid);
  if (walk.crashed_tid >= 0) {
    EXPECT_EQ(crashed.tid, walk.crashed_tid);
  }
  EXPECT_TRUE(
      absl::StartsWith(walk.crash_reason, ReasonOf(dump.crash()->signal)))
      << walk.crash_reason;
  EXPECT_EQ(dump.crash()->address, walk.crash_address);

  // The first frame: the context's registers, and where its pc is.
  EXPECT_GE(ExpectSameRegisters(crashed.registers, walk.first_frame_registers),
            3);
  const std::optional<uint64_t> pc = crashed.registers.pc();
  ASSERT_TRUE(pc.has_value());
  const std::vector<std::string> at =
      absl::StrSplit(walk.first_frame, absl::MaxSplits(' ', 2));
  const std::string module_name =
      walk.first_frame.substr(0, walk.first_frame.find_first_of(" !"));
  bool placed = false;
  for (const target::Minidump::Module& module : dump.modules()) {
    if (Basename(module.name) != module_name) continue;
    EXPECT_GE(*pc, module.base);
    EXPECT_LT(*pc, module.base + module.size);
    uint64_t offset = 0;
    if (at.size() == 3 && at[1] == "+" && absl::SimpleHexAtoi(at[2], &offset)) {
      EXPECT_EQ(*pc - module.base, offset);  // "crash + 0x1d72"
    }
    placed = true;
  }
  EXPECT_TRUE(placed) << walk.first_frame;

  ASSERT_EQ(dump.modules().size(), walk.modules.size());
  for (size_t i = 0; i < walk.modules.size(); ++i) {
    const StackwalkText::Module& theirs = walk.modules[i];
    bool found = false;
    for (const target::Minidump::Module& ours : dump.modules()) {
      if (ours.base != theirs.base) continue;
      found = true;
      EXPECT_EQ(ours.base + ours.size - 1, theirs.last) << theirs.name;
      EXPECT_EQ(Basename(ours.name), theirs.name);
      if (theirs.main && dump.main_module() != nullptr) {
        EXPECT_EQ(dump.main_module()->base, theirs.base);
      }
    }
    EXPECT_TRUE(found) << theirs.name;
  }
}

TEST(ThirdPartyMinidumpTest, BreakpadsWindowsDumpAsItsToolsReadIt) {
  const std::unique_ptr<target::Minidump> dump =
      OpenData("breakpad/minidump2.dmp");
  ASSERT_NE(dump, nullptr);
  EXPECT_EQ(dump->arch().goarch, "386");

  // minidump_dump: every thread, every general register of its context
  // (the crashed thread's from the exception, as the fault left them).
  const MinidumpDumpText dumped = gentrace::testing::ReadMinidumpDumpText(
      ReadData("breakpad/minidump2.dump.out"));
  ASSERT_EQ(dump->threads().size(), dumped.threads.size());
  for (size_t i = 0; i < dumped.threads.size(); ++i) {
    const target::Thread& ours = dump->threads()[i];
    EXPECT_EQ(ours.tid, dumped.threads[i].id);
    const bool crashed = ours.tid == dumped.crashed;
    EXPECT_GE(ExpectSameRegisters(ours.registers,
                                  crashed ? dumped.crash_registers
                                          : dumped.threads[i].registers),
              9)
        << "thread " << ours.tid;
  }
  ASSERT_TRUE(dump->crash().has_value());
  EXPECT_EQ(dump->crash()->tid, dumped.crashed);
  EXPECT_EQ(dump->crash()->signal, dumped.signal);
  std::vector<std::string> files;
  for (const target::Minidump::Module& module : dump->modules()) {
    std::stringstream file;
    file << "0x" << std::hex << module.base << " " << module.name;
    files.push_back(file.str());
  }
  EXPECT_EQ(files, dumped.files);

  ExpectAsTheWalkHasIt(*dump, gentrace::testing::ReadStackwalkText(ReadData(
                                  "breakpad/minidump2.stackwalk.out")));
}

TEST(ThirdPartyMinidumpTest, RustMinidumpsLinuxDumpAsItsWalkReadIt) {
  const std::unique_ptr<target::Minidump> dump =
      OpenData("rust-minidump/linux-mini.dmp");
  ASSERT_NE(dump, nullptr);
  EXPECT_EQ(dump->arch().goarch, "amd64");
  const StackwalkText walk = gentrace::testing::ReadStackwalkText(
      ReadData("rust-minidump/test_minidump_stackwalk__linux_human.snap"));
  EXPECT_EQ(walk.modules.size(), 8u);
  ExpectAsTheWalkHasIt(*dump, walk);
}

}  // namespace
}  // namespace gentrace
