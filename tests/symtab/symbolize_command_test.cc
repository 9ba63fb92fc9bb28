// gentrace index and gentrace symbolize as a user runs them: a binary's
// index, written beside it, is found and used; the answers are the same
// bytes with it and without it (text and JSON, batched and line-buffered);
// an index that is stale or corrupt is reported and left unused, or refused
// when named with --index.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/symbol_index_forgery.h"

namespace gentrace::symtab {
namespace {

namespace fs = std::filesystem;

struct CommandRun {
  int exit_code = -1;
  std::string out, err;
};

class SymbolizeCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_source_ = gentrace::testing::SymbolizeFixture("default", "amd64");
    const std::string other =
        gentrace::testing::SymbolizeFixture("default", "arm64");
    if (binary_source_.empty() || other.empty()) {
      GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
    }
    dir_ = fs::path(::testing::TempDir()) / "symbolize_command_test";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    binary_ = (dir_ / "prog").string();
    other_ = (dir_ / "other").string();
    fs::copy_file(binary_source_, binary_);
    fs::copy_file(other, other_);

    // Every 5th PC of the text, one outside it, a repeat, and return
    // addresses at function entries' neighbours, in a scrambled order.
    absl::StatusOr<std::unique_ptr<Binary>> opened = Binary::Open(binary_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    const Pclntab& table = (*opened)->pclntab();
    std::string pcs = "0x1\n";
    for (uint64_t pc = table.min_pc(); pc < table.max_pc(); pc += 5) {
      absl::StrAppend(&pcs, absl::Hex(pc * 7919 % table.max_pc()), "\n");
    }
    absl::StrAppend(&pcs, "0x", absl::Hex(table.min_pc()), "\n");
    pcs_ = (dir_ / "pcs").string();
    std::ofstream(pcs_) << pcs;
  }

  // Runs gentrace with `args` (stdin from the PC list).
  CommandRun Gentrace(const std::string& args) {
    const std::string out = (dir_ / "stdout").string();
    const std::string err = (dir_ / "stderr").string();
    const int status =
        std::system(absl::StrCat(fs::absolute("cli/gentrace").string(), " ",
                                 args, " <", pcs_, " >", out, " 2>", err)
                        .c_str());
    CommandRun run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = gentrace::testing::ReadFileOrEmpty(out);
    run.err = gentrace::testing::ReadFileOrEmpty(err);
    return run;
  }

  fs::path dir_;
  std::string binary_source_, binary_, other_, pcs_;
};

TEST_F(SymbolizeCommandTest, AnIndexBesideTheBinaryAnswersTheSameBytes) {
  const std::string symbolize = "symbolize --binary=" + binary_;
  const CommandRun text = Gentrace(symbolize);
  const CommandRun json = Gentrace(symbolize + " --format=json");
  const CommandRun callers = Gentrace(symbolize + " --callers");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  ASSERT_EQ(json.exit_code, 0) << json.err;
  ASSERT_TRUE(absl::StartsWith(text.out, "0x1\t?\terror: "));
  ASSERT_GT(text.out.size(), 10000u);

  const CommandRun indexed = Gentrace("index --binary=" + binary_);
  ASSERT_EQ(indexed.exit_code, 0) << indexed.err;
  EXPECT_TRUE(fs::exists(binary_ + ".gtindex"));
  EXPECT_FALSE(fs::exists(binary_ + ".gtindex.partial"));

  for (const std::string& args :
       {symbolize, symbolize + " --line-buffered",
        symbolize + " --index=" + binary_ + ".gtindex"}) {
    SCOPED_TRACE(args);
    const CommandRun with_index = Gentrace(args);
    EXPECT_EQ(with_index.exit_code, 0);
    EXPECT_EQ(with_index.err, "");
    EXPECT_TRUE(with_index.out == text.out);
  }
  EXPECT_TRUE(Gentrace(symbolize + " --format=json").out == json.out);
  EXPECT_TRUE(Gentrace(symbolize + " --callers").out == callers.out);
  EXPECT_TRUE(Gentrace(symbolize + " --index=none").out == text.out);
}

// The answers come from the index when it is there: an index whose strings
// are forged (its checksum made to match) changes what is printed.
TEST_F(SymbolizeCommandTest, TheIndexIsWhatAnswers) {
  const std::string symbolize = "symbolize --binary=" + binary_;
  const CommandRun text = Gentrace(symbolize);
  const std::string index = binary_ + ".gtindex";
  ASSERT_EQ(Gentrace("index --binary=" + binary_).exit_code, 0);
  std::string bytes = gentrace::testing::ReadFileOrEmpty(index);
  const size_t strings = gentrace::testing::SymbolIndexStringsOffset(bytes);
  ASSERT_LT(strings + 64, bytes.size());
  for (size_t i = strings; i < strings + 64; ++i) {
    if (bytes[i] >= 'a' && bytes[i] <= 'z') bytes[i] = 'Q';
  }
  gentrace::testing::ResealSymbolIndex(&bytes);
  std::ofstream(index, std::ios::binary | std::ios::trunc) << bytes;
  const CommandRun forged = Gentrace(symbolize);
  EXPECT_EQ(forged.exit_code, 0) << forged.err;
  EXPECT_EQ(forged.err, "");
  EXPECT_NE(forged.out, text.out);
  EXPECT_TRUE(absl::StrContains(forged.out, "QQQ"));
  EXPECT_TRUE(Gentrace(symbolize + " --index=none").out == text.out);
}

TEST_F(SymbolizeCommandTest, AStaleOrCorruptIndexIsReportedAndNotUsed) {
  const std::string symbolize = "symbolize --binary=" + binary_;
  const CommandRun text = Gentrace(symbolize);
  const std::string index = binary_ + ".gtindex";
  // Another binary's index under this binary's name.
  ASSERT_EQ(Gentrace(absl::StrCat("index --binary=", other_, " --out=", index))
                .exit_code,
            0);
  CommandRun run = Gentrace(symbolize);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_TRUE(run.out == text.out);
  EXPECT_TRUE(absl::StrContains(run.err, "not using " + index)) << run.err;
  EXPECT_TRUE(absl::StrContains(run.err, "stale")) << run.err;
  run = Gentrace(symbolize + " --index=" + index);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(run.out, "");
  EXPECT_TRUE(absl::StrContains(run.err, "stale")) << run.err;

  // This binary's index, cut short.
  ASSERT_EQ(Gentrace("index --binary=" + binary_).exit_code, 0);
  fs::resize_file(index, fs::file_size(index) / 2);
  run = Gentrace(symbolize);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_TRUE(run.out == text.out);
  EXPECT_TRUE(absl::StrContains(run.err, "corrupt symbol index")) << run.err;
  run = Gentrace(symbolize + " --index=" + index);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(run.err, "corrupt symbol index")) << run.err;
}

// An unwritable destination fails with a message and leaves nothing.
TEST_F(SymbolizeCommandTest, IndexReportsWhereItCannotWrite) {
  const CommandRun run =
      Gentrace(absl::StrCat("index --binary=", binary_,
                            " --out=", dir_.string(), "/no/such/dir/index"));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(run.err, "cannot write")) << run.err;
}

}  // namespace
}  // namespace gentrace::symtab
