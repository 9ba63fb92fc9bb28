// The symbolize command's writers against the real thing: protobuf's own
// JSON printer for every code point a name could hold, and for whole
// results.
#include "render/symbolized_pc.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "proto/convert.h"
#include "proto/gentrace.pb.h"
#include "render/json_string.h"

namespace gentrace::render {
namespace {

std::string Utf8(uint32_t c) {
  std::string s;
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xc0 | c >> 6);
    s += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    s += static_cast<char>(0xe0 | c >> 12);
    s += static_cast<char>(0x80 | (c >> 6 & 0x3f));
    s += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    s += static_cast<char>(0xf0 | c >> 18);
    s += static_cast<char>(0x80 | (c >> 12 & 0x3f));
    s += static_cast<char>(0x80 | (c >> 6 & 0x3f));
    s += static_cast<char>(0x80 | (c & 0x3f));
  }
  return s;
}

// What protobuf prints for `text` as a string field, quotes included.
std::string ProtobufJsonString(const std::string& text) {
  Location location;
  location.set_function(text);
  absl::StatusOr<std::string> json = ToJsonLine(location);
  EXPECT_TRUE(json.ok());
  // {"function":<string>,"file":"","line":0,"inlined":false,"startLine":0}
  const std::string prefix = "{\"function\":";
  const std::string suffix =
      ",\"file\":\"\",\"line\":0,\"inlined\":false,\"startLine\":0}";
  return json->substr(prefix.size(),
                      json->size() - prefix.size() - suffix.size());
}

// Each code point alone, and between plain text (where the fast path for
// ASCII runs). Protobuf escapes code point by code point, so its JSON of a
// block of those texts run together is what ours gives each text, run
// together (between one pair of quotes); a block that differs is compared
// text by text to name them.
TEST(JsonStringTest, EveryCodePointAsProtobufWritesIt) {
  constexpr uint32_t kBlock = 4096;
  int differences = 0;
  for (uint32_t first = 0; first <= 0x10ffff; first += kBlock) {
    std::vector<std::string> texts;
    for (uint32_t c = first; c < first + kBlock && c <= 0x10ffff; ++c) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      texts.push_back(Utf8(c));
      texts.push_back("a.b" + Utf8(c) + "[x]");
    }
    // Each text's JSON without its quotes, run together between quotes.
    std::string ours = "\"";
    for (const std::string& text : texts) {
      std::string quoted;
      AppendJsonString(text, &quoted);
      ours.append(quoted, 1, quoted.size() - 2);
    }
    ours += '"';
    if (texts.empty() || ours == ProtobufJsonString(absl::StrJoin(texts, ""))) {
      continue;
    }
    const int before = differences;
    for (const std::string& text : texts) {
      std::string alone;
      AppendJsonString(text, &alone);
      if (alone != ProtobufJsonString(text) && ++differences <= 5) {
        ADD_FAILURE() << absl::CEscape(text) << ": " << alone << " vs "
                      << ProtobufJsonString(text);
      }
    }
    if (differences == before) {
      ADD_FAILURE() << absl::StrCat("the block from U+", absl::Hex(first),
                                    " differs only run together");
      ++differences;
    }
  }
  EXPECT_EQ(differences, 0);
}

// Plain text is scanned sixteen bytes at a time, its tail padded to a block:
// every byte that may need an escape, at every position of two blocks and a
// tail.
TEST(JsonStringTest, EscapesAtEveryPositionOfAWord) {
  std::vector<std::string> specials;
  for (uint32_t c = 0; c < 0x80; ++c) specials.push_back(Utf8(c));
  for (uint32_t c : {0x80u, 0xadu, 0x3b1u, 0x2028u, 0xfeffu, 0x1f600u}) {
    specials.push_back(Utf8(c));
  }
  const std::string plain = "runtime.gopark/src/runtime/proc.go:381 +0x1c5";
  for (const std::string& special : specials) {
    for (size_t at = 0; at <= plain.size(); ++at) {
      const std::string text =
          absl::StrCat(plain.substr(0, at), special, plain.substr(at));
      std::string ours;
      AppendJsonString(text, &ours);
      ASSERT_EQ(ours, ProtobufJsonString(text)) << absl::CEscape(text);
    }
  }
}

TEST(JsonStringTest, TextThatIsNotUtf8IsEmptyAsInProtobuf) {
  for (const std::string& text :
       {std::string("\xff"), std::string("ok\xc3"), std::string("\xed\xa0\x80"),
        std::string("\xc0\xaf"), std::string("\xf4\x90\x80\x80")}) {
    std::string ours;
    AppendJsonString(text, &ours);
    EXPECT_EQ(ours, "\"\"");
  }
}

TEST(SymbolizedPcTest, JsonIsProtobufsJsonOfTheMessage) {
  const std::vector<symtab::SourceFrame> frames = {
      {"main.level3[...]", "gentrace.test/symbolize/chain_a.go", 17, true},
      {"main.(*T).<lambda>", "C:\\src\\\"q\".go", 4, false},
      {"", "", std::numeric_limits<int32_t>::min(), true,
       symtab::FuncId::kNormal, std::numeric_limits<int32_t>::max()},
      {"main.func1", "a.go", -7, false, symtab::FuncId::kNormal, -1},
  };
  for (const uint64_t pc : {uint64_t{0}, uint64_t{0x71384}, ~uint64_t{0}}) {
    for (const absl::Status& status :
         {absl::OkStatus(), absl::NotFoundError("pc 0x1 is <outside> Go")}) {
      SymbolizedPc message;
      message.set_pc(pc);
      if (status.ok()) {
        for (const symtab::SourceFrame& f : frames) {
          ToProto(f, message.add_frames());
        }
      } else {
        message.set_error(std::string(status.message()));
      }
      absl::StatusOr<std::string> want = ToJsonLine(message);
      ASSERT_TRUE(want.ok());
      std::string ours = "before";
      AppendSymbolizedPcJson(pc, status, frames, &ours);
      EXPECT_EQ(ours, "before" + *want + "\n");
    }
  }
}

TEST(SymbolizedPcTest, TextHasALinePerFrame) {
  const std::vector<symtab::SourceFrame> frames = {
      {"main.level3", "chain_a.go", 17, true},
      {"main.recurse", "chain_a.go", 25, false},
      {"f", "b.go", std::numeric_limits<int32_t>::min(), true},
      {"g", "c.go", 0, false},
  };
  std::string out;
  AppendSymbolizedPcText(0x71384, absl::OkStatus(), frames, &out);
  AppendSymbolizedPcText(0x1, absl::NotFoundError("outside"), frames, &out);
  AppendSymbolizedPcText(~uint64_t{0}, absl::OkStatus(), {}, &out);
  EXPECT_EQ(out,
            "0x71384\tmain.level3\tchain_a.go:17\tinlined\n"
            "0x71384\tmain.recurse\tchain_a.go:25\n"
            "0x71384\tf\tb.go:-2147483648\tinlined\n"
            "0x71384\tg\tc.go:0\n"
            "0x1\t?\terror: outside\n");
}

}  // namespace
}  // namespace gentrace::render
