// gentrace core and gentrace minidump: every goroutine of a dump as the
// runtime prints them, or (--threads, or a minidump of thread stacks)
// each thread's Go frames from its registers.
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "render/program_trace.h"
#include "serve/store.h"
#include "target/minidump.h"

namespace gentrace::cli {
namespace {

constexpr absl::string_view kFormats[] = {"text", "json", "proto", "pprof",
                                          "html"};

// The trace of the dump at `dump_path` (a core or a minidump) of `binary`,
// as the flags both commands share ask for it.
absl::Status WriteDumpTrace(const Args& args, const std::string& format,
                            const symtab::Binary& binary,
                            std::string dump_path) {
  absl::StatusOr<render::TraceOutputOptions> options =
      OutputOptions(args, format);
  if (!options.ok()) return options.status();
  return render::WriteCoreTrace(binary,
                                {.core_path = std::move(dump_path),
                                 .format = format,
                                 .output = *std::move(options),
                                 .threads = args.Has("threads"),
                                 .defers = args.Has("defers"),
                                 .native = args.Has("native")},
                                stdout);
}

// The executable a minidump ran, from the store by its build ID.
absl::StatusOr<std::unique_ptr<symtab::Binary>> BinaryFromStore(
    const Args& args, const std::string& dump_path) {
  absl::StatusOr<std::unique_ptr<target::Minidump>> dump =
      target::Minidump::Open(dump_path);
  if (!dump.ok()) return dump.status();
  const target::Minidump::Module* main = (*dump)->main_module();
  if (main == nullptr || main->build_id.empty()) {
    return absl::NotFoundError(
        "the minidump names no build ID for the executable: give --binary");
  }
  absl::StatusOr<std::unique_ptr<serve::Store>> store =
      serve::Store::Open(StoreDir(args));
  if (!store.ok()) return store.status();
  absl::StatusOr<serve::Store::Entry> entry = (*store)->Find(main->build_id);
  if (!entry.ok()) {
    return absl::NotFoundError(
        absl::StrCat("the store holds no binary of build ID ", main->build_id,
                     " (", main->name, ")"));
  }
  return symtab::Binary::Open(entry->executable,
                              args.Flag("arch").value_or(""));
}

}  // namespace

absl::Status RunCore(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {
      "binary", "core",        "defers",      "format", "group",
      "native", "pprof-group", "source-root", "threads"};
  absl::StatusOr<CommandInput> input = ParseAndOpen(argv, kFlags, kFormats);
  if (!input.ok()) return input.status();
  absl::StatusOr<std::string> core_path = input->args.Required("core");
  if (!core_path.ok()) return core_path.status();
  return WriteDumpTrace(input->args, input->format, *input->binary, *core_path);
}

absl::Status RunMinidump(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {
      "arch",   "binary",      "defers",      "format", "group",  "minidump",
      "native", "pprof-group", "source-root", "store",  "threads"};
  absl::StatusOr<Args> args = Args::Parse(argv, kFlags);
  if (!args.ok()) return args.status();
  absl::StatusOr<std::string> format = args->Format(kFormats);
  if (!format.ok()) return format.status();
  absl::StatusOr<std::string> dump_path = args->Required("minidump");
  if (!dump_path.ok()) return dump_path.status();
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      args->Has("binary")
          ? symtab::Binary::Open(*args->Flag("binary"),
                                 args->Flag("arch").value_or(""))
          : BinaryFromStore(*args, *dump_path);
  if (!binary.ok()) return binary.status();
  return WriteDumpTrace(*args, *format, **binary, *dump_path);
}

}  // namespace gentrace::cli
