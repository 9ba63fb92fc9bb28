// The jmpdefer model reads every jmpdefer-era binary's own runtime.jmpdefer
// (esbuild built by go1.13 to go1.17, the Go test programs have none) to its
// final jump, and at every instruction names a caller; its last state before
// the jump is the deferring function's ordinary frame. Hostile bytes give
// errors, never a crash or a wrong "known".
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "arch/arch.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "symtab/go_version.h"
#include "tests/testing/fixtures.h"
#include "unwind/jmpdefer.h"

namespace gentrace::goruntime {
namespace {

std::vector<testing::FixtureBinary> JmpdeferEraEsbuilds() {
  std::vector<testing::FixtureBinary> out;
  for (const testing::FixtureBinary& b : testing::AllFixtureBinaries()) {
    const std::optional<symtab::GoVersion> version =
        symtab::GoVersion::Parse(b.toolchain);
    if (b.variant == "esbuild" && version && !version->AtLeast(18)) {
      out.push_back(b);
    }
  }
  return out;
}

class JmpdeferModelTest
    : public ::testing::TestWithParam<testing::FixtureBinary> {};

TEST_P(JmpdeferModelTest, EveryInstructionHasACaller) {
  const testing::FixtureBinary& fixture = GetParam();
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(fixture.path);
  ASSERT_TRUE(binary.ok()) << binary.status();
  const arch::ArchInfo* arch = arch::ArchByGoarch((*binary)->goarch());
  ASSERT_NE(arch, nullptr);
  const symtab::Pclntab& table = (*binary)->pclntab();
  const symtab::Pclntab::FrameFacts* jmpdefer = nullptr;
  for (uint32_t i = 0; i < table.num_funcs() && jmpdefer == nullptr; ++i) {
    absl::StatusOr<symtab::Func> func = table.FuncAt(i);
    if (func.ok() && func->func_id() == symtab::FuncId::kJmpdefer) {
      absl::StatusOr<const symtab::Pclntab::FrameFacts*> facts =
          table.FrameFactsAt(func->entry());
      ASSERT_TRUE(facts.ok()) << facts.status();
      jmpdefer = *facts;
    }
  }
  ASSERT_NE(jmpdefer, nullptr) << "no runtime.jmpdefer in " << fixture.path;
  std::optional<symtab::ByteReader> code =
      (*binary)->elf().Read(jmpdefer->entry, jmpdefer->end - jmpdefer->entry);
  ASSERT_TRUE(code.has_value());
  const unwind::JmpdeferModel model =
      unwind::JmpdeferModel::Decode(*code, *arch);
  ASSERT_GE(model.instructions(), 5) << "decoding stopped early";

  // Walk the boundaries: each has a rule; the first is deferreturn's
  // frameless callee, the last hands over to F's own frame.
  uint64_t offset = 0;
  std::vector<unwind::JmpdeferCaller> rules;
  for (int i = 0; i < model.instructions(); ++i) {
    absl::StatusOr<unwind::JmpdeferCaller> caller = model.CallerAt(offset);
    ASSERT_TRUE(caller.ok()) << fixture.name << ": " << caller.status();
    rules.push_back(*caller);
    // Find the next boundary: the smallest offset with a rule.
    uint64_t next = offset + 1;
    while (next < offset + 16 && !model.CallerAt(next).ok()) ++next;
    offset = next;
  }
  EXPECT_FALSE(rules.front().deferring_frame);
  EXPECT_FALSE(rules.front().sp_from_stack_word);
  EXPECT_TRUE(rules.back().deferring_frame);
  EXPECT_FALSE(rules.back().sp_from_stack_word);
  EXPECT_EQ(rules.back().sp_adjust, arch->uses_lr ? 0 : arch->ptr_size);
  // golang/go#8153: on LR machines some instructions leave SP and LR
  // disagreeing; the model must have met them (and x86 never does).
  const bool inconsistent = std::any_of(
      rules.begin(), rules.end(), [](const unwind::JmpdeferCaller& r) {
        return r.sp_from_stack_word ||
               (r.deferring_frame && r.sp_adjust != 0 && r.pc_in_link_register);
      });
  EXPECT_EQ(inconsistent, arch->uses_lr) << fixture.name;
}

INSTANTIATE_TEST_SUITE_P(Esbuild, JmpdeferModelTest,
                         ::testing::ValuesIn(JmpdeferEraEsbuilds()),
                         testing::FixtureTestName());
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(JmpdeferModelTest);

TEST(JmpdeferModelHostileTest, RandomBytesNeverClaimMoreThanTheyShow) {
  std::mt19937 random(8153);
  for (const arch::ArchInfo& arch : arch::AllArches()) {
    for (int round = 0; round < 2000; ++round) {
      std::vector<uint8_t> bytes(random() % 48);
      for (uint8_t& b : bytes) b = static_cast<uint8_t>(random());
      const unwind::JmpdeferModel model = unwind::JmpdeferModel::Decode(
          symtab::ByteReader(bytes, arch.byte_order), arch);
      ASSERT_LE(model.instructions(), 24);
      // The entry state is always deferreturn's frameless callee.
      absl::StatusOr<unwind::JmpdeferCaller> entry = model.CallerAt(0);
      ASSERT_TRUE(entry.ok()) << arch.goarch;
      EXPECT_FALSE(entry->deferring_frame);
      for (uint64_t offset = 0; offset < bytes.size() + 8; ++offset) {
        absl::StatusOr<unwind::JmpdeferCaller> caller = model.CallerAt(offset);
        if (caller.ok() && caller->sp_from_stack_word) {
          EXPECT_GE(caller->sp_word_offset, 0);
        }
      }
    }
  }
}

TEST(JmpdeferModelHostileTest, UnknownInstructionStopsTheModel) {
  // arm64: LDR x0,[sp]; an undefined word; then the usual tail.
  const std::vector<uint8_t> code = {
      0xe0, 0x03, 0x40, 0xf9,  // ldr x0, [sp]
      0x00, 0x00, 0x00, 0x00,  // udf #0
      0x1f, 0x00, 0x00, 0x91,  // mov sp, x0
      0x60, 0x00, 0x1f, 0xd6,  // br x3
  };
  const arch::ArchInfo* arm64 = arch::ArchByGoarch("arm64");
  const unwind::JmpdeferModel model = unwind::JmpdeferModel::Decode(
      symtab::ByteReader(code, symtab::ByteOrder::kLittle), *arm64);
  EXPECT_TRUE(model.CallerAt(0).ok());
  EXPECT_TRUE(model.CallerAt(4).ok());  // before the unknown instruction
  absl::StatusOr<unwind::JmpdeferCaller> after = model.CallerAt(8);
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.status().message().find("does not model"),
            absl::string_view::npos)
      << after.status();
}

TEST(JmpdeferModelHostileTest, SpMovedBeforeLrIsNotGuessed) {
  // arm: SP <- argp first, while LR still returns into deferreturn: no rule
  // can find F's pc, so the model must not claim one.
  const std::vector<uint8_t> code = {
      0x08, 0xd0, 0x9d, 0xe5,  // ldr sp, [sp, #8]
      0x00, 0xe0, 0x9d, 0xe5,  // ldr lr, [sp]
      0x00, 0xf0, 0x81, 0xe2,  // add pc, r1, #0
  };
  const arch::ArchInfo* arm = arch::ArchByGoarch("arm");
  const unwind::JmpdeferModel model = unwind::JmpdeferModel::Decode(
      symtab::ByteReader(code, symtab::ByteOrder::kLittle), *arm);
  EXPECT_TRUE(model.CallerAt(0).ok());
  EXPECT_FALSE(model.CallerAt(4).ok());
  EXPECT_FALSE(model.CallerAt(8).ok());
}

}  // namespace
}  // namespace gentrace::goruntime
