// Every instruction: the stepping program (tests/go/stepping) was single-
// stepped under gdb-multiarch on each GOARCH (tests/unwind/stepping/
// record.sh), and at every instruction of its functions the registers and
// stack were recorded with the chain of live calls its control flow showed.
// At each one the unwinder must return exactly that chain, with each frame's
// SP, down to runtime.goexit: in prologues and epilogues, in frameless
// leaves, around morestack (before and after the stack copy), in method
// wrappers and closures.
#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "target/capture.h"
#include "tests/testing/fixtures.h"
#include "tests/unwind/stepping.pb.h"
#include "unwind/go_unwinder.h"

namespace gentrace::unwind {
namespace {

using ::gentrace::testing::SteppedInstruction;
using ::gentrace::testing::SteppingHeader;

struct Walk {
  std::vector<std::string> functions;
  std::vector<uint64_t> sps;
  StopReason stop = StopReason::kNone;
  std::string detail;
};

Walk Unwind(const symtab::Pclntab& table,
            const target::CaptureTarget& capture) {
  Walk walk;
  GoUnwinder unwinder(table, capture.arch(), capture.memory(),
                      /*max_frames=*/64);
  unwinder.Start(*capture.registers().pc(), *capture.registers().sp(),
                 capture.registers().lr(), /*trap=*/true);
  for (; unwinder.valid(); unwinder.Next()) {
    const GoFrame& frame = unwinder.frame();
    absl::StatusOr<symtab::Func> func =
        table.FindFunc(frame.exact_pc ? frame.pc : frame.pc - 1);
    absl::StatusOr<absl::string_view> name =
        func.ok() ? func->Name() : func.status();
    walk.functions.emplace_back(name.ok() ? *name : "?");
    walk.sps.push_back(frame.sp);
  }
  walk.stop = unwinder.stop_reason();
  walk.detail = unwinder.stop_detail();
  return walk;
}

// Why `got` differs from the recorded instruction, or "" if it does not.
std::string Difference(const SteppedInstruction& want, const Walk& got) {
  const std::vector<std::string> chain(want.chain().begin(),
                                       want.chain().end());
  if (got.functions != chain) {
    return absl::StrCat("frames [", absl::StrJoin(got.functions, " "),
                        "], want [", absl::StrJoin(chain, " "), "]");
  }
  for (int i = 0; i < want.sp_size(); ++i) {
    if (got.sps[i] != want.sp(i)) {
      return absl::StrCat(chain[i], " sp 0x", absl::Hex(got.sps[i]),
                          ", want 0x", absl::Hex(want.sp(i)));
    }
  }
  if (got.stop != StopReason::kTopOfStack) {
    return absl::StrCat("stopped for ", StopReasonName(got.stop), ": ",
                        got.detail);
  }
  return "";
}

class SteppingUnwindTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SteppingUnwindTest, EveryInstructionUnwindsToTheLiveCalls) {
  const std::string goarch = GetParam();
  std::ifstream recording("tests/unwind/stepping/" + goarch + ".jsonl");
  if (!recording) {
    GTEST_SKIP() << "no recording for " << goarch;
  }
  std::optional<std::string> fixtures = gentrace::testing::FixturesRoot();
  if (!fixtures) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();

  std::string line;
  ASSERT_TRUE(std::getline(recording, line));
  SteppingHeader header;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &header).ok());
  const std::string path = absl::StrCat(*fixtures, "/go/", header.toolchain(),
                                        "/", goarch, "/stepping/prog");
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(path);
  ASSERT_TRUE(binary.ok()) << binary.status();
  ASSERT_EQ((*binary)->go_build_id(), header.build_id())
      << path << " is not the binary the recording was made from ("
      << header.go_version() << "); re-record with "
      << "tests/unwind/stepping/record.sh";

  int instructions = 0, correct = 0, recursion_depth = 0;
  std::vector<std::string> wrong;
  absl::flat_hash_set<std::string> innermost;
  absl::flat_hash_set<uint64_t> root_sps;
  while (std::getline(recording, line)) {
    SteppedInstruction step;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &step).ok())
        << "line " << instructions + 2;
    absl::StatusOr<target::CaptureTarget> capture =
        target::LoadCapture(step.capture().SerializeAsString());
    ASSERT_TRUE(capture.ok()) << capture.status();
    const std::string difference =
        Difference(step, Unwind((*binary)->pclntab(), *capture));
    ++instructions;
    innermost.insert(step.chain(0));
    recursion_depth = std::max<int>(
        recursion_depth, absl::c_count(step.chain(), "main.recurse"));
    root_sps.insert(step.sp(step.sp_size() - 1));
    if (difference.empty()) {
      ++correct;
    } else if (wrong.size() < 20) {
      wrong.push_back(absl::StrCat("pc 0x",
                                   absl::Hex(*capture->registers().pc()),
                                   " in ", step.chain(0), ": ", difference));
    }
  }
  // The recording covers every shape the program has: the whole recursion,
  // the frameless leaf, the large frame and what it calls, the method
  // wrapper, the closure; and root's frame moved, so the stack was copied
  // (morestack) while the program ran.
  EXPECT_EQ(recursion_depth, 4);
  for (const char* function :
       {"main.leaf", "main.bigFrame", "main.touch", "main.(*counter).Value",
        "main.counter.Value", "main.makeAdder.func1"}) {
    EXPECT_TRUE(innermost.contains(function)) << function;
  }
  EXPECT_GE(root_sps.size(), 2u);
  std::cout << goarch << ": " << correct << " of " << instructions
            << " instructions unwind exactly ("
            << absl::StrFormat("%.1f", 100.0 * correct / instructions)
            << "%), recorded under " << header.recorded_under() << "\n";
  RecordProperty("instructions", instructions);
  RecordProperty("correct", correct);
  EXPECT_EQ(correct, instructions) << absl::StrJoin(wrong, "\n");
}

INSTANTIATE_TEST_SUITE_P(Arches, SteppingUnwindTest,
                         ::testing::Values("386", "amd64", "arm", "arm64",
                                           "loong64", "mips", "mipsle",
                                           "mips64", "mips64le", "ppc64",
                                           "ppc64le", "riscv64", "s390x"));

}  // namespace
}  // namespace gentrace::unwind
