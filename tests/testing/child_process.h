#ifndef GENTRACE_TESTS_TESTING_CHILD_PROCESS_H_
#define GENTRACE_TESTS_TESTING_CHILD_PROCESS_H_

#include <sys/types.h>

#include <cstdio>
#include <string>
#include <vector>

namespace gentrace::testing {

// A test program run with its stdin and stdout as pipes and its stderr to a
// file; killed when the object goes if it is still running.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // `argv` without the program; `env` as "NAME=value" (nothing else is
  // inherited).
  bool Start(const std::string& path, const std::vector<std::string>& argv,
             const std::vector<std::string>& env,
             const std::string& stderr_path);
  // One line of its output, without the newline; "<eof>" at the end.
  std::string ReadLine();
  void WriteLine();
  // Sends `signal` (none if 0) and waits for the program to end: its wait
  // status (-1 if it was not running).
  int Stop(int signal);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = 0;
  FILE* stdin_ = nullptr;
  FILE* stdout_ = nullptr;
};

}  // namespace gentrace::testing

#endif  // GENTRACE_TESTS_TESTING_CHILD_PROCESS_H_
