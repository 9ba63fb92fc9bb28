#include "tests/testing/shell_command.h"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"

namespace gentrace::testing {

std::string RunShellCommand(const std::string& dir, const std::string& command,
                            const std::string& out) {
  const std::string stdout_path = out.empty() ? dir + "/stdout" : out;
  const std::string stderr_path = dir + "/stderr";
  const int status = std::system(absl::StrCat("HOME=", dir, " ", command, " >",
                                              stdout_path, " 2>", stderr_path)
                                     .c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << command << "\n"
      << ReadFileOrEmpty(stderr_path);
  return ReadFileOrEmpty(stdout_path);
}

std::string GentraceCommand() {
  return std::filesystem::absolute("cli/gentrace").string();
}

void FixtureCoreTest::SetUp() {
  dir_ = std::filesystem::path(::testing::TempDir()) / GetParam().name;
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
}

std::string FixtureCoreTest::Run(const std::string& command,
                                 const std::string& out) {
  return RunShellCommand(dir_.string(), command, out);
}

std::string FixtureCoreTest::Core(const std::string& args,
                                  const std::string& out) {
  const FixtureBinary& fixture = GetParam();
  return Run(absl::StrCat(GentraceCommand(), " core --binary=", fixture.path,
                          " --core=", fixture.path, ".core ", args),
             out);
}

}  // namespace gentrace::testing
