// Breakpad's own tools on gentrace's symbol files (gentrace breakpad-syms),
// on minidumps Breakpad's own writer made of tests/go/breakpad, built by Go
// 1.19 to 1.27 as is and stripped (tests/fixtures/build_breakpad.sh): on
// amd64 its ExceptionHandler, linked in, wrote the dump at the nil
// dereference before the Go runtime printed its report; for 386, arm,
// arm64 and mipsle, Breakpad's core2md (built for each) made it from the core
// the kernel or qemu wrote at the same fault, in a second run of the same
// binary with SIGSEGV at its default action. Breakpad's minidump_stackwalk,
// given gentrace's file, walks the crashing thread by its STACK CFI rules
// and names every frame as the runtime printed it (function, file:line,
// the inlined call), from the faulting function to runtime.goexit, stripped
// binaries too (on mipsle all but goexit, which Breakpad's MIPS walker
// misplaces); the module ID is the one Breakpad's writer gave the module.
// Where dump_syms reads the Go linker's DWARF (the unstripped builds),
// gentrace's CFA at every address and its lines agree with it. The frames
// minidump_stackwalk gets right with dump_syms' own file and with none are
// printed for comparison.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "proto/gentrace.pb.h"
#include "target/minidump.h"
#include "tests/testing/breakpad_text.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/runtime_report.h"
#include "tests/testing/shell_command.h"

namespace gentrace {
namespace {

namespace fs = std::filesystem;
using gentrace::testing::ReadFileOrEmpty;
using gentrace::testing::RunShellCommand;

// The frames of the crashing thread in `minidump_stackwalk -m` output, as
// "function file:line" ("" for a frame it could not name).
std::vector<std::string> CrashingThreadFrames(const std::string& output) {
  std::vector<std::string> frames;
  std::string crashed;
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    const std::vector<std::string> fields = absl::StrSplit(line, '|');
    if (fields.size() == 4 && fields[0] == "Crash") crashed = fields[3];
    if (fields.size() == 7 && fields[0] == crashed) {
      absl::string_view file = fields[4];
      absl::ConsumePrefix(&file, "./");  // dump_syms' files from DWARF
      frames.push_back(fields[3].empty() ? ""
                                         : absl::StrCat(fields[3], " ", file,
                                                        ":", fields[5]));
    }
  }
  return frames;
}

// How many of `expected` appear in `got` in order (their longest common
// subsequence): the frames a walk got right.
size_t FramesRight(const std::vector<std::string>& got,
                   const std::vector<std::string>& expected) {
  std::vector<std::vector<size_t>> common(
      got.size() + 1, std::vector<size_t>(expected.size() + 1));
  for (size_t i = 1; i <= got.size(); ++i) {
    for (size_t j = 1; j <= expected.size(); ++j) {
      common[i][j] = got[i - 1] == expected[j - 1]
                         ? common[i - 1][j - 1] + 1
                         : std::max(common[i - 1][j], common[i][j - 1]);
    }
  }
  return common[got.size()][expected.size()];
}

// The MODULE line's ID.
std::string ModuleId(const std::string& symbols) {
  const std::vector<std::string> fields =
      absl::StrSplit(symbols.substr(0, symbols.find('\n')), ' ');
  return fields.size() >= 5 ? fields[3] : "";
}

// A function's STACK CFI: its size and its CFA rule ("REG N +") from each
// address on.
struct FunctionCfi {
  uint64_t size = 0;
  std::map<uint64_t, std::string> cfa;
};

std::map<uint64_t, FunctionCfi> CfiByFunction(const std::string& symbols) {
  std::map<uint64_t, FunctionCfi> functions;
  FunctionCfi* current = nullptr;
  for (absl::string_view line : absl::StrSplit(symbols, '\n')) {
    if (!absl::ConsumePrefix(&line, "STACK CFI ")) continue;
    const bool init = absl::ConsumePrefix(&line, "INIT ");
    const std::vector<absl::string_view> fields = absl::StrSplit(line, ' ');
    const size_t cfa = line.find(".cfa: ");
    uint64_t address = 0, size = 0;
    if (fields.size() < 2 || !absl::SimpleHexAtoi(fields[0], &address) ||
        (init && !absl::SimpleHexAtoi(fields[1], &size))) {
      continue;
    }
    if (init) current = &functions[address];
    if (current == nullptr || cfa == absl::string_view::npos) continue;
    if (init) current->size = size;
    const absl::string_view rule = line.substr(cfa + 6);
    current->cfa[address] = std::string(rule.substr(0, rule.find(" +") + 2));
  }
  return functions;
}

// The rule in force at `address`.
std::string RuleAt(const std::map<uint64_t, std::string>& rules,
                   uint64_t address) {
  auto it = rules.upper_bound(address);
  return it == rules.begin() ? "" : std::prev(it)->second;
}

// A line record: where it starts, its size and "file:line" (a leading
// "./" of DWARF's file names dropped).
struct LineRecord {
  uint64_t size = 0;
  std::string line;
};

std::map<uint64_t, LineRecord> LineRecords(const std::string& symbols) {
  std::map<std::string, std::string> files;
  std::map<uint64_t, LineRecord> lines;
  for (absl::string_view line : absl::StrSplit(symbols, '\n')) {
    const std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::MaxSplits(' ', 2));
    if (fields.size() == 3 && fields[0] == "FILE") {
      absl::string_view name = fields[2];
      absl::ConsumePrefix(&name, "./");
      files[std::string(fields[1])] = std::string(name);
      continue;
    }
    const std::vector<std::string> record = absl::StrSplit(line, ' ');
    uint64_t address = 0, size = 0;
    if (record.size() == 4 && !line.empty() && absl::ascii_isxdigit(line[0]) &&
        !absl::ascii_isupper(line[0]) &&
        absl::SimpleHexAtoi(record[0], &address) &&
        absl::SimpleHexAtoi(record[1], &size)) {
      lines[address] = {size, absl::StrCat(files[record[3]], ":", record[2])};
    }
  }
  return lines;
}

class BreakpadTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::optional<std::string> root = gentrace::testing::FixturesRoot();
    if (!root) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
    tools_ = absl::StrCat(*root, "/breakpad/bin/");
    build_ = absl::StrCat(*root, "/breakpad/", GetParam(), "/");
    if (!fs::exists(build_ + "prog.dmp")) GTEST_SKIP() << "no " << build_;
    const std::vector<std::string> parts = absl::StrSplit(GetParam(), '/');
    arch_ = parts.size() == 3 ? parts[1] : "amd64";
    dir_ = fs::path(::testing::TempDir()) / "breakpad" / GetParam();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }

  // minidump_stackwalk's crashing thread with `symbols` (none if empty)
  // as the module's symbol file.
  std::vector<std::string> Walk(const std::string& name,
                                const std::string& symbols) {
    const fs::path store = dir_ / name;
    if (!symbols.empty()) {
      const fs::path at = store / "prog" / ModuleId(symbols);
      fs::create_directories(at);
      std::ofstream(at / "prog.sym") << symbols;
    }
    return CrashingThreadFrames(RunShellCommand(
        dir_.string(), absl::StrCat(tools_, "minidump_stackwalk -m ", build_,
                                    "prog.dmp ", store.string())));
  }

  // The runtime's goroutine 1 from the faulting function on, "function
  // file:line" (and with `pcs`, each physical frame's pc=, 0 for an
  // inlined call).
  std::vector<std::string> PrintedFromTheFault(bool pcs) const {
    const std::vector<gentrace::testing::PrintedBlock> report =
        gentrace::testing::ReadRuntimeReport(
            ReadFileOrEmpty(build_ + "prog.crash.txt"));
    std::vector<std::string> printed;
    for (const gentrace::testing::PrintedFrame& frame :
         report.empty() ? std::vector<gentrace::testing::PrintedFrame>()
                        : report[0].frames) {
      if (absl::StartsWith(frame.frame, "main.deref ") || !printed.empty()) {
        printed.push_back(
            pcs ? absl::StrCat(frame.frame, " 0x", absl::Hex(frame.pc))
                : frame.frame);
      }
    }
    return printed;
  }

  std::string tools_, build_;
  std::string arch_;  // GOARCH; amd64's dumps are the handler's
  fs::path dir_;
};

TEST_P(BreakpadTest, StackwalkNamesTheFramesTheRuntimePrinted) {
  const std::vector<std::string> printed = PrintedFromTheFault(false);
  ASSERT_EQ(printed.size(), 10u) << "deref, lookup, crash, 4 x run, main, "
                                    "runtime.main, runtime.goexit";

  const std::string symbols = RunShellCommand(
      dir_.string(), absl::StrCat(gentrace::testing::GentraceCommand(),
                                  " breakpad-syms --binary=", build_, "prog"));
  const std::vector<std::string> walked = Walk("gentrace", symbols);
  if (arch_ == "mipsle") {
    // Breakpad's MIPS walker looks a caller up 8 bytes before the return
    // address, past the call's delay slot. runtime.main's return address
    // is runtime.goexit+4, so Breakpad names the function before goexit
    // there; every frame before it is the runtime's.
    ASSERT_EQ(walked.size(), printed.size());
    EXPECT_EQ(std::vector<std::string>(walked.begin(), walked.end() - 1),
              std::vector<std::string>(printed.begin(), printed.end() - 1));
    EXPECT_NE(walked.back(), printed.back());
  } else {
    EXPECT_EQ(walked, printed);
  }
  // The module ID is the one Breakpad's writer recorded for the module.
  EXPECT_TRUE(absl::StrContains(
      RunShellCommand(
          dir_.string(),
          absl::StrCat(tools_, "minidump_stackwalk -m ", build_, "prog.dmp")),
      absl::StrCat("|prog|", ModuleId(symbols), "|")))
      << ModuleId(symbols);

  const std::string theirs = ReadFileOrEmpty(build_ + "prog.dump_syms.sym");
  const size_t with_theirs =
      theirs.empty() ? 0 : FramesRight(Walk("dump_syms", theirs), printed);
  const size_t with_none = FramesRight(Walk("none", ""), printed);
  std::cout << "frames right of " << printed.size() << ": gentrace "
            << FramesRight(walked, printed) << ", dump_syms " << with_theirs
            << ", no symbols " << with_none << "\n";
  RecordProperty("dump_syms_frames_right", static_cast<int>(with_theirs));
  RecordProperty("no_symbols_frames_right", static_cast<int>(with_none));

  // Every function both describe, at every address where either's CFA
  // changes: the C and C++ functions (Breakpad's client, the cgo runtime)
  // from their .eh_frame, which dump_syms reads too, and, unstripped, the
  // Go functions, whose CFI dump_syms reads from the linker's .debug_frame.
  const bool stripped = absl::StrContains(GetParam(), "stripped");
  // A stripped build without cgo leaves dump_syms no CFI to read.
  if (stripped && arch_ != "amd64") return;
  ASSERT_EQ(ModuleId(theirs), ModuleId(symbols));
  const std::map<uint64_t, FunctionCfi> ours_cfi = CfiByFunction(symbols);
  const std::map<uint64_t, FunctionCfi> theirs_cfi = CfiByFunction(theirs);
  int functions = 0, rules = 0;
  for (const auto& [entry, ours] : ours_cfi) {
    const auto theirs_function = theirs_cfi.find(entry);
    if (theirs_function == theirs_cfi.end()) continue;
    ++functions;
    for (const auto* cfa : {&ours.cfa, &theirs_function->second.cfa}) {
      for (const auto& [address, rule] : *cfa) {
        if (address >=
            entry + std::min(ours.size, theirs_function->second.size)) {
          continue;  // dump_syms' ranges end at the last instruction
        }
        EXPECT_EQ(RuleAt(ours.cfa, address),
                  RuleAt(theirs_function->second.cfa, address))
            << "at 0x" << std::hex << address;
        ++rules;
      }
    }
  }
  EXPECT_GT(functions, stripped ? 200 : 1000);
  std::cout << functions << " functions' CFI compared at " << rules
            << " addresses\n";
  if (stripped) return;
  // Every line record of ours that starts inside one of dump_syms' (from
  // the linker's .debug_line).
  const std::map<uint64_t, LineRecord> ours_lines = LineRecords(symbols);
  const std::map<uint64_t, LineRecord> theirs_lines = LineRecords(theirs);
  int lines_same = 0, lines_differ = 0;
  for (const auto& [address, record] : ours_lines) {
    auto theirs_record = theirs_lines.upper_bound(address);
    if (theirs_record == theirs_lines.begin()) continue;
    --theirs_record;
    if (address >= theirs_record->first + theirs_record->second.size) continue;
    (theirs_record->second.line == record.line ? lines_same : lines_differ)++;
  }
  std::cout << "line records: " << lines_same << " as dump_syms', "
            << lines_differ << " not\n";
  // DWARF's line table marks a few statement boundaries the pclntab does
  // not; nothing more.
  EXPECT_LT(lines_differ * 1000, lines_same) << lines_differ;
}

// Opens the minidump at `path` and expects gentrace to read its threads,
// modules (every module's base and file; the build IDs of those with one)
// and exception as Breakpad's minidump_dump (in `tools`) does. nullptr,
// after a failure, if it does not open.
std::unique_ptr<target::Minidump> OpenAsMinidumpDumpReadsIt(
    const std::string& tools, const std::string& path) {
  absl::StatusOr<std::unique_ptr<target::Minidump>> dump =
      target::Minidump::Open(path);
  if (!dump.ok()) {
    ADD_FAILURE() << dump.status();
    return nullptr;
  }
  const gentrace::testing::MinidumpDumpText dumped =
      gentrace::testing::ReadMinidumpDumpText(RunShellCommand(
          ::testing::TempDir(),
          // It exits 1 for the streams a dump does not have.
          absl::StrCat("sh -c '", tools, "minidump_dump ", path, " || true'")));
  EXPECT_GT(dumped.threads.size(), 1u);
  std::vector<int64_t> threads;
  for (const target::Thread& thread : (*dump)->threads()) {
    threads.push_back(thread.tid);
  }
  std::vector<int64_t> dumped_threads;
  for (const auto& thread : dumped.threads) dumped_threads.push_back(thread.id);
  EXPECT_EQ(threads, dumped_threads);
  std::vector<std::string> files;
  std::vector<std::string> modules;
  for (const target::Minidump::Module& module : (*dump)->modules()) {
    const std::string file =
        absl::StrCat("0x", absl::Hex(module.base), " ", module.name);
    files.push_back(file);
    if (!module.build_id.empty()) {
      modules.push_back(absl::StrCat(file, " ", module.build_id));
    }
  }
  EXPECT_EQ(files, dumped.files);
  EXPECT_EQ(modules, dumped.modules);
  if ((*dump)->crash().has_value()) {
    EXPECT_EQ((*dump)->crash()->tid, dumped.crashed);
    EXPECT_EQ((*dump)->crash()->signal, dumped.signal);
  } else {
    ADD_FAILURE() << path << " holds no exception";
  }
  return *std::move(dump);
}

TEST_P(BreakpadTest, MinidumpsReadAsBreakpadReadsThem) {
  const std::unique_ptr<target::Minidump> dump =
      OpenAsMinidumpDumpReadsIt(tools_, build_ + "prog.dmp");
  ASSERT_NE(dump, nullptr);
  EXPECT_FALSE(dump->holds_all_memory());
  ASSERT_NE(dump->main_module(), nullptr);
  // Where the GOARCH's linker puts a program that is not a PIE.
  const std::map<std::string, uint64_t> linked_at = {{"amd64", 0x400000},
                                                     {"386", 0x8048000},
                                                     {"arm", 0x10000},
                                                     {"arm64", 0x10000},
                                                     {"mipsle", 0x10000}};
  EXPECT_EQ(dump->main_module()->base, linked_at.at(arch_));
  if (arch_ != "mipsle") return;
  // Each thread's MIPS context as minidump_dump reads it: 64 bits a
  // register on o32 too, and epc after the multiply and DSP registers.
  // (Its "mdlo" line prints mdhi again, so lo is not compared.)
  const gentrace::testing::MinidumpDumpText dumped =
      gentrace::testing::ReadMinidumpDumpText(RunShellCommand(
          dir_.string(), absl::StrCat("sh -c '", tools_, "minidump_dump ",
                                      build_, "prog.dmp || true'")));
  ASSERT_EQ(dumped.threads.size(), dump->threads().size());
  for (size_t i = 0; i < dumped.threads.size(); ++i) {
    SCOPED_TRACE(dumped.threads[i].id);
    const arch::Registers& ours = dump->threads()[i].registers;
    const gentrace::testing::RegisterValues& theirs =
        dumped.threads[i].registers;
    for (const auto& [field, name] :
         std::vector<std::pair<std::string, std::string>>{{"epc", "pc"},
                                                          {"iregs[29]", "sp"},
                                                          {"iregs[31]", "ra"},
                                                          {"mdhi", "hi"}}) {
      const auto it = theirs.find(field);
      ASSERT_NE(it, theirs.end()) << field;
      EXPECT_EQ(ours.Get(name), it->second) << name;
    }
  }
}

// The frames of the thread `tid` of a Trace, as the runtime prints them,
// each physical frame's pc after it.
std::vector<std::string> ThreadFrames(const Trace& trace, int64_t tid) {
  std::vector<std::string> frames;
  for (const Thread& thread : trace.threads()) {
    if (static_cast<int64_t>(thread.tid()) != tid) continue;
    for (const Frame& frame : thread.frames()) {
      for (const Location& location : frame.locations()) {
        frames.push_back(absl::StrCat(
            location.function(), " ", location.file(), ":", location.line(),
            " 0x", absl::Hex(location.inlined() ? 0 : frame.pc())));
      }
    }
  }
  return frames;
}

TEST_P(BreakpadTest, GentraceMinidumpGivesTheRuntimesFrames) {
  const std::vector<std::string> printed = PrintedFromTheFault(true);
  ASSERT_EQ(printed.size(), 10u);
  absl::StatusOr<std::unique_ptr<target::Minidump>> dump =
      target::Minidump::Open(build_ + "prog.dmp");
  ASSERT_TRUE(dump.ok()) << dump.status();
  ASSERT_TRUE((*dump)->crash().has_value());

  // From the binary, and from a store holding it, found by the dump's
  // build ID.
  const std::string store = (dir_ / "store").string();
  RunShellCommand(
      dir_.string(),
      absl::StrCat(gentrace::testing::GentraceCommand(),
                   " store add --store=", store, " ", build_, "prog"));
  for (const std::string& source :
       {absl::StrCat("--binary=", build_, "prog"), "--store=" + store}) {
    SCOPED_TRACE(source);
    Trace trace;
    ASSERT_TRUE(
        google::protobuf::util::JsonStringToMessage(
            RunShellCommand(dir_.string(),
                            absl::StrCat(gentrace::testing::GentraceCommand(),
                                         " minidump --format=json --minidump=",
                                         build_, "prog.dmp ", source)),
            &trace)
            .ok());
    EXPECT_EQ(ThreadFrames(trace, (*dump)->crash()->tid), printed);
    EXPECT_EQ(static_cast<size_t>(trace.threads_size()),
              (*dump)->threads().size());
  }
}

// Minidumps of another writer, in Windows' own layout: Wine's dbghelp, of
// the windows/amd64 programs stopped by WineDbg at their fault
// (tests/fixtures/build_windows_crashes.sh). gentrace reads their threads,
// modules and exception as Breakpad's minidump_dump does, and places the
// faulting thread's frame in the PE binary as the runtime printed it. (The
// dump holds the thread's own stack, not the goroutine's, so the walk ends
// there.)
class WineMinidumpTest
    : public ::testing::TestWithParam<gentrace::testing::FixtureBinary> {};

TEST_P(WineMinidumpTest, ReadAsBreakpadReadsThem) {
  const std::string tools =
      absl::StrCat(*gentrace::testing::FixturesRoot(), "/breakpad/bin/");
  const std::string dump_path = GetParam().path + ".mdmp";
  const std::unique_ptr<target::Minidump> dump =
      OpenAsMinidumpDumpReadsIt(tools, dump_path);
  ASSERT_NE(dump, nullptr);
  ASSERT_TRUE(dump->crash().has_value());
  EXPECT_EQ(dump->crash()->signal, 0xc0000005u) << "an access violation";

  // The faulting frame, as the runtime printed it in its crash text.
  Trace trace;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  RunShellCommand(
                      ::testing::TempDir(),
                      absl::StrCat(gentrace::testing::GentraceCommand(),
                                   " minidump --format=json --minidump=",
                                   dump_path, " --binary=", GetParam().path)),
                  &trace)
                  .ok());
  const std::vector<gentrace::testing::PrintedBlock> printed =
      gentrace::testing::ReadRuntimeReport(
          ReadFileOrEmpty(GetParam().path + ".crash.txt"));
  ASSERT_FALSE(printed.empty());
  std::string deref;
  for (const gentrace::testing::PrintedFrame& frame : printed[0].frames) {
    if (absl::StartsWith(frame.frame, "main.deref ")) {
      deref = absl::StrCat(frame.frame, " 0x", absl::Hex(frame.pc));
    }
  }
  const std::vector<std::string> frames =
      ThreadFrames(trace, dump->crash()->tid);
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames.front(), deref);
}

INSTANTIATE_TEST_SUITE_P(
    Builds, WineMinidumpTest,
    ::testing::ValuesIn(gentrace::testing::WindowsCrashFixtures()),
    gentrace::testing::FixtureTestName());
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(WineMinidumpTest);

// Mach-O and PE binaries (tests/go/symbolize for macOS and Windows, every
// toolchain, as is and stripped): a `mac` or `windows` MODULE line for the
// GOARCH's Breakpad CPU, and at every PC the toolchain's own `go tool
// addr2line` was asked about, the line record's file:line is addr2line's
// (the innermost inlined call's, as Breakpad's line records are).
TEST(BreakpadForeignTest, MachOAndPeSymbolFilesAgreeWithAddr2line) {
  const std::vector<gentrace::testing::FixtureBinary> binaries =
      gentrace::testing::ForeignFixtureBinaries();
  if (binaries.empty()) GTEST_SKIP() << "no Mach-O or PE fixtures";
  const fs::path dir = fs::path(::testing::TempDir()) / "breakpad_foreign";
  fs::create_directories(dir);
  int rows_checked = 0;
  for (const gentrace::testing::FixtureBinary& binary : binaries) {
    SCOPED_TRACE(binary.name);
    const std::string symbols = RunShellCommand(
        dir.string(), absl::StrCat(gentrace::testing::GentraceCommand(),
                                   " breakpad-syms --binary=", binary.path));
    const std::vector<std::string> module =
        absl::StrSplit(symbols.substr(0, symbols.find('\n')), ' ');
    ASSERT_GE(module.size(), 5u);
    EXPECT_EQ(module[1],
              absl::StrContains(binary.name, "darwin") ? "mac" : "windows");
    EXPECT_EQ(module[2], binary.goarch == "amd64" ? "x86_64"
                         : binary.goarch == "386" ? "x86"
                                                  : binary.goarch);
    EXPECT_EQ(module[3].size(), 33u);
    // FUNC records by name, and the line records.
    std::map<std::string, uint64_t> functions;
    for (absl::string_view line : absl::StrSplit(symbols, '\n')) {
      const std::vector<std::string> f =
          absl::StrSplit(line, absl::MaxSplits(' ', 4));
      uint64_t address = 0;
      if (f.size() == 5 && f[0] == "FUNC" &&
          absl::SimpleHexAtoi(f[1], &address)) {
        functions.try_emplace(f[4], address);
      }
    }
    const std::map<uint64_t, LineRecord> lines = LineRecords(symbols);
    // addr2line's rows: pc, function, file, line.
    std::vector<std::vector<std::string>> rows;
    for (absl::string_view line : absl::StrSplit(
             ReadFileOrEmpty(binary.path + ".addr2line.tsv"), '\n')) {
      std::vector<std::string> row = absl::StrSplit(line, '\t');
      // (addr2line's ":-1" and "?:0" say it has no position there.)
      int line_number = 0;
      if (row.size() == 4 && row[1] != "?" && !row[2].empty() &&
          row[2] != "?" && absl::SimpleAtoi(row[3], &line_number) &&
          line_number > 0) {
        rows.push_back(std::move(row));
      }
    }
    ASSERT_GT(rows.size(), 100u);
    // The module's base: a function's entry less its FUNC address.
    uint64_t base = UINT64_MAX;
    for (const std::vector<std::string>& row : rows) {
      uint64_t pc = 0;
      auto function = functions.find(row[1]);
      if (function != functions.end() && absl::SimpleHexAtoi(row[0], &pc) &&
          pc >= function->second) {
        base = std::min(base, pc - function->second);
      }
    }
    ASSERT_NE(base, UINT64_MAX);
    int differ = 0;
    for (const std::vector<std::string>& row : rows) {
      uint64_t pc = 0;
      ASSERT_TRUE(absl::SimpleHexAtoi(row[0], &pc));
      auto record = lines.upper_bound(pc - base);
      ASSERT_NE(record, lines.begin()) << row[0];
      --record;
      const std::string expected = absl::StrCat(row[2], ":", row[3]);
      // A function without a line table (go:buildid, linker trampolines):
      // addr2line decodes whatever bytes sit where the table would be
      // (tests/symtab/addr2line_test compares only their names), gentrace
      // says "?:0" as the runtime does.
      if (pc - base < record->first + record->second.size &&
          record->second.line == "?:0") {
        continue;
      }
      if (pc - base >= record->first + record->second.size ||
          record->second.line != expected) {
        if (++differ <= 5) {
          ADD_FAILURE() << row[0] << " " << row[1] << ": addr2line " << expected
                        << ", the symbol file "
                        << (pc - base < record->first + record->second.size
                                ? record->second.line
                                : "none");
        }
      }
      ++rows_checked;
    }
  }
  std::cout << rows_checked << " addr2line rows in " << binaries.size()
            << " Mach-O and PE binaries\n";
}

// Every toolchain's builds: amd64 (the handler's dumps), then core2md's.
std::vector<std::string> BreakpadBuilds() {
  std::vector<std::string> builds;
  for (const char* go : {"go1.19", "go1.21", "go1.22", "go1.23", "go1.24",
                         "go1.25", "go1.26", "go1.27"}) {
    for (const char* arch : {"", "386/", "arm/", "arm64/", "mipsle/"}) {
      for (const char* variant : {"default", "stripped"}) {
        builds.push_back(absl::StrCat(go, "/", arch, variant));
      }
    }
  }
  return builds;
}

INSTANTIATE_TEST_SUITE_P(Builds, BreakpadTest,
                         ::testing::ValuesIn(BreakpadBuilds()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (c == '.' || c == '/') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace gentrace
