// `gentrace pid` against a live Go process: tests/go/parked (Go 1.23,
// amd64, run natively) parks 10,000 goroutines; gentrace attaches, reads
// every goroutine, and detaches; the process must then still answer on its
// stdin. Its goroutines are compared with the runtime's own dump of them
// (SIGQUIT at GOTRACEBACK=crash, after gentrace let go): every parked
// goroutine prints byte-identically.
#include "unwind/live_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "proto/goroutines.h"
#include "proto/runtime_text.h"
#include "proto/traceback_text.h"
#include "symtab/binary.h"
#include "tests/testing/fixtures.h"

namespace gentrace {
namespace {

constexpr int kParked = 10000;

// The parked program, its stdin and stdout as pipes and stderr to a file.
class Child {
 public:
  bool Start(const std::string& path, const std::string& stderr_path) {
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
    const std::string count = absl::StrCat(kParked);
    char* argv[] = {const_cast<char*>(path.c_str()),
                    const_cast<char*>(count.c_str()), nullptr};
    std::vector<std::string> env_strings = {"GOTRACEBACK=crash",
                                            "GOMAXPROCS=2"};
    std::vector<char*> env;
    env.reserve(env_strings.size() + 1);
    for (std::string& e : env_strings) env.push_back(e.data());
    env.push_back(nullptr);
    const int error =
        posix_spawn(&pid_, path.c_str(), &actions, nullptr, argv, env.data());
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    stdin_ = fdopen(in[1], "w");
    stdout_ = fdopen(out[0], "r");
    return error == 0;
  }
  // One line of its output, without the newline.
  std::string ReadLine() {
    char buffer[256];
    if (fgets(buffer, sizeof(buffer), stdout_) == nullptr) return "<eof>";
    return std::string(absl::StripSuffix(buffer, "\n"));
  }
  void WriteLine() {
    fputs("\n", stdin_);
    fflush(stdin_);
  }
  // Sends SIGQUIT and waits for the runtime's dump to finish.
  void Quit() {
    kill(pid_, SIGQUIT);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
  }
  pid_t pid() const { return pid_; }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdin_ != nullptr) fclose(stdin_);
    if (stdout_ != nullptr) fclose(stdout_);
  }

 private:
  pid_t pid_ = 0;
  FILE* stdin_ = nullptr;
  FILE* stdout_ = nullptr;
};

TEST(LiveProcessTest, ReadsTenThousandGoroutinesAndLetsTheProcessRun) {
  std::optional<std::string> root = gentrace::testing::FixturesRoot();
  if (!root) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
#if !defined(__x86_64__)
  GTEST_SKIP() << "the live-process fixture is an amd64 program";
#endif
  const std::string program = *root + "/go/go1.23/amd64/parked/prog";
  ASSERT_TRUE(gentrace::testing::FileExists(program)) << program;
  const std::string dump =
      absl::StrCat(::testing::TempDir(), "/parked.stderr.txt");
  Child child;
  ASSERT_TRUE(child.Start(program, dump));
  ASSERT_EQ(child.ReadLine(), "ready");

  std::map<int64_t, std::string> ours;
  int parked = 0;
  {
    absl::StatusOr<std::unique_ptr<unwind::LiveProcess>> process =
        unwind::LiveProcess::Attach(child.pid());
    ASSERT_TRUE(process.ok()) << process.status();
    EXPECT_GE((*process)->threads().size(), 2u);
    absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
        symtab::Binary::Open((*process)->executable_path());
    ASSERT_TRUE(binary.ok()) << binary.status();
    std::vector<std::string> notes;
    absl::Status status = ForEachGoroutine(
        **binary, (*process)->arch(), **process,
        (*process)->entry().value_or((*binary)->elf().entry()) -
            (*binary)->elf().entry(),
        (*process)->threads(),
        [&](Goroutine& g) {
          if (g.status() != "chan receive") return;
          ++parked;
          EXPECT_EQ(g.stop_reason(), STOP_REASON_TOP_OF_STACK) << g.id();
          std::string text;
          AppendGoroutineText(g, {.go_minor = 23}, &text);
          ours[g.id()] = text;
        },
        &notes, (*process)->stopped_at_nanotime());
    ASSERT_TRUE(status.ok()) << status;
    (*process)->Detach();
  }
  EXPECT_EQ(parked, kParked);

  // Still running: it answers with its goroutine count.
  child.WriteLine();
  int64_t count = 0;
  EXPECT_TRUE(absl::SimpleAtoi(child.ReadLine(), &count));
  EXPECT_GE(count, kParked);

  // The runtime's own view of the same goroutines.
  child.Quit();
  const std::map<int64_t, std::vector<std::string>> printed =
      GoroutineBlocks(gentrace::testing::ReadFileOrEmpty(dump));
  int identical = 0;
  for (const auto& [id, text] : ours) {
    auto it = printed.find(id);
    ASSERT_NE(it, printed.end()) << "goroutine " << id;
    if (absl::c_linear_search(it->second, text)) {
      ++identical;
    } else if (identical + 5 > static_cast<int>(ours.size())) {
      EXPECT_EQ(text, it->second.front());
    }
  }
  EXPECT_EQ(identical, kParked);
  RecordProperty("identical", identical);
}

}  // namespace
}  // namespace gentrace
