#include "goruntime/panics.h"

#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "arch/arch.h"
#include "goruntime/defer_layout.h"
#include "gtest/gtest.h"
#include "symtab/go_version.h"
#include "symtab/scattered_memory.h"

namespace gentrace::goruntime {
namespace {

using Memory = symtab::ScatteredMemory;

constexpr uint64_t kTypes = 0x500000;  // moduledata.types
constexpr uint64_t kValue = 0xc000100000;

class PanicValueTest : public ::testing::Test {
 protected:
  // A type descriptor of `kind` named `name` (its str field through
  // moduledata.types, with the extra star the linker adds), in Go 1.17+'s
  // name encoding.
  uint64_t Type(uint8_t kind, absl::string_view name) {
    const uint64_t type = next_type_;
    next_type_ += 0x100;
    const uint64_t name_at = next_name_;
    const std::string starred = absl::StrCat("*", name);
    memory_.Put(name_at, std::string(1, '\0'));
    memory_.Put(name_at + 1, std::string(1, static_cast<char>(starred.size())));
    memory_.Put(name_at + 2, starred);
    next_name_ += 0x40;
    memory_.PutWord(type, 8);                         // size
    memory_.PutWord(type + 8, 0);                     // ptrdata
    memory_.PutWord(type + 16, 0x12345678, 4);        // hash
    memory_.PutWord(type + 20, 1 << 1, 1);            // tflag: extra star
    memory_.PutWord(type + 21, 8, 1);                 // align
    memory_.PutWord(type + 22, 8, 1);                 // field align
    memory_.PutWord(type + 23, kind | 0x20, 1);       // kind, a flag above
    memory_.PutWord(type + 24, 0);                    // equal
    memory_.PutWord(type + 32, 0);                    // gcdata
    memory_.PutWord(type + 40, name_at - kTypes, 4);  // str
    memory_.PutWord(type + 44, 0, 4);                 // ptrToThis
    return type;
  }
  std::string Text(uint64_t type, uint64_t data, int go_minor = 23) {
    absl::StatusOr<std::string> text =
        PanicValueText(memory_, *arch::ArchByGoarch("amd64"), kTypes, go_minor,
                       {.value_type = type, .value_data = data});
    EXPECT_TRUE(text.ok()) << text.status();
    return text.value_or("");
  }
  // A string header at kValue pointing at `s`.
  uint64_t String(absl::string_view s) {
    memory_.PutWord(kValue, kValue + 0x100);
    memory_.PutWord(kValue + 8, s.size());
    memory_.Put(kValue + 0x100, s);
    return kValue;
  }

  Memory memory_;
  uint64_t next_type_ = kTypes + 0x1000;
  uint64_t next_name_ = kTypes + 0x10;
};

TEST_F(PanicValueTest, PredeclaredTypesPrintBare) {
  EXPECT_EQ(Text(0, 0), "nil");
  const uint64_t string_type = Type(24, "string");
  EXPECT_EQ(Text(string_type, String("boom")), "boom");
  memory_.PutWord(kValue, static_cast<uint64_t>(-42));
  EXPECT_EQ(Text(Type(2, "int"), kValue), "-42");
  memory_.PutWord(kValue, 1, 1);
  EXPECT_EQ(Text(Type(1, "bool"), kValue), "true");
  memory_.PutWord(kValue, 200, 1);
  EXPECT_EQ(Text(Type(8, "uint8"), kValue), "200");
  EXPECT_EQ(Text(Type(3, "int8"), kValue), "-56");
}

TEST_F(PanicValueTest, OtherTypesPrintWithTheirName) {
  EXPECT_EQ(Text(Type(24, "main.Reason"), String("bad")),
            "main.Reason(\"bad\")");
  memory_.PutWord(kValue, 7);
  EXPECT_EQ(Text(Type(2, "main.Code"), kValue), "main.Code(7)");
  // A struct (kind 25) prints its type and the data word.
  EXPECT_EQ(Text(Type(25, "main.T"), 0xc000012345), "(main.T) 0xc000012345");
}

TEST_F(PanicValueTest, NewlinesAreIndentedFromGo123) {
  const uint64_t type = Type(24, "string");
  EXPECT_EQ(Text(type, String("a\nb"), 23), "a\n\tb");
  EXPECT_EQ(Text(type, String("a\nb"), 22), "a\nb");
}

TEST_F(PanicValueTest, FloatsAsTheReleasePrintsThem) {
  double v = 1.5;
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  memory_.PutWord(kValue, bits);
  const uint64_t type = Type(14, "float64");
  EXPECT_EQ(Text(type, kValue, 25), "+1.500000e+000");
  EXPECT_EQ(Text(type, kValue, 26), "1.5");
  memory_.PutWord(kValue, bits);
  memory_.PutWord(kValue + 8, bits);
  EXPECT_EQ(Text(Type(16, "complex128"), kValue, 25),
            "(+1.500000e+000+1.500000e+000i)");
  EXPECT_EQ(Text(Type(16, "complex128"), kValue, 26), "(1.5+1.5i)");
}

// The runtime's printfloat of before 1.26, and strconv's shortest 'g'.
TEST(RuntimeFloatTextTest, BothFormats) {
  EXPECT_EQ(RuntimeFloatText(0, false, 25), "+0.000000e+000");
  EXPECT_EQ(RuntimeFloatText(-0.0, false, 25), "-0.000000e+000");
  EXPECT_EQ(RuntimeFloatText(123456789, false, 25), "+1.234568e+008");
  EXPECT_EQ(RuntimeFloatText(1e-300, false, 25), "+1.000000e-300");
  EXPECT_EQ(RuntimeFloatText(1.0 / 0.0, false, 25), "+Inf");
  EXPECT_EQ(RuntimeFloatText(0.1, false, 26), "0.1");
  EXPECT_EQ(RuntimeFloatText(123456, false, 26), "123456");
  EXPECT_EQ(RuntimeFloatText(1234567, false, 26), "1.234567e+06");
  EXPECT_EQ(RuntimeFloatText(0.0001, false, 26), "0.0001");
  EXPECT_EQ(RuntimeFloatText(0.00001, false, 26), "1e-05");
  EXPECT_EQ(RuntimeFloatText(1e21, false, 26), "1e+21");
  EXPECT_EQ(RuntimeFloatText(-2.5e-100, false, 26), "-2.5e-100");
  EXPECT_EQ(RuntimeFloatText(0.1f, true, 26), "0.1");
  EXPECT_EQ(RuntimeFloatText(-1.0 / 0.0, true, 26), "-Inf");
}

TEST_F(PanicValueTest, HostileValuesAreRefused) {
  const uint64_t type = Type(24, "string");
  memory_.PutWord(kValue, kValue + 0x100);
  memory_.PutWord(kValue + 8, uint64_t{1} << 40);  // a terabyte string
  const arch::ArchInfo& amd64 = *arch::ArchByGoarch("amd64");
  EXPECT_FALSE(PanicValueText(memory_, amd64, kTypes, 23,
                              {.value_type = type, .value_data = kValue})
                   .ok());
  // A type descriptor nowhere, and no moduledata.types.
  EXPECT_FALSE(PanicValueText(memory_, amd64, kTypes, 23,
                              {.value_type = 0xdead0000, .value_data = kValue})
                   .ok());
  EXPECT_FALSE(PanicValueText(memory_, amd64, std::nullopt, 23,
                              {.value_type = type, .value_data = kValue})
                   .ok());
}

// A thrower's print closure: its code pointer, then (fatal's, from 1.26)
// the panics pointer, then the message's string header.
TEST(ThrowMessageTest, ReadsTheMessageItsPrintClosureHolds) {
  constexpr uint64_t kClosure = 0xc000040f00;
  constexpr uint64_t kMessage = 0x4a0000;
  Memory memory;
  memory.Put(kMessage, "two\nlines");
  memory.PutWord(kClosure, 0x431f00);  // runtime.throw.func1
  memory.PutWord(kClosure + 8, kMessage);
  memory.PutWord(kClosure + 16, 9);
  const arch::ArchInfo& amd64 = *arch::ArchByGoarch("amd64");
  EXPECT_EQ(ThrowMessageText(memory, amd64, kClosure, false, 22).value_or(""),
            "two\nlines");
  EXPECT_EQ(ThrowMessageText(memory, amd64, kClosure, false, 23).value_or(""),
            "two\n\tlines");
  // runtime.fatal's before 1.26 captures the message alone; from 1.26 the
  // panics pointer comes first.
  EXPECT_EQ(ThrowMessageText(memory, amd64, kClosure, true, 25).value_or(""),
            "two\n\tlines");
  memory.PutWord(kClosure + 8, 0);  // no panic in progress
  memory.PutWord(kClosure + 16, kMessage);
  memory.PutWord(kClosure + 24, 3);
  EXPECT_EQ(ThrowMessageText(memory, amd64, kClosure, true, 26).value_or(""),
            "two");
  // A 32-bit closure.
  Memory memory32;
  memory32.Put(kMessage, "deadlock!");
  memory32.PutWord(0x8040f00, 0x8049000, 4);
  memory32.PutWord(0x8040f04, kMessage, 4);
  memory32.PutWord(0x8040f08, 9, 4);
  EXPECT_EQ(ThrowMessageText(memory32, *arch::ArchByGoarch("386"), 0x8040f00,
                             false, 27)
                .value_or(""),
            "deadlock!");
}

TEST(ThrowMessageTest, HostileMessagesAreRefused) {
  constexpr uint64_t kClosure = 0xc000040f00;
  const arch::ArchInfo& amd64 = *arch::ArchByGoarch("amd64");
  Memory memory;
  // The closure itself is not in memory.
  EXPECT_FALSE(ThrowMessageText(memory, amd64, kClosure, false, 27).ok());
  memory.PutWord(kClosure, 0x431f00);
  memory.PutWord(kClosure + 8, 0x4a0000);
  memory.PutWord(kClosure + 16, uint64_t{1} << 40);  // a terabyte
  EXPECT_FALSE(ThrowMessageText(memory, amd64, kClosure, false, 27).ok());
  memory.PutWord(kClosure + 16, 64);  // bytes that are not in memory
  EXPECT_FALSE(ThrowMessageText(memory, amd64, kClosure, false, 27).ok());
}

TEST(PanicChainTest, ReadsNewestFirstAndRefusesLoops) {
  Memory memory;
  const arch::ArchInfo& amd64 = *arch::ArchByGoarch("amd64");
  absl::StatusOr<DeferLayout> layout =
      DeferLayoutFor(symtab::GoVersion{25, 0}, 8);
  ASSERT_TRUE(layout.ok());
  constexpr uint64_t kG = 0xc000000000;
  constexpr uint64_t kNewer = 0xc000001000, kOlder = 0xc000002000;
  memory.PutWord(kG + layout->g_panic, kNewer);
  for (uint64_t record : {kNewer, kOlder}) {
    for (int i = 0; i < 128; i += 8) memory.PutWord(record + i, 0);
  }
  memory.PutWord(kNewer + layout->panic_link, kOlder);
  memory.PutWord(kNewer + layout->panic_arg, 0x4000);
  memory.PutWord(kOlder + layout->panic_recovered, 1, 1);
  memory.PutWord(kOlder + layout->panic_repanicked, 1, 1);
  absl::StatusOr<std::vector<PanicRecord>> chain =
      ReadPanicChain(memory, *layout, amd64, kG);
  ASSERT_TRUE(chain.ok()) << chain.status();
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[0].value_type, 0x4000u);
  EXPECT_FALSE((*chain)[0].recovered);
  EXPECT_TRUE((*chain)[1].recovered);
  EXPECT_TRUE((*chain)[1].repanicked);
  EXPECT_FALSE((*chain)[1].goexit);

  memory.PutWord(kOlder + layout->panic_link, kNewer);  // a loop
  EXPECT_FALSE(ReadPanicChain(memory, *layout, amd64, kG).ok());
  memory.PutWord(kOlder + layout->panic_link, 0xbad000);  // nowhere
  EXPECT_FALSE(ReadPanicChain(memory, *layout, amd64, kG).ok());
}

}  // namespace
}  // namespace gentrace::goruntime
