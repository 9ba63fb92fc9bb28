#include "tests/testing/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/strip.h"

namespace gentrace::testing {

bool ChildProcess::Start(const std::string& path,
                         const std::vector<std::string>& argv,
                         const std::vector<std::string>& env,
                         const std::string& stderr_path) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) return false;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addclose(&actions, in[1]);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::vector<std::string> strings = {path};
  strings.insert(strings.end(), argv.begin(), argv.end());
  std::vector<char*> args;
  args.reserve(strings.size() + 1);
  for (std::string& s : strings) args.push_back(s.data());
  args.push_back(nullptr);
  std::vector<std::string> env_strings = env;
  std::vector<char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int error = posix_spawn(&pid_, path.c_str(), &actions, nullptr,
                                args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  stdin_ = fdopen(in[1], "w");
  stdout_ = fdopen(out[0], "r");
  if (error != 0) pid_ = 0;
  return error == 0;
}

std::string ChildProcess::ReadLine() {
  char buffer[512];
  if (fgets(buffer, sizeof(buffer), stdout_) == nullptr) return "<eof>";
  return std::string(absl::StripSuffix(buffer, "\n"));
}

void ChildProcess::WriteLine() {
  fputs("\n", stdin_);
  fflush(stdin_);
}

int ChildProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  if (signal != 0) kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = 0;
  return status;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stdin_ != nullptr) fclose(stdin_);
  if (stdout_ != nullptr) fclose(stdout_);
}

}  // namespace gentrace::testing
