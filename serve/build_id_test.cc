#include "serve/build_id.h"

#include "gtest/gtest.h"

namespace gentrace::serve {
namespace {

TEST(BuildIdTest, GnuBuildIdsAreHexFoldedToLowerCase) {
  EXPECT_EQ(*BuildIdFileName("0a1B2c3D"), "gnu-0a1b2c3d");
  // Hex that no GNU build ID has (an odd count of digits, over 128) can
  // still be a Go build ID (base64url text).
  EXPECT_EQ(*BuildIdFileName("abc"), "go-abc");
  EXPECT_EQ(*BuildIdFileName(std::string(130, 'a')),
            "go-" + std::string(130, 'a'));
}

TEST(BuildIdTest, GoBuildIdsKeepTheirPartsApart) {
  EXPECT_EQ(*BuildIdFileName("Xy_-9/AbC/def/ghi"), "go-Xy_-9.AbC.def.ghi");
  EXPECT_EQ(*BuildIdFileName("zz"), "go-zz");
}

TEST(BuildIdTest, NothingThatCouldNameAnotherPath) {
  for (const char* hostile :
       {"", ".", "..", "../etc/passwd", "a/../b", "/abs", "a//b", "a/", "a b",
        "a\\b", "a%2fb", "a\nb", "a.b"}) {
    EXPECT_FALSE(BuildIdFileName(hostile).ok()) << hostile;
  }
  EXPECT_FALSE(BuildIdFileName(std::string(257, 'a')).ok());
}

}  // namespace
}  // namespace gentrace::serve
