#ifndef GENTRACE_TESTS_TESTING_SHELL_COMMAND_H_
#define GENTRACE_TESTS_TESTING_SHELL_COMMAND_H_

#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"

namespace gentrace::testing {

// Runs `command` through the shell with HOME the test's directory `dir`
// (tools keep their caches there), stdout to `out` (dir/stdout
// if empty) and stderr to dir/stderr; what it wrote to stdout. A test
// failure, with its stderr, unless it exits 0.
std::string RunShellCommand(const std::string& dir, const std::string& command,
                            const std::string& out = "");

// The gentrace command of the test's runfiles (data = ["//cli:gentrace"]).
std::string GentraceCommand();

// A test of commands run on a fixture core, each test in a directory of
// its own (dir_).
class FixtureCoreTest : public ::testing::TestWithParam<FixtureBinary> {
 protected:
  void SetUp() override;
  // RunShellCommand in dir_.
  std::string Run(const std::string& command, const std::string& out = "");
  // `gentrace core` on the fixture's binary and core, with `args`.
  std::string Core(const std::string& args, const std::string& out = "");

  std::filesystem::path dir_;
};

}  // namespace gentrace::testing

#endif  // GENTRACE_TESTS_TESTING_SHELL_COMMAND_H_
