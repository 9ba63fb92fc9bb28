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
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "capture/in_process_capture.h"
#include "gtest/gtest.h"
#include "proto/gentrace.pb.h"
#include "symtab/native_modules.h"
#include "target/minidump.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/shell_command.h"

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer brings its own allocator, so the plain build alone
// checks that the handler does not allocate; and it leaves the crash
// signals to the handler under test, which chains them to their defaults.
extern "C" const char* __asan_default_options() {
  return "handle_segv=0:handle_sigbus=0:handle_abort=0:handle_sigfpe=0:"
         "handle_sigill=0";
}
#else
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
#endif  // __SANITIZE_ADDRESS__

namespace gentrace::capture {
namespace {

namespace fs = std::filesystem;

volatile int* volatile null_pointer = nullptr;
volatile int sink = 0;

// The stores through null are the point: UndefinedBehaviorSanitizer is
// told to let them fault.
[[gnu::noinline, gnu::no_sanitize("null")]] void WriteThroughNull() {
  *null_pointer = 7;
}
[[gnu::noinline]] void CallsWriteThroughNull() {
  WriteThroughNull();
  sink = sink + 1;
}
// The same in a function that calls another first, so that it keeps a
// frame pointer (a leaf need not), which Breakpad's walker follows when it
// has no unwind rules.
[[gnu::noinline]] void Touch() { sink = sink + 1; }
[[gnu::noinline, gnu::no_sanitize("null")]] void TouchThenWriteThroughNull() {
  Touch();
  *null_pointer = 7;
}
[[gnu::noinline]] void CallsTouchThenWriteThroughNull() {
  TouchThenWriteThroughNull();
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
  std::string minidump;  // when asked for
};

std::string ReadWhole(const std::string& path) {
  std::string bytes;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buffer[65536];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), f)) > 0) {
      bytes.append(buffer, n);
    }
    std::fclose(f);
  }
  return bytes;
}

// Forks; the child installs a "previous" SIGSEGV handler, then gentrace's
// (writing a minidump too when `minidump`), then runs `crash`.
Outcome CrashInChild(const std::string& name, void (*crash)(),
                     bool minidump = false) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/", name);
  fs::create_directories(dir);
  const std::string capture_path = dir + "/capture.pb";
  const std::string minidump_path = dir + "/crash.dmp";
  const std::string marker_path = dir + "/marker.txt";
  const pid_t pid = fork();
  if (pid == 0) {
    g_marker_fd = open(marker_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::signal(SIGSEGV, PreviousHandler);
    const int fd =
        open(capture_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int minidump_fd = minidump ? open(minidump_path.c_str(),
                                            O_WRONLY | O_CREAT | O_TRUNC, 0644)
                                     : -1;
    if (!InstallCrashHandler(fd, nullptr, minidump_fd).ok()) _exit(98);
    crash();
    _exit(0);
  }
  Outcome out;
  waitpid(pid, &out.status, 0);
  out.parsed = out.capture.ParseFromString(ReadWhole(capture_path));
  out.marker = ReadWhole(marker_path);
  if (minidump) out.minidump = ReadWhole(minidump_path);
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

TEST(CrashHandlerTest, MinidumpIsWrittenBesideTheCapture) {
  const Outcome out = CrashInChild("minidump", CallsTouchThenWriteThroughNull,
                                   /*minidump=*/true);
  ASSERT_FALSE(WIFEXITED(out.status))
      << "exit " << WEXITSTATUS(out.status)
      << (WEXITSTATUS(out.status) == 97 ? ": the handler allocated" : "");
  EXPECT_EQ(WTERMSIG(out.status), SIGSEGV);
  EXPECT_EQ(out.marker, "previous handler ran\n");
  ASSERT_TRUE(out.parsed);
  const Capture& c = out.capture;

  // gentrace's reader: the thread, registers, stack, crash and modules
  // the capture holds.
  absl::StatusOr<std::unique_ptr<target::Minidump>> dump =
      target::Minidump::FromBytes(out.minidump);
  ASSERT_TRUE(dump.ok()) << dump.status();
  const target::Minidump& m = **dump;
  ASSERT_EQ(m.threads().size(), 1u);
  EXPECT_EQ(m.threads()[0].tid, c.tid());
  for (const char* name : {"rip", "rsp", "rbp", "rbx", "r12", "rax"}) {
    EXPECT_EQ(m.threads()[0].registers.Get(name), c.registers().at(name))
        << name;
  }
  ASSERT_TRUE(m.crash().has_value());
  EXPECT_EQ(m.crash()->tid, c.tid());
  EXPECT_EQ(m.crash()->signal, static_cast<uint32_t>(SIGSEGV));
  EXPECT_EQ(m.crash()->address, c.fault_address());
  const MemoryRange& stack = c.memory(0);
  std::optional<symtab::ByteReader> bytes =
      m.memory().Read(stack.address(), stack.data().size());
  ASSERT_TRUE(bytes.has_value());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes->data().data()),
                        bytes->size()),
            stack.data());
  ASSERT_NE(m.main_module(), nullptr);
  EXPECT_EQ(m.main_module()->name, fs::read_symlink("/proc/self/exe"));
  int with_build_id = 0;
  for (const target::Minidump::Module& module : m.modules()) {
    with_build_id += !module.build_id.empty();
  }
  EXPECT_GE(with_build_id, 1) << "libc has one";
  EXPECT_EQ(m.modules().size(), static_cast<size_t>(c.modules_size()));

  // Breakpad's own walker reads it, and finds the capture's first frames
  // (by their frame pointers: it is given no unwind rules).
  const std::optional<std::string> root = gentrace::testing::FixturesRoot();
  if (!root) return;
  const std::string dir = absl::StrCat(::testing::TempDir(), "/minidump");
  const std::string walked = gentrace::testing::RunShellCommand(
      dir, absl::StrCat(*root, "/breakpad/bin/minidump_stackwalk -m ", dir,
                        "/crash.dmp"));
  std::vector<uint64_t> pcs;
  for (absl::string_view line : absl::StrSplit(walked, '\n')) {
    const std::vector<std::string> fields = absl::StrSplit(line, '|');
    uint64_t offset = 0;
    if (fields.size() != 7 || fields[0] != "0" ||
        !absl::SimpleHexAtoi(fields[6], &offset)) {
      continue;
    }
    pcs.push_back(m.main_module()->base + offset);
  }
  ASSERT_GE(pcs.size(), 3u) << walked;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(pcs[i], c.native_frames(i).pc()) << "frame " << i;
  }
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
