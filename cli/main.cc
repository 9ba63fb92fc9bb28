// The gentrace command: Go tracebacks and symbolization from outside the
// Go runtime.
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "cli/args.h"
#include "cli/commands.h"

namespace {

constexpr char kUsage[] =
    "usage: gentrace <command> [flags]\n"
    "\n"
    "commands:\n"
    "  symbolize --binary=PATH [--format=text|json] [--callers]\n"
    "      [--index=FILE|none] [--line-buffered] [PC...]\n"
    "      PCs (hex) to function, file:line and inlined frames; with no PC\n"
    "      arguments, reads one PC per line from stdin. --callers: the PCs\n"
    "      are return addresses (runtime.Callers, tracebacks): look up pc-1.\n"
    "      Answers from PATH.gtindex (gentrace index) when it is there.\n"
    "  index --binary=PATH [--out=FILE]\n"
    "      writes the binary's symbolization index (default PATH.gtindex).\n"
    "  pprof-symbolize --binary=PATH --in=FILE --out=FILE [--callers]\n"
    "      [--index=FILE|none]\n"
    "      fills in functions and lines (inlined calls included) of a pprof\n"
    "      profile's locations in the binary's mappings (by build ID).\n"
    "  breakpad-syms --binary=PATH\n"
    "      Breakpad's symbol file of the binary (FUNC, line, INLINE, PUBLIC\n"
    "      and STACK CFI records from the pclntab), for minidump_stackwalk.\n"
    "  funcs --binary=PATH\n"
    "      every function: entry, end, funcID, flags, args size, name.\n"
    "  info --binary=PATH [--format=text|json]\n"
    "      arch, Go version, pclntab format, build IDs, counts.\n"
    "  unwind --binary=PATH --capture=FILE [--format=text|json]\n"
    "      the Go frames of a raw capture (registers + stack memory; the\n"
    "      Capture message, binary or JSON).\n"
    "  core --binary=PATH --core=PATH [--threads] [--defers] [--native]\n"
    "      [--format=text|json|proto|pprof|html] [--pprof-group]\n"
    "      [--group[=exact|pcs|functions]] [--source-root=URL]\n"
    "      every goroutine of an ELF core as the runtime prints them at\n"
    "      GOTRACEBACK=crash; --defers: each frame's pending deferred calls;\n"
    "      --native: C frames of cgo calls (amd64); --threads: each\n"
    "      thread's Go frames from its registers instead.\n"
    "  minidump --minidump=FILE (--binary=PATH | [--store=DIR])\n"
    "      [--threads] [--defers] [--format=...] and core's other flags\n"
    "      a minidump (Breakpad, Crashpad) as core reads a core: each\n"
    "      thread's Go frames, or every goroutine from a full-memory one;\n"
    "      the binary from the service's store by the dump's build ID.\n"
    "  pid PID [--binary=PATH] [--defers]\n"
    "      [--format=text|json|proto|pprof|html] [--pprof-group]\n"
    "      [--group[=exact|pcs|functions]] [--source-root=URL]\n"
    "      every goroutine of a running Go process (held still with ptrace\n"
    "      while it is read; it runs on afterwards).\n"
    "      pprof: a gzipped goroutine profile for go tool pprof, a sample\n"
    "      per goroutine (--pprof-group: per distinct stack). --group:\n"
    "      goroutines alike collapsed into one block with a count, largest\n"
    "      first (default pcs). html: one self-contained page of the groups\n"
    "      (source positions linked under --source-root).\n"
    "  native --core=PATH | --pid=PID [--format=text|json|proto]\n"
    "      every thread's native (C, C++) frames (libdwfl), named from\n"
    "      the mapped files' symbols and DWARF lines.\n"
    "  render --capture=FILE [--format=text|json|proto]\n"
    "      a capture the in-process crash handler wrote (capture/): its\n"
    "      native frames, named from the modules the process had loaded;\n"
    "      in a Go program's C code, the goroutine of the cgo call.\n"
    "  crashtext --binary=PATH [--format=json|proto] [FILE]\n"
    "      the runtime's own crash text (stderr, debug.SetCrashOutput; FILE\n"
    "      or stdin) read against the binary that printed it: every frame\n"
    "      placed and symbolized, PCs rebased, a signature for grouping.\n"
    "  serve [--listen=HOST:PORT] [--store=DIR] [--upload-token-file=F]\n"
    "      [--read-token-file=F] [--max-request-bytes=N]\n"
    "      [--max-upload-bytes=N] [--threads=N] [--tls-cert=F --tls-key=F]\n"
    "      [--debuginfod-urls=URLS] [--store-max-bytes=N] "
    "[--grpc-listen=ADDR]\n"
    "      [--max-core-bytes=N] [--request-timeout=SECONDS]\n"
    "      [--max-open-bytes=N] [--work-timeout=SECONDS]\n"
    "      the traceback service over HTTP (default 127.0.0.1:8390, the\n"
    "      store in ~/.cache/gentrace/store): binaries by build ID,\n"
    "      symbolization, cores, captures, crash texts, the debuginfod and\n"
    "      pprof symbolz protocols; the same over gRPC with --grpc-listen.\n"
    "  store add FILE... | ls | verify | gc [--max-bytes=N] [--store=DIR]\n"
    "      the service's store by hand (gc: leftovers of unfinished adds,\n"
    "      indexes this gentrace cannot read built again, and the least\n"
    "      recently used binaries past N bytes).\n";

// `gentrace serve` is gentrace-serve, the program built beside this one
// (//cli:gentrace-serve): run in this process's place, so that signals and
// the exit status are the service's own. Returns only if it cannot run.
absl::Status RunServe(absl::Span<char* const> flags) {
  char self[PATH_MAX];
  const ssize_t size = readlink("/proc/self/exe", self, sizeof(self));
  if (size <= 0) {
    return absl::ErrnoToStatus(errno, "finding this program's directory");
  }
  if (size == sizeof(self)) {
    return absl::FailedPreconditionError("this program's path is too long");
  }
  std::string program(self, static_cast<size_t>(size));
  program.resize(program.rfind('/') + 1);
  program += "gentrace-serve";
  std::vector<char*> argv = {program.data()};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back(nullptr);
  execv(program.c_str(), argv.data());
  return absl::ErrnoToStatus(
      errno, absl::StrCat("cannot run ", program,
                          " (the service: it is built with gentrace and "
                          "goes beside it)"));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 ||
      std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  absl::Span<char* const> rest(argv + 2, argc - 2);
  absl::Status status;
  if (std::strcmp(argv[1], "symbolize") == 0) {
    status = gentrace::cli::RunSymbolize(rest);
  } else if (std::strcmp(argv[1], "index") == 0) {
    status = gentrace::cli::RunIndex(rest);
  } else if (std::strcmp(argv[1], "pprof-symbolize") == 0) {
    status = gentrace::cli::RunPprofSymbolize(rest);
  } else if (std::strcmp(argv[1], "native") == 0) {
    status = gentrace::cli::RunNative(rest);
  } else if (std::strcmp(argv[1], "render") == 0) {
    status = gentrace::cli::RunRender(rest);
  } else if (std::strcmp(argv[1], "crashtext") == 0) {
    status = gentrace::cli::RunCrashText(rest);
  } else if (std::strcmp(argv[1], "serve") == 0) {
    status = RunServe(rest);
  } else if (std::strcmp(argv[1], "store") == 0) {
    status = gentrace::cli::RunStore(rest);
  } else if (std::strcmp(argv[1], "minidump") == 0) {
    status = gentrace::cli::RunMinidump(rest);
  } else if (std::strcmp(argv[1], "breakpad-syms") == 0) {
    status = gentrace::cli::RunBreakpadSyms(rest);
  } else if (std::strcmp(argv[1], "funcs") == 0) {
    status = gentrace::cli::RunFuncs(rest);
  } else if (std::strcmp(argv[1], "info") == 0) {
    status = gentrace::cli::RunInfo(rest);
  } else if (std::strcmp(argv[1], "unwind") == 0) {
    status = gentrace::cli::RunUnwind(rest);
  } else if (std::strcmp(argv[1], "core") == 0) {
    status = gentrace::cli::RunCore(rest);
  } else if (std::strcmp(argv[1], "pid") == 0) {
    status = gentrace::cli::RunPid(rest);
  } else {
    std::fprintf(stderr, "gentrace: unknown command \"%s\"\n\n%s", argv[1],
                 kUsage);
    return 2;
  }
  std::fflush(stdout);
  return gentrace::cli::ExitCode(argv[1], status);
}
