// Byte reader, hex text, Go version parsing, funcID tables and flag/format
// names.
#include <set>

#include "gtest/gtest.h"
#include "symtab/byte_reader.h"
#include "symtab/func_id.h"
#include "symtab/go_version.h"
#include "symtab/hex_text.h"
#include "symtab/pclntab_layout.h"
#include "traceback/traceback_text.h"

namespace gentrace::symtab {
namespace {

TEST(ByteReaderTest, EndiannessAndBounds) {
  const uint8_t bytes[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  ByteReader le(bytes, ByteOrder::kLittle);
  ByteReader be(bytes, ByteOrder::kBig);
  EXPECT_EQ(*le.U32(0), 0x04030201u);
  EXPECT_EQ(*be.U32(0), 0x01020304u);
  EXPECT_EQ(*le.U64(0), 0x0807060504030201u);
  EXPECT_EQ(*be.U16(6), 0x0708u);
  EXPECT_FALSE(le.U32(5).has_value());
  EXPECT_FALSE(le.U64(1).has_value());
  EXPECT_FALSE(le.U8(8).has_value());
  EXPECT_FALSE(le.U8(~uint64_t{0}).has_value());
  EXPECT_FALSE(le.Sub(4, ~uint64_t{0}).has_value());  // no overflow
  EXPECT_EQ(*le.Word(4, 4), 0x08070605u);
  EXPECT_FALSE(le.Word(0, 3).has_value());
}

TEST(ByteReaderTest, CStringNeedsTerminator) {
  const uint8_t bytes[] = {'a', 'b', 0, 'c'};
  ByteReader r(bytes, ByteOrder::kLittle);
  EXPECT_EQ(*r.CString(0), "ab");
  EXPECT_EQ(*r.CString(2), "");
  EXPECT_FALSE(r.CString(3).has_value());
  EXPECT_FALSE(r.CString(4).has_value());
}

TEST(HexTextTest, AsTheRuntimePrintsHex) {
  std::string out = "pc=";
  for (uint64_t value : {uint64_t{0}, uint64_t{1}, uint64_t{0xabc},
                         uint64_t{0xc000012340}, ~uint64_t{0}}) {
    AppendHex(value, &out);
    out += ' ';
  }
  EXPECT_EQ(out, "pc=0x0 0x1 0xabc 0xc000012340 0xffffffffffffffff ");
}

TEST(GoVersionTest, Parses) {
  EXPECT_EQ(GoVersion::Parse("go1.17.2")->minor, 17);
  EXPECT_EQ(GoVersion::Parse("go1.17.2")->patch, 2);
  EXPECT_EQ(GoVersion::Parse("go1.21rc2")->minor, 21);
  EXPECT_EQ(GoVersion::Parse("go1.23.5 X:nocoverageredesign")->minor, 23);
  EXPECT_EQ(GoVersion::Parse("devel go1.22-abc123 Tue")->minor, 22);
  EXPECT_EQ(GoVersion::Parse("go1.20")->ToString(), "go1.20");
  EXPECT_FALSE(GoVersion::Parse("gccgo").has_value());
  EXPECT_FALSE(GoVersion::Parse("go1.").has_value());
}

TEST(FuncIdTest, TablesFollowTheReleases) {
  // Spot checks against values read from real binaries.
  EXPECT_EQ(FuncIdTableFor(19)->Lookup(7), FuncId::kGoexit);
  EXPECT_EQ(FuncIdTableFor(19)->Lookup(11), FuncId::kMcall);
  EXPECT_EQ(FuncIdTableFor(19)->Lookup(21), FuncId::kWrapper);
  EXPECT_EQ(FuncIdTableFor(23)->Lookup(8), FuncId::kGoexit);
  EXPECT_EQ(FuncIdTableFor(23)->Lookup(14), FuncId::kMstart);
  EXPECT_EQ(FuncIdTableFor(23)->Lookup(20), FuncId::kSystemstack);
  EXPECT_EQ(FuncIdTableFor(23)->Lookup(22), FuncId::kWrapper);
  EXPECT_EQ(FuncIdTableFor(17)->Lookup(11), FuncId::kJmpdefer);
  EXPECT_EQ(FuncIdTableFor(13)->Lookup(3), FuncId::kJmpdefer);
  EXPECT_EQ(FuncIdTableFor(10), nullptr);
  EXPECT_EQ(FuncIdTableFor(23)->Lookup(200), FuncId::kUnknown);
}

TEST(FuncIdTest, EveryTableIsAPermutationOfDistinctIds) {
  for (const FuncIdTable& table : AllFuncIdTables()) {
    std::set<FuncId> seen;
    for (FuncId id : table.ids) {
      EXPECT_TRUE(seen.insert(id).second)
          << table.releases << " repeats " << FuncIdName(id);
    }
    EXPECT_EQ(table.ids[0], FuncId::kNormal) << table.releases;
  }
}

TEST(FuncIdTest, ByName) {
  EXPECT_EQ(FuncIdFromName("runtime.goexit"), FuncId::kGoexit);
  EXPECT_EQ(FuncIdFromName("runtime.main"), FuncId::kRuntimeMain);
  EXPECT_EQ(FuncIdFromName("runtime.cgocallback_gofunc"), FuncId::kCgocallback);
  EXPECT_EQ(FuncIdFromName("main.main"), FuncId::kNormal);
  EXPECT_EQ(FuncIdFromName("runtime.goexit1"), FuncId::kNormal);
}

TEST(PclntabLayoutTest, FormatsAndRecordSizes) {
  EXPECT_EQ(PclntabFormatFromMagic(0xFFFFFFFB), PclntabFormat::kGo12);
  EXPECT_EQ(PclntabFormatFromMagic(0xFFFFFFF1), PclntabFormat::kGo120);
  EXPECT_FALSE(PclntabFormatFromMagic(0xFFFFFFF2).has_value());
  // Fixed _func sizes of the runtime's _func struct, 64-bit / 32-bit.
  auto size = [](PclntabFormat f, int minor, int p) {
    return LayoutFor(f, GoVersion{minor, 0}, p).func.fixed_size;
  };
  EXPECT_EQ(size(PclntabFormat::kGo12, 8, 8), 40);
  EXPECT_EQ(size(PclntabFormat::kGo12, 8, 4), 36);
  EXPECT_EQ(size(PclntabFormat::kGo12, 14, 8), 40);
  EXPECT_EQ(size(PclntabFormat::kGo116, 17, 8), 44);
  EXPECT_EQ(size(PclntabFormat::kGo116, 16, 4), 40);
  EXPECT_EQ(size(PclntabFormat::kGo118, 19, 8), 40);
  EXPECT_EQ(size(PclntabFormat::kGo120, 23, 4), 44);
  EXPECT_EQ(LayoutFor(PclntabFormat::kGo120, GoVersion{21, 0}, 8).func.func_id,
            40);
  EXPECT_EQ(
      LayoutFor(PclntabFormat::kGo12, GoVersion{11, 0}, 8).func.func_id_size,
      4);
  EXPECT_EQ(
      LayoutFor(PclntabFormat::kGo12, GoVersion{13, 0}, 8).funcdata_inline_tree,
      4);
  EXPECT_EQ(LayoutFor(PclntabFormat::kGo12, std::nullopt, 8).inline_kind,
            InlineTreeKind::kNone);
}

TEST(TracebackTextTest, ParsesFramesInlinedCallsAndSections) {
  const auto sections = traceback::ParseTracebackText(
      "panic: boom\n"
      "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x71450]\n"
      "\n"
      "goroutine 1 [running]:\n"
      "main.level3(...)\n"
      "\tx/chain_a.go:17\n"
      "main.(*T).recurse(0x4000066ed8?, {0x1, 0x2})\n"
      "\tx/chain_a.go:25 +0x24 fp=0x40e80 sp=0x40e60 pc=0x71384\n"
      "panic({0x87320, 0x1017c0})\n"
      "\truntime/panic.go:987 +0x3d8\n"
      "created by main.crash\n"
      "\tx/goroutines.go:52 +0x64\n"
      "...additional frames elided...\n"
      "main.main()\n"
      "\tx/main.go:15\n");
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections[0].header, "goroutine 1 [running]:");
  EXPECT_EQ(sections[0].signal_pc, 0x71450u);
  ASSERT_EQ(sections[0].frames.size(), 3u);
  EXPECT_TRUE(sections[0].frames[0].inlined);
  EXPECT_EQ(sections[0].frames[0].position, "x/chain_a.go:17");
  const auto& physical = sections[0].frames[1];
  EXPECT_EQ(physical.function, "main.(*T).recurse");
  EXPECT_FALSE(physical.inlined);
  EXPECT_EQ(physical.offset, 0x24u);
  EXPECT_EQ(physical.fp, 0x40e80u);
  EXPECT_EQ(physical.sp, 0x40e60u);
  EXPECT_EQ(physical.pc, 0x71384u);
  EXPECT_EQ(sections[0].frames[2].function, "runtime.gopanic");
  EXPECT_FALSE(sections[0].frames[2].pc.has_value());
  ASSERT_EQ(sections[1].frames.size(), 1u);
  EXPECT_EQ(sections[1].frames[0].offset, 0u);
}

}  // namespace
}  // namespace gentrace::symtab
