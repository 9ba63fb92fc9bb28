// `gentrace pprof-symbolize` against the runtime's own symbols: CPU profiles
// that tests/go/cpuprofile wrote of itself with runtime/pprof (Go 1.23 and
// 1.27, as is and stripped; tests/fixtures/build_cpu_profiles.sh) have
// their functions and lines taken out, every location left with its
// address and mapping, as a perf or eBPF profiler writes them; put back
// from the binary, each location's frames (inlined calls first, each
// function's name, system name, file and start line, and the line) are the
// runtime's; put back from a store holding the binary (--store), the same.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "proto/profile.pb.h"
#include "render/pprof_file.h"
#include "tests/testing/bare_profile.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/shell_command.h"

namespace gentrace {
namespace {

namespace fs = std::filesystem;

// A location's frames as text: "name|system name|file:line from
// start_line", innermost first.
std::vector<std::string> Frames(const pprof::Profile& profile,
                                const pprof::Location& location) {
  std::vector<std::string> frames;
  for (const pprof::Line& line : location.line()) {
    for (const pprof::Function& function : profile.function()) {
      if (function.id() != line.function_id()) continue;
      frames.push_back(
          absl::StrCat(profile.string_table(function.name()), "|",
                       profile.string_table(function.system_name()), "|",
                       profile.string_table(function.filename()), ":",
                       line.line(), " from ", function.start_line()));
    }
  }
  return frames;
}

TEST(PprofSymbolizeRuntimeTest, RestoresTheRuntimesOwnSymbols) {
  std::optional<std::string> root = gentrace::testing::FixturesRoot();
  if (!root) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  const fs::path dir = fs::path(::testing::TempDir()) / "runtime_profiles";
  fs::create_directories(dir);
  int profiles = 0;
  for (const char* build : {"go1.23/default", "go1.23/stripped",
                            "go1.27/default", "go1.27/stripped"}) {
    SCOPED_TRACE(build);
    const std::string base = absl::StrCat(*root, "/cpuprofile/", build);
    const std::string file =
        gentrace::testing::ReadFileOrEmpty(base + "/cpu.pb.gz");
    if (file.empty()) continue;
    absl::StatusOr<pprof::Profile> original = render::DecodePprofFile(file);
    ASSERT_TRUE(original.ok()) << original.status();
    ++profiles;

    int in_binary = 0;
    for (const pprof::Location& location : original->location()) {
      if (location.mapping_id() == 1 && location.line_size() > 0) ++in_binary;
    }
    ASSERT_GT(in_binary, 3) << "too few samples in the program";
    const pprof::Profile bare = gentrace::testing::BareProfile(*original);
    absl::StatusOr<std::string> encoded = render::EncodePprofFile(bare);
    ASSERT_TRUE(encoded.ok());
    const std::string bare_path = (dir / "bare.pb.gz").string();
    const std::string restored_path = (dir / "restored.pb.gz").string();
    std::ofstream(bare_path, std::ios::binary) << *encoded;
    gentrace::testing::RunShellCommand(
        dir.string(),
        absl::StrCat(gentrace::testing::GentraceCommand(),
                     " pprof-symbolize --index=none --binary=", base,
                     "/prog --in=", bare_path, " --out=", restored_path));
    absl::StatusOr<pprof::Profile> restored = render::DecodePprofFile(
        gentrace::testing::ReadFileOrEmpty(restored_path));
    ASSERT_TRUE(restored.ok()) << restored.status();
    ASSERT_EQ(restored->location_size(), original->location_size());
    int compared = 0;
    for (int i = 0; i < original->location_size(); ++i) {
      const pprof::Location& want = original->location(i);
      if (want.mapping_id() != 1) continue;  // the vdso, not the program
      ++compared;
      EXPECT_EQ(Frames(*restored, restored->location(i)),
                Frames(*original, want))
          << "location " << want.id() << " at "
          << absl::StrCat("0x", absl::Hex(want.address()));
    }
    EXPECT_EQ(compared, in_binary);
    ::testing::Test::RecordProperty(std::string(build), compared);

    // The same from the service's store, which finds the binary by the
    // mapping's build ID (and answers from its index): the same profile.
    const std::string store = (dir / "store").string();
    const std::string from_store_path = (dir / "from_store.pb.gz").string();
    gentrace::testing::RunShellCommand(
        dir.string(),
        absl::StrCat(gentrace::testing::GentraceCommand(),
                     " store add --store=", store, " ", base, "/prog"));
    gentrace::testing::RunShellCommand(
        dir.string(), absl::StrCat(gentrace::testing::GentraceCommand(),
                                   " pprof-symbolize --store=", store, " --in=",
                                   bare_path, " --out=", from_store_path));
    absl::StatusOr<pprof::Profile> from_store = render::DecodePprofFile(
        gentrace::testing::ReadFileOrEmpty(from_store_path));
    ASSERT_TRUE(from_store.ok()) << from_store.status();
    ASSERT_EQ(from_store->location_size(), restored->location_size());
    for (int i = 0; i < restored->location_size(); ++i) {
      EXPECT_EQ(Frames(*from_store, from_store->location(i)),
                Frames(*restored, restored->location(i)));
    }
    std::filesystem::remove_all(store);
  }
  EXPECT_GT(profiles, 0) << "no profiles: tests/fixtures/build_cpu_profiles.sh";
}

}  // namespace
}  // namespace gentrace
