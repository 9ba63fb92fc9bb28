// A fat (universal) Mach-O file made of two real slices, each toolchain's
// darwin/amd64 and darwin/arm64 builds of tests/go/symbolize, as lipo
// makes them: `gentrace symbolize --arch=X` on it answers as the thin file
// for X does (every PC of its addr2line table), and without --arch it says
// which slices there are.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/shell_command.h"

namespace gentrace::symtab {
namespace {

namespace fs = std::filesystem;

void PutBig32(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}

// The fat file of `slices` (cputype, bytes), each at a 16 KiB boundary.
std::string Fat(const std::vector<std::pair<uint32_t, std::string>>& slices) {
  constexpr uint32_t kAlign = 1 << 14;
  std::string file;
  PutBig32(&file, 0xcafebabe);
  PutBig32(&file, static_cast<uint32_t>(slices.size()));
  uint64_t offset = kAlign;
  for (const auto& [cputype, bytes] : slices) {
    PutBig32(&file, cputype);
    PutBig32(&file, 0);
    PutBig32(&file, static_cast<uint32_t>(offset));
    PutBig32(&file, static_cast<uint32_t>(bytes.size()));
    PutBig32(&file, 14);
    offset += (bytes.size() + kAlign - 1) / kAlign * kAlign;
  }
  for (const auto& [cputype, bytes] : slices) {
    file.resize((file.size() + kAlign - 1) / kAlign * kAlign, '\0');
    file += bytes;
  }
  return file;
}

// Each toolchain's darwin default builds, by GOARCH.
std::map<std::string, std::map<std::string, std::string>> DarwinBuilds() {
  std::map<std::string, std::map<std::string, std::string>> builds;
  for (const auto& b : gentrace::testing::ForeignFixtureBinaries()) {
    if (b.variant == "default" && absl::StrContains(b.name, "_darwin_")) {
      builds[b.toolchain][b.goarch] = b.path;
    }
  }
  return builds;
}

TEST(FatMachOTest, EachSliceAnswersAsItsThinFile) {
  const auto builds = DarwinBuilds();
  if (builds.empty())
    GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  const fs::path dir = fs::path(::testing::TempDir()) / "fat";
  fs::create_directories(dir);
  for (const auto& [toolchain, paths] : builds) {
    SCOPED_TRACE(toolchain);
    ASSERT_EQ(paths.size(), 2u);
    const fs::path fat = dir / (toolchain + ".prog");
    std::ofstream(fat, std::ios::binary) << Fat(
        {{0x01000007, gentrace::testing::ReadFileOrEmpty(paths.at("amd64"))},
         {0x0100000c, gentrace::testing::ReadFileOrEmpty(paths.at("arm64"))}});
    for (const auto& [goarch, thin] : paths) {
      std::vector<std::string> pcs;
      for (const auto& row :
           gentrace::testing::ReadAddr2line(thin + ".addr2line.tsv")) {
        pcs.push_back(absl::StrCat("0x", absl::Hex(row.pc)));
      }
      const fs::path input = dir / "pcs.txt";
      std::ofstream(input) << absl::StrJoin(pcs, "\n") << "\n";
      auto symbolize = [&](const std::string& binary, const std::string& arch) {
        return gentrace::testing::RunShellCommand(
            dir.string(), absl::StrCat(gentrace::testing::GentraceCommand(),
                                       " symbolize --index=none --binary=",
                                       binary, arch, " <", input.string()));
      };
      const std::string want = symbolize(thin, "");
      EXPECT_GT(want.size(), 1000u);
      EXPECT_EQ(symbolize(fat.string(), " --arch=" + goarch), want) << goarch;
    }
    absl::StatusOr<std::unique_ptr<Binary>> unchosen =
        Binary::Open(fat.string());
    ASSERT_FALSE(unchosen.ok());
    EXPECT_TRUE(absl::StrContains(unchosen.status().message(), "amd64, arm64"))
        << unchosen.status();
    EXPECT_FALSE(Binary::Open(fat.string(), "386").ok());
  }
}

}  // namespace
}  // namespace gentrace::symtab
