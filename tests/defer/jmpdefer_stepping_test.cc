// golang/go#8153 at every instruction: real jmpdefer-era binaries (esbuild
// built by go1.17) were single-stepped under gdb-multiarch (through qemu-user
// for foreign GOARCHes; tests/defer/jmpdefer/record.sh) from deferreturn's
// call of runtime.jmpdefer to the deferred function's first instruction. At
// each step the unwinder must give the deferring function and all its
// callers, down to runtime.goexit, exactly as at the deferring function's
// CALL deferreturn (recorded as the state at deferreturn's entry), with only
// jmpdefer, deferreturn or the deferred function above them. The runtime's
// own traceback gives up inside jmpdefer on these architectures.
//
// The same recordings prove the jmpdefer era's deferreturn schedule: at the
// CALL deferreturn, the deferring frame's pending calls (read from the
// goroutine's defer chain with gentrace's record layout) must be exactly
// the deferred functions deferreturn was then seen to call.
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/json_util.h"
#include "goruntime/defer_layout.h"
#include "goruntime/pending_defers.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "target/capture.h"
#include "tests/defer/jmpdefer_stepping.pb.h"
#include "tests/testing/fixtures.h"
#include "unwind/go_unwinder.h"

namespace gentrace::unwind {
namespace {

using ::gentrace::testing::JmpdeferHeader;
using ::gentrace::testing::JmpdeferStep;

struct Frame {
  std::string function;
  uint64_t sp = 0;
  bool operator==(const Frame&) const = default;
};

struct Walk {
  std::vector<Frame> frames;
  StopReason stop = StopReason::kNone;
  std::string detail;
};

std::string FunctionAt(const symtab::Pclntab& table, uint64_t pc) {
  absl::StatusOr<symtab::Func> func = table.FindFunc(pc);
  absl::StatusOr<absl::string_view> name =
      func.ok() ? func->Name() : func.status();
  return name.ok() ? std::string(*name) : "?";
}

// The deferred calls pending on frame `frame` of a walk, as function
// entries, and the problems met reading them.
std::vector<uint64_t> PendingOn(const symtab::Binary& binary,
                                const target::CaptureTarget& capture,
                                uint64_t g, int frame,
                                std::vector<std::string>* problems) {
  std::vector<goruntime::DeferFrame> frames;
  GoUnwinder unwinder(binary.pclntab(), capture.arch(), capture.memory(), 200);
  unwinder.Start(*capture.registers().pc(), *capture.registers().sp(),
                 capture.registers().lr(), /*trap=*/true);
  for (; unwinder.valid(); unwinder.Next()) {
    const GoFrame& f = unwinder.frame();
    frames.push_back({.lookup_pc = f.trace_pc, .sp = f.sp, .fp = f.fp});
  }
  absl::StatusOr<goruntime::DeferLayout> layout =
      goruntime::DeferLayoutFor(*binary.go_version(), capture.arch().ptr_size);
  if (!layout.ok()) {
    problems->push_back(std::string(layout.status().message()));
    return {};
  }
  const goruntime::PendingDefers pending = goruntime::FindPendingDefers(
      binary.pclntab(), capture.memory(), *layout, capture.arch(), g, frames);
  // The recording holds the defer chain's memory, not the function values
  // of open-coded defers further down the stack.
  for (const std::string& problem : pending.problems) {
    if (problem.find("open-coded defer") == std::string::npos ||
        problem.find("unreadable function value") == std::string::npos) {
      problems->push_back(problem);
    }
  }
  std::vector<uint64_t> entries;
  for (const goruntime::PendingCall& call : pending.calls) {
    if (call.frame == frame) entries.push_back(call.fn);
  }

  return entries;
}

Walk Unwind(const symtab::Pclntab& table,
            const target::CaptureTarget& capture) {
  Walk walk;
  GoUnwinder unwinder(table, capture.arch(), capture.memory(),
                      /*max_frames=*/200);
  unwinder.Start(*capture.registers().pc(), *capture.registers().sp(),
                 capture.registers().lr(), /*trap=*/true);
  for (; unwinder.valid(); unwinder.Next()) {
    const GoFrame& frame = unwinder.frame();
    walk.frames.push_back(
        {FunctionAt(table, frame.exact_pc ? frame.pc : frame.pc - 1),
         frame.sp});
  }
  walk.stop = unwinder.stop_reason();
  walk.detail = unwinder.stop_detail();
  return walk;
}

std::string Describe(const std::vector<Frame>& frames) {
  return absl::StrJoin(frames, " ", [](std::string* out, const Frame& f) {
    absl::StrAppend(out, f.function, "@0x", absl::Hex(f.sp));
  });
}

// Why a step's walk is not the reference chain under an allowed top, or "".
std::string Difference(const Walk& reference, const Walk& step,
                       const std::string& deferred_function) {
  const std::vector<Frame> want(reference.frames.begin() + 1,
                                reference.frames.end());
  size_t top = 0;
  while (top < step.frames.size() &&
         (step.frames[top].function == "runtime.jmpdefer" ||
          step.frames[top].function == "runtime.deferreturn" ||
          step.frames[top].function == deferred_function) &&
         !(step.frames[top] == want.front())) {
    ++top;
  }
  const std::vector<Frame> rest(step.frames.begin() + top, step.frames.end());
  if (rest != want) {
    return absl::StrCat("frames [", Describe(step.frames),
                        "] (stopped: ", StopReasonName(step.stop), " ",
                        step.detail, "), want [...", Describe(want), "]");
  }
  if (step.stop != StopReason::kTopOfStack) {
    return absl::StrCat("stopped for ", StopReasonName(step.stop), ": ",
                        step.detail);
  }
  return "";
}

class JmpdeferSteppingTest : public ::testing::TestWithParam<std::string> {};

TEST_P(JmpdeferSteppingTest, EveryInstructionKeepsTheDeferringChain) {
  const std::string goarch = GetParam();
  std::ifstream recording("tests/defer/jmpdefer/" + goarch + ".jsonl");
  if (!recording) GTEST_SKIP() << "no recording for " << goarch;
  std::optional<std::string> fixtures = gentrace::testing::FixturesRoot();
  if (!fixtures) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();

  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  std::string line;
  ASSERT_TRUE(std::getline(recording, line));
  JmpdeferHeader header;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(line, &header, options).ok());
  const std::string dir = absl::StrCat(
      absl::StrReplaceAll(header.package(), {{"@", ""}, {"/", "_"}}), "-",
      header.version());
  const std::string path =
      absl::StrCat(*fixtures, "/esbuild/", dir, "/esbuild");
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(path);
  ASSERT_TRUE(binary.ok()) << binary.status();
  ASSERT_EQ((*binary)->go_build_id(), header.build_id())
      << path << " is not the binary the recording was made from";
  const symtab::Pclntab& table = (*binary)->pclntab();

  // Group the lines by hit: the reference, then its steps.
  struct Hit {
    std::optional<Walk> reference;
    std::vector<std::pair<uint64_t, Walk>> steps;  // pc, walk
  };
  std::map<int, Hit> hits;
  int lines = 1, schedules = 0, scheduled_calls = 0;
  while (std::getline(recording, line)) {
    ++lines;
    JmpdeferStep step;
    ASSERT_TRUE(
        google::protobuf::util::JsonStringToMessage(line, &step, options).ok())
        << "line " << lines;
    absl::StatusOr<target::CaptureTarget> capture =
        target::LoadCapture(step.capture().SerializeAsString());
    ASSERT_TRUE(capture.ok()) << capture.status();
    Walk walk = Unwind(table, *capture);
    if (step.kind() == "reference") {
      hits[step.hit()].reference = std::move(walk);
      // The deferring function is the frame under deferreturn.
      std::vector<std::string> problems;
      const std::vector<uint64_t> pending =
          PendingOn(**binary, *capture, step.g(), 1, &problems);
      EXPECT_TRUE(problems.empty())
          << "hit " << step.hit() << ": " << absl::StrJoin(problems, "; ");
      const std::vector<uint64_t> ran(step.deferreturn_runs().begin(),
                                      step.deferreturn_runs().end());
      EXPECT_FALSE(ran.empty()) << "hit " << step.hit();
      EXPECT_EQ(pending, ran) << "hit " << step.hit();
      schedules += pending == ran;
      scheduled_calls += ran.size();
    } else {
      hits[step.hit()].steps.emplace_back(*capture->registers().pc(),
                                          std::move(walk));
    }
  }

  int steps = 0, correct = 0, inside_jmpdefer = 0;
  absl::flat_hash_set<uint64_t> jmpdefer_pcs;
  std::vector<std::string> wrong;
  for (const auto& [number, hit] : hits) {
    ASSERT_TRUE(hit.reference.has_value()) << "hit " << number;
    const Walk& reference = *hit.reference;
    // The reference itself is an ordinary state: deferreturn just called.
    ASSERT_GE(reference.frames.size(), 3u);
    ASSERT_EQ(reference.frames[0].function, "runtime.deferreturn");
    ASSERT_EQ(reference.stop, StopReason::kTopOfStack) << reference.detail;
    ASSERT_FALSE(hit.steps.empty()) << "hit " << number;
    // The last step is the deferred function's first instruction.
    const std::string deferred = FunctionAt(table, hit.steps.back().first);
    EXPECT_NE(deferred, "runtime.jmpdefer") << "hit " << number;
    for (const auto& [pc, walk] : hit.steps) {
      ++steps;
      if (FunctionAt(table, pc) == "runtime.jmpdefer") {
        ++inside_jmpdefer;
        jmpdefer_pcs.insert(pc);
      }
      const std::string difference = Difference(reference, walk, deferred);
      if (difference.empty()) {
        ++correct;
      } else if (wrong.size() < 20) {
        wrong.push_back(absl::StrCat("hit ", number, " pc 0x", absl::Hex(pc),
                                     ": ", difference));
      }
    }
  }
  EXPECT_GE(hits.size(), 4u) << "too few passes through jmpdefer";
  EXPECT_GE(jmpdefer_pcs.size(), 5u) << "jmpdefer's instructions not all seen";
  std::cout << goarch << " (" << header.package() << " " << header.version()
            << ", " << header.go_version() << "): " << correct << " of "
            << steps << " steps keep the deferring chain ("
            << absl::StrFormat("%.1f", 100.0 * correct / std::max(steps, 1))
            << "%) over " << hits.size() << " passes; " << inside_jmpdefer
            << " steps at " << jmpdefer_pcs.size()
            << " distinct pcs inside runtime.jmpdefer; " << schedules
            << " deferreturn schedules (" << scheduled_calls
            << " calls) read from the defer chain as they ran\n";
  RecordProperty("steps", steps);
  RecordProperty("correct", correct);
  EXPECT_EQ(correct, steps) << absl::StrJoin(wrong, "\n");
}

INSTANTIATE_TEST_SUITE_P(Arches, JmpdeferSteppingTest,
                         ::testing::Values("386", "amd64", "arm", "arm64",
                                           "mips64le", "ppc64le", "riscv64",
                                           "s390x"));

}  // namespace
}  // namespace gentrace::unwind
