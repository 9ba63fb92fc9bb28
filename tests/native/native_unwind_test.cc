// Native frames against independent unwinders: tests/native/crasher (C++,
// a namespace, a class template and a lambda on the way down) crashes at
// depths 1, 5 and 40 and the kernel writes a core; gentrace's native
// unwinding over the core (libdwfl, with the CFI of the mapped files),
// symbolized with their ELF symbols and DWARF lines, must give gdb's `bt` of
// the same core, frame for frame (pc, function, file:line) down to main.
// The same program stopped at depth 5 is unwound live, held with ptrace,
// and must match gdb attached to it. The current thread's own frames
// (libunwind, in-process) must match glibc's backtrace().
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "symtab/elf_file.h"
#include "symtab/mapped_file.h"
#include "symtab/native_modules.h"
#include "target/core_file.h"
#include "target/live_process.h"
#include "traceback/native_frames.h"
#include "unwind/memory_native_unwinder.h"
#include "unwind/native_unwinder.h"

namespace gentrace::unwind {
namespace {

namespace fs = std::filesystem;

const char kCrasher[] = "tests/native/crasher";

// One frame as both sides name it.
struct Named {
  uint64_t pc = 0;
  std::string function;   // without its parameter list
  std::string line = "";  // "crasher.cc:26" (file base name), if known
};

// "ns::f<int>(int, bool) const" -> "ns::f<int>": gdb's `bt` prints names
// without parameters.
std::string WithoutParameters(std::string name) {
  name = std::string(absl::StripSuffix(name, " const"));
  if (name.empty() || name.back() != ')') return name;
  int depth = 0;
  for (size_t i = name.size(); i-- > 0;) {
    if (name[i] == ')') ++depth;
    if (name[i] == '(' && --depth == 0) return name.substr(0, i);
  }
  return name;
}

std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    out.append(buffer, n);
  pclose(pipe);
  return out;
}

// gdb's backtrace: "#3  0x000055555555529d in crasher::Start (depth=5, ...)
// at tests/native/crasher.cc:44"; frame 0 may have no "0x... in".
std::vector<Named> GdbBacktrace(const std::string& gdb_args) {
  std::vector<Named> frames;
  // What gdb prints on loading a core (the crash frame) comes before the
  // marker.
  const std::string out = RunCommand(
      absl::StrCat("gdb -nx -batch -ex 'set width 0' -ex 'echo ==bt==\\n' ",
                   "-ex bt ", gdb_args, " 2>/dev/null"));
  const size_t marker = out.find("==bt==\n");
  if (marker == std::string::npos) return frames;
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(out).substr(marker), '\n')) {
    if (!absl::ConsumePrefix(&line, "#")) continue;
    const size_t space = line.find(' ');
    if (space == absl::string_view::npos) continue;
    line.remove_prefix(space);
    line = absl::StripLeadingAsciiWhitespace(line);
    Named frame;
    if (absl::ConsumePrefix(&line, "0x")) {
      const size_t end = line.find(' ');
      if (!absl::SimpleHexAtoi(line.substr(0, end), &frame.pc)) continue;
      line.remove_prefix(end);
      line = absl::StripPrefix(line, " in ");
    }
    frame.function = std::string(line.substr(0, line.find(" (")));
    const size_t at = line.rfind(" at ");
    if (at != absl::string_view::npos) {
      frame.line = std::string(
          fs::path(std::string(line.substr(at + 4))).filename().string());
    }
    frames.push_back(frame);
  }
  return frames;
}

// Our frames named, down to and including main.
std::vector<Named> Name(const std::vector<NativeFrame>& frames,
                        const symtab::NativeModules& modules) {
  std::vector<Named> out;
  for (size_t i = 0; i < frames.size(); ++i) {
    const symtab::NativeModules::Location at =
        modules.Locate(frames[i].pc, i == 0);
    Named named{.pc = frames[i].pc,
                .function = at.function.empty()
                                ? "??"
                                : WithoutParameters(std::string(at.function))};
    if (!at.file.empty()) {
      named.line = absl::StrCat(
          fs::path(std::string(at.file)).filename().string(), ":", at.line);
    }
    out.push_back(named);
    if (out.back().function == "main") break;
  }
  return out;
}

// The target's first thread (the crashing or stopped one), unwound from
// its registers over its memory with the unwind tables of the files it had
// mapped, and named from them.
void FirstThreadFrames(const target::Target& target, std::vector<Named>* out) {
  const symtab::NativeModules modules =
      traceback::NativeModulesOf(target.file_mappings());
  absl::StatusOr<std::unique_ptr<MemoryNativeUnwinder>> unwinder =
      traceback::NativeUnwinderOf(target, modules);
  ASSERT_TRUE(unwinder.ok()) << unwinder.status();
  ASSERT_FALSE(target.threads().empty());
  absl::StatusOr<std::vector<NativeFrame>> frames =
      (*unwinder)->Unwind(target.threads()[0].registers, 256);
  ASSERT_TRUE(frames.ok()) << frames.status();
  *out = Name(*frames, modules);
}

// gdb's frames down to and including main.
std::vector<Named> UpToMain(std::vector<Named> frames) {
  for (size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].function == "main") {
      frames.resize(i + 1);
      break;
    }
  }
  return frames;
}

std::string Describe(const std::vector<Named>& frames) {
  return absl::StrJoin(frames, "\n", [](std::string* out, const Named& f) {
    absl::StrAppend(out, "0x", absl::Hex(f.pc), " ", f.function);
  });
}

int lines_compared = 0;

void ExpectSameFrames(const std::vector<Named>& ours,
                      const std::vector<Named>& gdb) {
  ASSERT_EQ(ours.size(), gdb.size()) << "ours:\n"
                                     << Describe(ours) << "\ngdb:\n"
                                     << Describe(gdb);
  for (size_t i = 0; i < ours.size(); ++i) {
    // For a lambda's call operator gdb prints its DWARF name alone
    // ("operator()"); the symbol table gives the whole scope.
    EXPECT_TRUE(ours[i].function == gdb[i].function ||
                absl::EndsWith(ours[i].function, "::" + gdb[i].function))
        << "frame " << i << ": " << ours[i].function << " vs gdb's "
        << gdb[i].function;
    if (gdb[i].pc != 0) {
      EXPECT_EQ(ours[i].pc, gdb[i].pc) << "frame " << i;
    }
    if (!gdb[i].line.empty()) {
      EXPECT_EQ(ours[i].line, gdb[i].line) << "frame " << i;
      ++lines_compared;
    }
  }
}

// Runs the crasher in `dir` with cores allowed; returns its pid (waited
// for unless `stop`, in which case it is left stopped and traced).
pid_t StartCrasher(const std::string& dir, int depth, bool stop) {
  const std::string program = fs::absolute(kCrasher).string();
  const std::string depth_arg = absl::StrCat(depth);
  const pid_t pid = fork();
  if (pid == 0) {
    rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
    setrlimit(RLIMIT_CORE, &unlimited);
    if (chdir(dir.c_str()) != 0) _exit(127);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    execl(program.c_str(), program.c_str(), depth_arg.c_str(),
          stop ? "stop" : "segv", nullptr);
    _exit(127);
  }
  return pid;
}

std::string CorePattern() {
  std::string pattern = RunCommand("cat /proc/sys/kernel/core_pattern");
  return std::string(absl::StripTrailingAsciiWhitespace(pattern));
}

class NativeCoreTest : public ::testing::TestWithParam<int> {};

TEST_P(NativeCoreTest, CoreFramesMatchGdb) {
  const std::string pattern = CorePattern();
  if (absl::StartsWith(pattern, "|")) {
    GTEST_SKIP() << "cores go to a program here: " << pattern;
  }
  const std::string dir =
      absl::StrCat(::testing::TempDir(), "/core", GetParam());
  fs::remove_all(dir);
  fs::create_directories(dir);
  const pid_t pid = StartCrasher(dir, GetParam(), /*stop=*/false);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
  std::string core_path;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (absl::StartsWith(e.path().filename().string(), "core")) {
      core_path = e.path().string();
    }
  }
  if (core_path.empty()) GTEST_SKIP() << "no core (pattern " << pattern << ")";

  absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
      target::CoreFile::Open(core_path);
  ASSERT_TRUE(core.ok()) << core.status();
  std::vector<Named> ours;
  ASSERT_NO_FATAL_FAILURE(FirstThreadFrames(**core, &ours));
  lines_compared = 0;
  const std::vector<Named> gdb = UpToMain(GdbBacktrace(
      absl::StrCat(fs::absolute(kCrasher).string(), " ", core_path)));
  ExpectSameFrames(ours, gdb);
  // Crash, the descent, the lambda, Start, main.
  EXPECT_EQ(static_cast<int>(ours.size()), GetParam() + 4);
  EXPECT_EQ(ours.front().function, "crasher::Crash");

  // DWARF lines were compared: the program's frames all have them.
  EXPECT_GE(lines_compared, GetParam() + 3);
}

// Refused cleanly: registers of another architecture, an architecture
// elfutils unwinds nothing of, no file that opens.
class NoMemory : public symtab::AddressSpace {
 public:
  std::optional<symtab::ByteReader> ReadToEnd(uint64_t) const override {
    return std::nullopt;
  }
};

TEST(MemoryNativeUnwinderTest, RefusesWhatItCannotWalk) {
  const NoMemory nothing;
  const arch::ArchInfo& host = *arch::HostArch();
  const NativeObject self{"/proc/self/exe", 0};
  EXPECT_FALSE(MemoryNativeUnwinder::Create(host, nothing, {}).ok());
  EXPECT_FALSE(MemoryNativeUnwinder::Create(host, nothing,
                                            {NativeObject{"/nonexistent", 0}})
                   .ok());
  absl::StatusOr<std::unique_ptr<MemoryNativeUnwinder>> unwinder =
      MemoryNativeUnwinder::Create(host, nothing, {self});
  ASSERT_TRUE(unwinder.ok()) << unwinder.status();
  for (const arch::ArchInfo& other : arch::AllArches()) {
    if (&other == &host) continue;
    EXPECT_FALSE((*unwinder)->Unwind(arch::Registers(other), 8).ok());
    break;
  }
  // Nothing readable: the first frame at most, never a hang.
  arch::Registers registers(host);
  registers.Set(host.pc, 0x1000);
  registers.Set(host.sp, 0x2000);
  absl::StatusOr<std::vector<NativeFrame>> frames =
      (*unwinder)->Unwind(registers, 8);
  ASSERT_TRUE(frames.ok());
  EXPECT_LE(frames->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Depths, NativeCoreTest, ::testing::Values(1, 5, 40));

// The command line: `gentrace native --core` prints the same frames.
TEST(NativeCommandTest, PrintsTheCoresThreads) {
  const std::string pattern = CorePattern();
  if (absl::StartsWith(pattern, "|")) GTEST_SKIP() << pattern;
  const std::string dir = absl::StrCat(::testing::TempDir(), "/command");
  fs::remove_all(dir);
  fs::create_directories(dir);
  int status = 0;
  waitpid(StartCrasher(dir, 3, /*stop=*/false), &status, 0);
  std::string core_path;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (absl::StartsWith(e.path().filename().string(), "core")) {
      core_path = e.path().string();
    }
  }
  if (core_path.empty()) GTEST_SKIP() << "no core";
  const std::string out = RunCommand(absl::StrCat(
      fs::absolute("cli/gentrace").string(), " native --core=", core_path));
  std::vector<std::string> functions;
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (absl::StartsWith(line, "  ") && !absl::StartsWith(line, "    ")) {
      functions.emplace_back(absl::StripLeadingAsciiWhitespace(line));
    }
  }
  const std::vector<std::string> want = {
      "crasher::Crash(bool)",
      "crasher::Descender<long>::Down(int, bool)",
      "crasher::Descender<long>::Down(int, bool)",
      "crasher::Descender<long>::Down(int, bool)",
      "crasher::Start(int, bool)::{lambda(int)#1}::operator()(int) const",
      "crasher::Start(int, bool)",
      "main"};
  ASSERT_GE(functions.size(), want.size()) << out;
  EXPECT_EQ(std::vector<std::string>(functions.begin(),
                                     functions.begin() + want.size()),
            want)
      << out;
}

TEST(NativeUnwindTest, PtraceFramesMatchGdbAttached) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/stopped");
  fs::create_directories(dir);
  const pid_t pid = StartCrasher(dir, 5, /*stop=*/true);
  int status = 0;
  // The child stops itself with SIGSTOP.
  ASSERT_EQ(waitpid(pid, &status, WUNTRACED), pid);
  ASSERT_TRUE(WIFSTOPPED(status));
  std::vector<Named> ours;
  {
    absl::StatusOr<std::unique_ptr<target::LiveProcess>> process =
        target::LiveProcess::Attach(pid);
    ASSERT_TRUE(process.ok()) << process.status();
    ASSERT_NO_FATAL_FAILURE(FirstThreadFrames(**process, &ours));
    (*process)->Detach();
  }
  const std::vector<Named> gdb =
      UpToMain(GdbBacktrace(absl::StrCat("-p ", pid)));
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  // gdb's frames above the program's are in libc's raise; compare from
  // Crash down.
  auto crash = std::find_if(gdb.begin(), gdb.end(), [](const Named& f) {
    return f.function == "crasher::Crash";
  });
  ASSERT_NE(crash, gdb.end()) << Describe(gdb);
  auto our_crash = std::find_if(ours.begin(), ours.end(), [](const Named& f) {
    return f.function == "crasher::Crash";
  });
  ASSERT_NE(our_crash, ours.end()) << Describe(ours);
  ExpectSameFrames(std::vector<Named>(our_crash, ours.end()),
                   std::vector<Named>(crash, gdb.end()));
}

// `gentrace native --pid` on the program stopped at depth 4: holds it with
// ptrace, prints its frames, lets it go.
TEST(NativeCommandTest, PrintsALiveProcessesThreads) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/pid");
  fs::create_directories(dir);
  const pid_t pid = StartCrasher(dir, 4, /*stop=*/true);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, WUNTRACED), pid);
  const std::string out = RunCommand(absl::StrCat(
      fs::absolute("cli/gentrace").string(), " native --pid=", pid));
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  const size_t crash = out.find("  crasher::Crash(bool)\n");
  const size_t start = out.find("  crasher::Start(int, bool)\n");
  const size_t main_frame = out.find("\n  main\n");
  ASSERT_NE(crash, std::string::npos) << out;
  EXPECT_LT(crash, start);
  EXPECT_LT(start, main_frame);
}

// The frames glibc's backtrace() lists first besides its caller's: under
// AddressSanitizer, its backtrace(), which calls glibc's.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kInterceptor = 1;
#else
constexpr int kInterceptor = 0;
#endif

[[gnu::noinline]] int LocalFrames(NativeFrame* frames, int max, void** glibc,
                                  int* glibc_count) {
  *glibc_count = backtrace(glibc, max);
  const int n = UnwindLocalNative(nullptr, absl::MakeSpan(frames, max));
  // Not a tail call: this frame must still be there for both.
  asm volatile("" ::: "memory");
  return n;
}

TEST(NativeUnwindTest, LocalFramesMatchGlibcBacktrace) {
  NativeFrame frames[64];
  void* glibc[64];
  int glibc_count = 0;
  const int n = LocalFrames(frames, 64, glibc, &glibc_count);
  ASSERT_GT(n, 3);
  // Both start in LocalFrames (glibc's at its call of backtrace, ours at
  // its call of UnwindLocalNative: different pcs), then agree on every
  // caller.
  ASSERT_GE(glibc_count, n - 1 + kInterceptor);
  for (int i = 1; i < n && i + kInterceptor < glibc_count; ++i) {
    EXPECT_EQ(frames[i].pc, reinterpret_cast<uint64_t>(glibc[i + kInterceptor]))
        << "frame " << i;
  }
}

}  // namespace
}  // namespace gentrace::unwind

namespace gentrace::unwind {
namespace {

[[gnu::noinline]] int LocalPcs(uint64_t* pcs, int max, void** glibc,
                               int* glibc_count) {
  *glibc_count = backtrace(glibc, max);
  const int n = BacktraceLocalNative(nullptr, absl::MakeSpan(pcs, max));
  asm volatile("" ::: "memory");
  return n;
}

TEST(NativeUnwindTest, FastTraceMatchesGlibcBacktrace) {
  uint64_t pcs[64];
  void* glibc[64];
  int glibc_count = 0;
  const int n = LocalPcs(pcs, 64, glibc, &glibc_count);
  ASSERT_GT(n, 3);
  ASSERT_EQ(n + kInterceptor, glibc_count);
  for (int i = 1; i < n; ++i) {
    EXPECT_EQ(pcs[i], reinterpret_cast<uint64_t>(glibc[i + kInterceptor]))
        << "frame " << i;
  }
}

}  // namespace
}  // namespace gentrace::unwind
