// The in-process capture and crash handler, in forked children that really
// crash: the handler must write a complete Capture (registers, the stack,
// native frames that name the crashing calls, the loaded modules) without
// calling malloc or free (this binary replaces them with versions that end
// the process with exit code 97 while the handler runs), then hand the
// signal to the handler installed before it. A stack overflow is captured
// too (alternate signal stack), and `gentrace render` names the frames.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "capture/in_process_capture.h"
#include "gtest/gtest.h"
#include "proto/gentrace.pb.h"
#include "symtab/native_modules.h"

// The allocator, as seen by everything linked here, refuses to run inside
// the crash handler.
extern "C" {
void* __libc_malloc(size_t);
void __libc_free(void*);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);

[[noreturn]] static void AllocatedInHandler() { _exit(97); }

void* malloc(size_t n) {
  if (gentrace::capture::CrashHandlerRunning()) AllocatedInHandler();
  return __libc_malloc(n);
}
void free(void* p) {
  if (gentrace::capture::CrashHandlerRunning()) AllocatedInHandler();
  __libc_free(p);
}
void* calloc(size_t n, size_t size) {
  if (gentrace::capture::CrashHandlerRunning()) AllocatedInHandler();
  return __libc_calloc(n, size);
}
void* realloc(void* p, size_t n) {
  if (gentrace::capture::CrashHandlerRunning()) AllocatedInHandler();
  return __libc_realloc(p, n);
}
}

namespace gentrace::capture {
namespace {

namespace fs = std::filesystem;

volatile int* volatile null_pointer = nullptr;
volatile int sink = 0;

[[gnu::noinline]] void WriteThroughNull() { *null_pointer = 7; }
[[gnu::noinline]] void CallsWriteThroughNull() {
  WriteThroughNull();
  sink = sink + 1;
}
// Recurses until the stack runs out (the recursion stops, in theory, when
// `limit` is reached; the stack gives out long before).
volatile int limit = 1 << 30;
[[gnu::noinline]] int Overflow(int n) {
  volatile char pad[512];
  pad[0] = static_cast<char>(n);
  if (n == limit) return 0;
  return Overflow(n + 1) + pad[0];
}

int g_marker_fd = -1;
void PreviousHandler(int signal) {
  const char kMessage[] = "previous handler ran\n";
  (void)!write(g_marker_fd, kMessage, sizeof(kMessage) - 1);
  ::signal(signal, SIG_DFL);  // the fault happens again, then kills
}

struct Outcome {
  int status = 0;
  Capture capture;
  bool parsed = false;
  std::string marker;
};

// Forks; the child installs a "previous" SIGSEGV handler, then gentrace's,
// then runs `crash`.
Outcome CrashInChild(const std::string& name, void (*crash)()) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/", name);
  fs::create_directories(dir);
  const std::string capture_path = dir + "/capture.pb";
  const std::string marker_path = dir + "/marker.txt";
  const pid_t pid = fork();
  if (pid == 0) {
    g_marker_fd = open(marker_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::signal(SIGSEGV, PreviousHandler);
    const int fd =
        open(capture_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!InstallCrashHandler(fd).ok()) _exit(98);
    crash();
    _exit(0);
  }
  Outcome out;
  waitpid(pid, &out.status, 0);
  std::string bytes;
  if (FILE* f = std::fopen(capture_path.c_str(), "rb")) {
    char buffer[65536];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), f)) > 0) {
      bytes.append(buffer, n);
    }
    std::fclose(f);
  }
  out.parsed = out.capture.ParseFromString(bytes);
  if (FILE* f = std::fopen(marker_path.c_str(), "r")) {
    char buffer[256] = {};
    out.marker = std::string(buffer, std::fread(buffer, 1, 255, f));
    std::fclose(f);
  }
  return out;
}

std::vector<std::string> FrameNames(const Capture& capture) {
  symtab::NativeModules modules;
  for (const LoadedModule& m : capture.modules()) {
    modules.Add(m.path(), m.start(), m.end(), m.load_bias());
  }
  std::vector<std::string> names;
  for (int i = 0; i < capture.native_frames_size(); ++i) {
    names.emplace_back(
        modules.Locate(capture.native_frames(i).pc(), i == 0).function);
  }
  return names;
}

TEST(CrashHandlerTest, SegfaultIsCapturedWithoutAllocatingThenChained) {
  const Outcome out = CrashInChild("segv", CallsWriteThroughNull);
  ASSERT_FALSE(WIFEXITED(out.status))
      << "exit " << WEXITSTATUS(out.status)
      << (WEXITSTATUS(out.status) == 97 ? ": the handler allocated" : "");
  ASSERT_TRUE(WIFSIGNALED(out.status));
  EXPECT_EQ(WTERMSIG(out.status), SIGSEGV);
  EXPECT_EQ(out.marker, "previous handler ran\n");
  ASSERT_TRUE(out.parsed);
  const Capture& c = out.capture;
  EXPECT_EQ(c.arch(), "amd64");
  EXPECT_EQ(c.signal(), SIGSEGV);
  EXPECT_EQ(c.fault_address(), 0u);
  EXPECT_GT(c.tid(), 0);
  ASSERT_TRUE(c.registers().contains("rip"));
  ASSERT_TRUE(c.registers().contains("rsp"));
  ASSERT_GE(c.native_frames_size(), 3);
  EXPECT_EQ(c.native_frames(0).pc(), c.registers().at("rip"));
  ASSERT_EQ(c.memory_size(), 1);
  const uint64_t sp = c.registers().at("rsp");
  EXPECT_LE(c.memory(0).address(), sp);
  EXPECT_GT(c.memory(0).address() + c.memory(0).data().size(), sp + 1024);
  EXPECT_GT(c.modules_size(), 1);  // the test and libc at least
  const std::vector<std::string> names = FrameNames(c);
  ASSERT_GE(names.size(), 3u);
  EXPECT_EQ(names[0],
            "gentrace::capture::(anonymous namespace)::WriteThroughNull()")
      << absl::StrJoin(names, "\n");
  EXPECT_EQ(
      names[1],
      "gentrace::capture::(anonymous namespace)::CallsWriteThroughNull()");
}

TEST(CrashHandlerTest, StackOverflowIsCapturedOnTheAlternateStack) {
  const Outcome out = CrashInChild("overflow", [] { Overflow(0); });
  ASSERT_FALSE(WIFEXITED(out.status)) << "exit " << WEXITSTATUS(out.status);
  EXPECT_EQ(WTERMSIG(out.status), SIGSEGV);
  ASSERT_TRUE(out.parsed);
  const std::vector<std::string> names = FrameNames(out.capture);
  ASSERT_GE(names.size(), 100u);  // bounded (256), and deep
  EXPECT_LE(names.size(), 256u);
  // The compiler may clone it ("Overflow(int) [clone .isra.0]").
  EXPECT_TRUE(absl::StartsWith(
      names[0], "gentrace::capture::(anonymous namespace)::Overflow(int)"))
      << names[0];
  EXPECT_EQ(names[50], names[0]);
}

TEST(CrashHandlerTest, AbortIsCapturedAndStillAborts) {
  const Outcome out = CrashInChild("abort", [] { std::abort(); });
  ASSERT_FALSE(WIFEXITED(out.status)) << "exit " << WEXITSTATUS(out.status);
  EXPECT_EQ(WTERMSIG(out.status), SIGABRT);
  ASSERT_TRUE(out.parsed);
  EXPECT_EQ(out.capture.signal(), SIGABRT);
  const std::vector<std::string> names = FrameNames(out.capture);
  EXPECT_TRUE(std::find(names.begin(), names.end(), "abort") != names.end())
      << absl::StrJoin(names, "\n");
}

[[gnu::noinline]] bool CaptureHere(int fd) { return CaptureCurrentThread(fd); }

TEST(CrashHandlerTest, CaptureCurrentThreadOnRequest) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/request.pb");
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(CaptureHere(fd));
  close(fd);
  Outcome out;
  FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  std::string bytes(1 << 20, '\0');
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), f));
  std::fclose(f);
  Capture capture;
  ASSERT_TRUE(capture.ParseFromString(bytes));
  EXPECT_EQ(capture.signal(), 0);
  const std::vector<std::string> names = FrameNames(capture);
  EXPECT_TRUE(
      std::find(names.begin(), names.end(),
                "gentrace::capture::(anonymous namespace)::CaptureHere(int)") !=
      names.end())
      << absl::StrJoin(names, "\n");
}

}  // namespace
}  // namespace gentrace::capture
