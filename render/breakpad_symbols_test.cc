// STACK CFI rules from pcsp tables, on every kind of frame: a frameless
// leaf, a frame with a prologue and an epilogue, the runtime's top frames
// and stack switches; with the return address pushed (amd64, and the
// frame pointer it keeps below it) or in a link register until the
// prologue saves it (arm64), and none where Breakpad walks without CFI.
#include "render/breakpad_symbols.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "symtab/pclntab.h"
#include "symtab/pclntab_builder.h"

namespace gentrace::render {
namespace {

using symtab::FuncId;
using symtab::PclntabBuilder;

constexpr uint64_t kText = 0x401000;
constexpr uint64_t kBase = 0x400000;

class StackCfiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    builder_.Add({"main.leaf", 8});
    builder_.Add({"main.framed",
                  0x40,
                  FuncId::kNormal,
                  0,
                  {{0, 0}, {4, 8}, {8, 0x38}, {0x30, 8}, {0x34, 0}}});
    builder_.Add({"runtime.goexit", 8, FuncId::kGoexit});
    builder_.Add({"runtime.systemstack",
                  0x20,
                  FuncId::kSystemstack,
                  symtab::kFuncFlagSpWrite,
                  {{0, 0}, {4, 8}}});
    // SP above the entry's for a while (runtime.clone's child).
    builder_.Add({"main.clone",
                  0x20,
                  FuncId::kNormal,
                  0,
                  {{0, 0}, {4, -16}, {8, 16}, {0x1c, 0}}});
    bytes_ = builder_.Build();
    symtab::Pclntab::Options options;
    options.go_version = symtab::GoVersion{builder_.go_minor(), 0};
    absl::StatusOr<std::unique_ptr<symtab::Pclntab>> parsed =
        symtab::Pclntab::Parse(
            symtab::ByteReader(
                absl::MakeConstSpan(
                    reinterpret_cast<const uint8_t*>(bytes_.data()),
                    bytes_.size()),
                symtab::ByteOrder::kLittle),
            options);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    table_ = *std::move(parsed);
  }

  std::string Cfi(int index, absl::string_view goarch) {
    absl::StatusOr<symtab::Func> func = table_->FuncAt(index);
    EXPECT_TRUE(func.ok());
    std::string out;
    AppendStackCfi(*func, *arch::ArchByGoarch(goarch), kBase, &out);
    return out;
  }

  PclntabBuilder builder_{kText};
  std::string bytes_;
  std::unique_ptr<symtab::Pclntab> table_;
};

TEST_F(StackCfiTest, ReturnAddressPushedByTheCall) {
  EXPECT_EQ(Cfi(0, "amd64"),
            "STACK CFI INIT 1000 8 .cfa: $rsp 8 + .ra: .cfa -8 + ^ "
            "$rbp: $rbp\n");
  EXPECT_EQ(Cfi(1, "amd64"),
            "STACK CFI INIT 1008 40 .cfa: $rsp 8 + .ra: .cfa -8 + ^ "
            "$rbp: $rbp\n"
            "STACK CFI 100c .cfa: $rsp 16 + .ra: .cfa -8 + ^ "
            "$rbp: .cfa -16 + ^\n"
            "STACK CFI 1010 .cfa: $rsp 64 + .ra: .cfa -8 + ^ "
            "$rbp: .cfa -16 + ^\n"
            "STACK CFI 1038 .cfa: $rsp 16 + .ra: .cfa -8 + ^ "
            "$rbp: .cfa -16 + ^\n"
            "STACK CFI 103c .cfa: $rsp 8 + .ra: .cfa -8 + ^ $rbp: $rbp\n");
  // 386 keeps no frame pointer.
  EXPECT_EQ(Cfi(0, "386"),
            "STACK CFI INIT 1000 8 .cfa: $esp 4 + .ra: .cfa -4 + ^\n");
}

TEST_F(StackCfiTest, ReturnAddressInTheLinkRegisterUntilSaved) {
  EXPECT_EQ(Cfi(1, "arm64"),
            "STACK CFI INIT 1008 40 .cfa: sp 0 + .ra: x30\n"
            "STACK CFI 100c .cfa: sp 8 + .ra: .cfa -8 + ^\n"
            "STACK CFI 1010 .cfa: sp 56 + .ra: .cfa -56 + ^\n"
            "STACK CFI 1038 .cfa: sp 8 + .ra: .cfa -8 + ^\n"
            "STACK CFI 103c .cfa: sp 0 + .ra: x30\n");
}

TEST_F(StackCfiTest, TheWalkEndsWhereTheRuntimesDoes) {
  EXPECT_EQ(Cfi(2, "amd64"),
            "STACK CFI INIT 1048 8 .cfa: $rsp 8 + .ra: 0 $rbp: $rbp\n");
  EXPECT_EQ(Cfi(3, "arm64"),
            "STACK CFI INIT 1050 20 .cfa: sp 0 + .ra: 0\n"
            "STACK CFI 1054 .cfa: sp 8 + .ra: 0\n");
}

// As the Go linker's .debug_frame does, every delta the table gives,
// those that leave SP above the entry's too, and the rules after them.
TEST_F(StackCfiTest, RulesFollowTheTablePastANegativeDelta) {
  EXPECT_EQ(Cfi(4, "arm64"),
            "STACK CFI INIT 1070 20 .cfa: sp 0 + .ra: x30\n"
            "STACK CFI 1074 .cfa: sp -16 + .ra: x30\n"
            "STACK CFI 1078 .cfa: sp 16 + .ra: .cfa -16 + ^\n"
            "STACK CFI 108c .cfa: sp 0 + .ra: x30\n");
  EXPECT_EQ(Cfi(4, "amd64"),
            "STACK CFI INIT 1070 20 .cfa: $rsp 8 + .ra: .cfa -8 + ^ "
            "$rbp: $rbp\n"
            "STACK CFI 1074 .cfa: $rsp -8 + .ra: .cfa -8 + ^ $rbp: $rbp\n"
            "STACK CFI 1078 .cfa: $rsp 24 + .ra: .cfa -8 + ^ "
            "$rbp: .cfa -16 + ^\n"
            "STACK CFI 108c .cfa: $rsp 8 + .ra: .cfa -8 + ^ $rbp: $rbp\n");
}

TEST_F(StackCfiTest, NoneWhereBreakpadWalksWithoutCfi) {
  EXPECT_EQ(Cfi(1, "ppc64le"), "");
  EXPECT_EQ(Cfi(1, "s390x"), "");
}

}  // namespace
}  // namespace gentrace::render
