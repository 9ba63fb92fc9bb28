// Every sampled PC of every fixture binary symbolizes exactly as the same
// toolchain's `go tool addr2line` does: the physical function name, and the
// innermost file:line (addr2line reports the line of the inlined code at a PC
// but names the function the code was compiled into).
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "tests/testing/fixtures.h"

namespace gentrace::symtab {
namespace {

using ::gentrace::testing::FixtureBinary;

class Addr2lineTest : public ::testing::TestWithParam<FixtureBinary> {};

// Every logical frame at `pc`, or the kind of error (errors name the PC).
std::string Describe(const Binary& binary, uint64_t pc) {
  std::vector<SourceFrame> frames;
  absl::Status status = binary.Symbolize(pc, &frames);
  std::string line = status.ok() ? "" : absl::StatusCodeToString(status.code());
  for (const SourceFrame& f : frames) {
    absl::StrAppend(&line, f.function, " ", f.file, ":", f.line, ";");
  }
  return line;
}

TEST_P(Addr2lineTest, AgreesOnEverySampledPc) {
  const FixtureBinary& fixture = GetParam();
  const std::string expectations = fixture.path + ".addr2line.tsv";
  std::vector<gentrace::testing::Addr2lineRow> rows =
      gentrace::testing::ReadAddr2line(expectations);
  ASSERT_GT(rows.size(), 100u) << "too few addr2line rows in " << expectations;

  absl::StatusOr<std::unique_ptr<Binary>> binary = Binary::Open(fixture.path);
  ASSERT_TRUE(binary.ok()) << binary.status();

  int mismatches = 0, in_function = 0, without_line_table = 0;
  std::string examples;
  std::vector<SourceFrame> frames;
  for (const auto& row : rows) {
    frames.clear();
    absl::Status status = (*binary)->Symbolize(row.pc, &frames);
    absl::StatusOr<Func> func = (*binary)->pclntab().FindFunc(row.pc);
    if (func.ok() && !func->has_line_table()) {
      // No line table (linker trampolines): the runtime treats table offset
      // 0 as "none", but addr2line decodes whatever bytes sit at the start
      // of the pctab, so only the function name is comparable.
      ++without_line_table;
      EXPECT_EQ(frames.empty() ? "" : std::string(frames.back().function),
                row.function);
      continue;
    }
    std::string got;
    if (status.ok()) {
      got = absl::StrCat(frames.back().function, " ", frames.front().file, ":",
                         frames.front().line);
    } else if (absl::IsNotFound(status)) {
      got = "? ?:0";
    } else {
      got = absl::StrCat("error: ", status.message());
    }
    // addr2line reports a known function without a line (padding,
    // trampolines) as ":-1" (Go 1.19: other negative numbers for linker
    // trampolines); gentrace, like the runtime, as "?:0".
    const bool no_line = row.file.empty() && row.line < 0;
    const std::string want =
        no_line ? absl::StrCat(row.function, " ?:0")
                : absl::StrCat(row.function, " ", row.file, ":", row.line);
    if (row.function != "?") ++in_function;
    if (got != want) {
      if (++mismatches <= 10) {
        absl::StrAppend(&examples, "  0x", absl::Hex(row.pc), ": got ", got,
                        ", addr2line ", want, "\n");
      }
    }
  }
  EXPECT_EQ(mismatches, 0) << mismatches << " of " << rows.size()
                           << " PCs differ from addr2line, e.g.\n"
                           << examples;
  EXPECT_GT(in_function, 100) << "sample hit too few functions";
  RecordProperty("pcs", static_cast<int>(rows.size()));
  RecordProperty("pcs_without_line_table", without_line_table);
}

// addr2line names only the physical function, so it cannot see inlined
// frames; the stripped binary's whole answer (every inlined frame, which
// needs moduledata.gofunc found without symbols) must equal the unstripped
// binary's, PC for PC.
TEST_P(Addr2lineTest, StrippedAnswersAsUnstripped) {
  const FixtureBinary& fixture = GetParam();
  if (fixture.variant != "stripped") GTEST_SKIP() << "stripped builds only";
  std::string unstripped_path = fixture.path;
  unstripped_path.replace(unstripped_path.rfind("/stripped/"), 10, "/default/");
  absl::StatusOr<std::unique_ptr<Binary>> stripped = Binary::Open(fixture.path);
  absl::StatusOr<std::unique_ptr<Binary>> unstripped =
      Binary::Open(unstripped_path);
  ASSERT_TRUE(stripped.ok()) << stripped.status();
  ASSERT_TRUE(unstripped.ok()) << unstripped.status();
  int mismatches = 0, inlined = 0;
  for (const auto& row :
       gentrace::testing::ReadAddr2line(fixture.path + ".addr2line.tsv")) {
    const std::string want = Describe(**unstripped, row.pc);
    const std::string got = Describe(**stripped, row.pc);
    // More than one frame: the PC is in inlined code.
    if (std::count(want.begin(), want.end(), ';') > 1) ++inlined;
    if (got != want && ++mismatches <= 5) {
      ADD_FAILURE() << absl::StrCat("0x", absl::Hex(row.pc), ": stripped ", got,
                                    "\n  unstripped ", want);
    }
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(inlined, 10) << "the sample reached too few inlined frames";
}

// A binary loaded elsewhere (a PIE under ASLR) answers at its load
// addresses exactly what it answers at its link addresses, inlined frames
// (funcdata read at the shifted addresses) included.
TEST_P(Addr2lineTest, LoadedBinaryAnswersAtLoadAddresses) {
  const FixtureBinary& fixture = GetParam();
  if (fixture.variant != "pie" && fixture.variant != "stripped") {
    GTEST_SKIP() << "PIE and stripped builds only";
  }
  absl::StatusOr<std::unique_ptr<Binary>> linked = Binary::Open(fixture.path);
  ASSERT_TRUE(linked.ok()) << linked.status();
  constexpr uint64_t kBias = 0x7f3a12345000;
  absl::StatusOr<std::unique_ptr<Binary>> loaded = (*linked)->LoadedAt(kBias);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->load_bias(), kBias);
  EXPECT_EQ((*loaded)->pclntab().min_pc(),
            (*linked)->pclntab().min_pc() + kBias);
  int mismatches = 0;
  for (const auto& row :
       gentrace::testing::ReadAddr2line(fixture.path + ".addr2line.tsv")) {
    const std::string want = Describe(**linked, row.pc);
    const std::string got = Describe(**loaded, row.pc + kBias);
    absl::StatusOr<Func> at_link = (*linked)->pclntab().FindFunc(row.pc);
    absl::StatusOr<Func> at_load =
        (*loaded)->pclntab().FindFunc(row.pc + kBias);
    const bool same_entry =
        at_link.ok() == at_load.ok() &&
        (!at_link.ok() || at_link->entry() + kBias == at_load->entry());
    if ((got != want || !same_entry) && ++mismatches <= 5) {
      ADD_FAILURE() << absl::StrCat("0x", absl::Hex(row.pc), ": loaded ", got,
                                    "\n  linked ", want);
    }
  }
  EXPECT_EQ(mismatches, 0);
}

// Threads racing to decode and publish the same functions' tables, and each
// filling its own PC cache, agree with one thread working alone.
TEST_P(Addr2lineTest, ConcurrentSymbolizationAgrees) {
  if (GetParam().variant != "esbuild") GTEST_SKIP() << "large binaries only";
  std::vector<gentrace::testing::Addr2lineRow> rows =
      gentrace::testing::ReadAddr2line(GetParam().path + ".addr2line.tsv");
  auto describe = [&](const Binary& binary) {
    std::vector<std::string> out;
    for (const auto& row : rows) out.push_back(Describe(binary, row.pc));
    return out;
  };
  absl::StatusOr<std::unique_ptr<Binary>> alone = Binary::Open(GetParam().path);
  absl::StatusOr<std::unique_ptr<Binary>> shared =
      Binary::Open(GetParam().path);
  ASSERT_TRUE(alone.ok() && shared.ok());
  const std::vector<std::string> want = describe(**alone);
  std::vector<std::vector<std::string>> got(4);
  std::vector<std::thread> threads;
  threads.reserve(got.size());
  for (auto& result : got) {
    threads.emplace_back([&] { result = describe(**shared); });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& result : got) EXPECT_EQ(result, want);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, Addr2lineTest,
    ::testing::ValuesIn(gentrace::testing::FixturesWith(".addr2line.tsv")),
    gentrace::testing::FixtureTestName());
// The same program for macOS and Windows: Mach-O and PE files.
INSTANTIATE_TEST_SUITE_P(
    Foreign, Addr2lineTest,
    ::testing::ValuesIn(gentrace::testing::ForeignFixtureBinaries()),
    gentrace::testing::FixtureTestName());

TEST(Addr2lineFixturesTest, ArePresent) {
  ASSERT_FALSE(gentrace::testing::FixturesWith(".addr2line.tsv").empty())
      << gentrace::testing::MissingFixturesMessage();
}

}  // namespace
}  // namespace gentrace::symtab
