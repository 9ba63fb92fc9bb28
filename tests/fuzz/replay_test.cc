// Replays a libFuzzer target's inputs kept in the repository, in
// `bazel test` (and under ASan/UBSan with --config=asan): its seeds
// (tests/fuzz/seeds/NAME) and the inputs that once crashed it, minimized
// (tests/fuzz/regressions/NAME). Linked with one tests/fuzz/NAME_fuzzer.cc;
// arguments: NAME, then --binary=PATH and --core=PATH under the fixtures
// for targets that read a fixed program.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc,
                                                          char*** argv);

namespace gentrace::testing {
namespace {

std::vector<std::string>* g_args = nullptr;

TEST(FuzzReplayTest, EveryKeptInputRunsToTheEnd) {
  ASSERT_FALSE(g_args->empty())
      << "usage: replay_test NAME [--binary=P] [--core=P]";
  const std::string name = g_args->front();
  for (size_t i = 1; i < g_args->size(); ++i) {
    const std::string& arg = (*g_args)[i];
    const std::optional<std::string> root = FixturesRoot();
    ASSERT_TRUE(root.has_value()) << MissingFixturesMessage();
    for (const auto& [flag, variable] :
         {std::pair{"--binary=", "GENTRACE_FUZZ_BINARY"},
          std::pair{"--core=", "GENTRACE_FUZZ_CORE"}}) {
      if (absl::StartsWith(arg, flag)) {
        const std::string path =
            absl::StrCat(*root, "/", arg.substr(std::string(flag).size()));
        ASSERT_TRUE(std::filesystem::exists(path)) << MissingFixturesMessage();
        setenv(variable, path.c_str(), 1);
      }
    }
  }
  if (LLVMFuzzerInitialize != nullptr) {
    int argc = 0;
    char** argv = nullptr;
    LLVMFuzzerInitialize(&argc, &argv);
  }
  int inputs = 0;
  for (const char* kind : {"seeds", "regressions"}) {
    const std::filesystem::path dir =
        std::filesystem::path("tests/fuzz") / kind / name;
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (!entry.is_regular_file() || entry.path().extension() == ".md") {
        continue;
      }
      SCOPED_TRACE(entry.path().string());
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      // A crash or a sanitizer report ends the test here.
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()),
                             bytes.size());
      ++inputs;
    }
  }
  EXPECT_GT(inputs, 0) << "no seeds for " << name;
  RecordProperty("inputs", inputs);
}

}  // namespace
}  // namespace gentrace::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  gentrace::testing::g_args =
      new std::vector<std::string>(argv + 1, argv + argc);
  return RUN_ALL_TESTS();
}
