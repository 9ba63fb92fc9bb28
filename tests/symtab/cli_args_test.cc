#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "cli/args.h"
#include "gtest/gtest.h"
#include "symtab/hex_text.h"

namespace gentrace::cli {
namespace {

TEST(ArgsTest, FlagsAndPositionalsInAnyOrder) {
  char a0[] = "0x10", a1[] = "--binary=/x", a2[] = "20", a3[] = "--format=json";
  char* argv[] = {a0, a1, a2, a3};
  constexpr absl::string_view kKnown[] = {"binary", "format"};
  auto args = Args::Parse(argv, kKnown);
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(*args->Flag("binary"), "/x");
  EXPECT_EQ(args->positional(), (std::vector<std::string>{"0x10", "20"}));
  constexpr absl::string_view kFormats[] = {"text", "json"};
  EXPECT_EQ(*args->Format(kFormats), "json");
}

TEST(ArgsTest, RejectsUnknownFlagsAndFormats) {
  char a0[] = "--bogus=1";
  char* argv[] = {a0};
  constexpr absl::string_view kKnown[] = {"binary"};
  EXPECT_FALSE(Args::Parse(argv, kKnown).ok());
  char b0[] = "--format=xml";
  char* argv2[] = {b0};
  constexpr absl::string_view kKnown2[] = {"format"};
  auto args = Args::Parse(argv2, kKnown2);
  constexpr absl::string_view kFormats[] = {"text", "json"};
  EXPECT_FALSE(args->Format(kFormats).ok());
  EXPECT_FALSE(args->Required("binary").ok());
}

TEST(ArgsTest, HexAddresses) {
  EXPECT_EQ(*symtab::ParseHexAddress("0x4a1B2c"), 0x4a1b2cu);
  EXPECT_EQ(*symtab::ParseHexAddress("  ffffffffffffffff \r"), ~uint64_t{0});
  EXPECT_FALSE(symtab::ParseHexAddress("0x").has_value());
  EXPECT_FALSE(symtab::ParseHexAddress("12345678901234567").has_value());
  EXPECT_FALSE(symtab::ParseHexAddress("0xzz").has_value());
}

// Every byte between two digits is a digit or makes the text no address,
// as absl's reading of hex has it.
TEST(ArgsTest, HexDigitsAreWhatAbslReadsAsHex) {
  for (int byte = 0; byte < 256; ++byte) {
    const std::string text = {'a', static_cast<char>(byte), '7'};
    uint64_t want = 0;
    const bool is_hex = absl::SimpleHexAtoi(text, &want);
    const std::optional<uint64_t> got = symtab::ParseHexAddress(text);
    EXPECT_EQ(got.has_value(), is_hex) << byte;
    if (got.has_value() && is_hex) {
      EXPECT_EQ(*got, want) << byte;
    }
  }
}

}  // namespace
}  // namespace gentrace::cli
