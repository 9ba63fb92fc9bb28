// Linked into a cc_test (alwayslink), this installs gentrace's crash handler
// when the test starts under `bazel test`: if the test crashes, the test
// log gets the crashing thread's symbolized native frames, and
// $TEST_UNDECLARED_OUTPUTS_DIR gets gentrace_capture.pb (the raw Capture)
// and gentrace_trace.pb (the symbolized Trace message). Symbolizing is not
// async-signal-safe, so the handler forks and execs `gentrace render`
// (a data dependency, found in the test's runfiles) for it.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "capture/in_process_capture.h"

namespace gentrace::capture {
namespace {

char g_gentrace[4096];
char g_capture_flag[4200];
char g_capture_path[4096];
char g_trace_path[4096];

// Runs `gentrace render <capture> <format>` with its stdout on `out`, and
// waits for it. Async-signal-safe (fork, execve, waitpid).
void Render(const char* format, int out) {
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out, 1);
    char render[] = "render";
    char* argv[] = {g_gentrace, render, g_capture_flag,
                    const_cast<char*>(format), nullptr};
    execve(g_gentrace, argv, environ);
    _exit(127);
  }
  if (pid > 0) waitpid(pid, nullptr, 0);
}

void RenderAfterCrash(int /*signal*/) {
  static const char kHeader[] = "\n*** gentrace: the crashing thread ***\n";
  (void)!write(2, kHeader, sizeof(kHeader) - 1);
  Render("--format=text", 2);
  const int trace = open(g_trace_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (trace >= 0) {
    Render("--format=proto", trace);
    close(trace);
  }
}

// A test that did not crash leaves no empty capture behind.
void RemoveEmptyCapture() {
  struct stat s {};
  if (stat(g_capture_path, &s) == 0 && s.st_size == 0) unlink(g_capture_path);
}

bool Install() {
  const char* outputs = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  const char* runfiles = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (outputs == nullptr || runfiles == nullptr || workspace == nullptr) {
    return false;
  }
  std::snprintf(g_gentrace, sizeof(g_gentrace), "%s/%s/cli/gentrace", runfiles,
                workspace);
  std::snprintf(g_capture_path, sizeof(g_capture_path),
                "%s/gentrace_capture.pb", outputs);
  std::snprintf(g_trace_path, sizeof(g_trace_path), "%s/gentrace_trace.pb",
                outputs);
  std::snprintf(g_capture_flag, sizeof(g_capture_flag), "--capture=%s",
                g_capture_path);
  const int fd =
      open(g_capture_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || !InstallCrashHandler(fd, RenderAfterCrash).ok()) return false;
  std::atexit(RemoveEmptyCapture);
  return true;
}

[[maybe_unused]] const bool installed = Install();

}  // namespace
}  // namespace gentrace::capture
