#include "symtab/utf8.h"

#include "gtest/gtest.h"

namespace gentrace::symtab {
namespace {

TEST(ValidUtf8Test, KeepsUtf8AndReplacesEachStrayByte) {
  EXPECT_EQ(ValidUtf8(""), "");
  EXPECT_EQ(ValidUtf8("panic: \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80"),
            "panic: \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80");
  // A stray continuation byte, a lead byte cut short, an overlong '/', a
  // surrogate, past U+10FFFF: each byte that begins no sequence becomes
  // U+FFFD, and what follows it is read afresh.
  EXPECT_EQ(ValidUtf8("a\x80"
                      "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(ValidUtf8("a\xc3"), "a\xef\xbf\xbd");
  EXPECT_EQ(ValidUtf8("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(ValidUtf8("\xed\xa0\x80x"),
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx");
  EXPECT_EQ(ValidUtf8("\xf4\x90\x80\x80"),
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(ValidUtf8("\xe2\x82\xac\xff"), "\xe2\x82\xac\xef\xbf\xbd");
}

}  // namespace
}  // namespace gentrace::symtab
