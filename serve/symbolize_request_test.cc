// The plain SymbolizeRequest reader against protobuf's own JSON parser:
// wherever the reader answers, protobuf's parser gives the same message.
#include "serve/symbolize_request.h"

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "proto/gentrace.pb.h"
#include "serve/symbolize_request_agreement.h"

namespace gentrace::serve {
namespace {

// Fails unless protobuf's parser reads `json` as the plain reader did (when
// it did); says whether the plain reader answered.
bool AgreesWithProtobuf(const std::string& json) {
  const absl::StatusOr<std::optional<SymbolizeRequest>> plain =
      CheckedPlainReading(json);
  EXPECT_TRUE(plain.ok()) << plain.status().message();
  return !plain.ok() || plain->has_value();
}

TEST(SymbolizeRequestTest, ReadsThePlainFormAsProtobufDoes) {
  const std::string spaced =
      " {\n\t\"pcs\" : [ \"0x1\" , \"4198400\" ] ,\r\n \"build_id\":\"x\" } ";
  const std::vector<std::string> plain = {
      R"({"buildId":"ab/cd","pcs":["0x401000","0x401001"],"callers":true})",
      R"({"buildId":"ab/cd","pcs":["0x401000"]})",
      spaced,
      R"({"callers":false,"pcs":[],"buildId":""})",
      R"({})",
      R"({"pcs":["not a pc"]})",
  };
  for (const std::string& json : plain) {
    EXPECT_TRUE(AgreesWithProtobuf(json)) << json;
  }
}

TEST(SymbolizeRequestTest, LeavesEverythingElseToProtobuf) {
  for (const std::string json : {
           R"({"buildId":"a\u0062"})",
           R"({"buildId":"caf\u00e9"})",
           "{\"buildId\":\"caf\xc3\xa9\"}",
           R"({"pcs":[4198400]})",
           R"({"pcs":null})",
           R"({"buildId":null})",
           R"({"callers":"true"})",
           R"({"callers":1})",
           R"({"buildId":"a","build_id":"b"})",
           R"({"pcs":["1"],"pcs":["2"]})",
           R"({"other":1})",
           R"({"pcs":["1",]})",
           R"({"pcs":["1"],})",
           R"({"pcs":["1"]} x)",
           R"({"pcs":["1"])",
           R"([])",
           "",
           "\xef\xbb\xbf{}",
       }) {
    EXPECT_FALSE(ReadPlainSymbolizeRequest(json).has_value()) << json;
    // ParseSymbolizeRequest answers as protobuf's parser alone does.
    const absl::StatusOr<SymbolizeRequest> parsed = ParseSymbolizeRequest(json);
    const std::optional<SymbolizeRequest> theirs =
        ProtobufSymbolizeRequest(json);
    ASSERT_EQ(parsed.ok(), theirs.has_value()) << json;
    if (theirs) {
      EXPECT_TRUE(
          google::protobuf::util::MessageDifferencer::Equals(*parsed, *theirs))
          << json;
    }
  }
}

// Requests put together from the plain form's pieces and from pieces just
// outside it, then bytes changed at random.
TEST(SymbolizeRequestTest, AgreesOnGeneratedRequests) {
  std::mt19937 rng(1);
  const std::vector<std::string> keys = {
      "\"buildId\"", "\"build_id\"", "\"pcs\"",     "\"callers\"",
      "\"buildid\"", "\"Pcs\"",      "\"callers \""};
  const std::vector<std::string> strings = {
      "\"0x401000\"", "\"\"", "\"a b\"", "\"\\n\"", "\"\xc3\xa9\"", "\"x/y\""};
  const std::vector<std::string> spaces = {"", " ", "\n", "\t", "\r\n", "\v"};
  const auto pick = [&](const std::vector<std::string>& from) {
    return from[rng() % from.size()];
  };
  int answered = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string json = pick(spaces) + "{";
    const int members = static_cast<int>(rng() % 4);
    for (int m = 0; m < members; ++m) {
      if (m > 0) json += ",";
      const std::string key = pick(keys);
      json += pick(spaces) + key + pick(spaces) + ":" + pick(spaces);
      if (key == "\"pcs\"" || rng() % 8 == 0) {
        json += "[";
        const int pcs = static_cast<int>(rng() % 4);
        for (int p = 0; p < pcs; ++p) {
          json += (p > 0 ? "," : "") + pick(spaces) + pick(strings);
        }
        json += pick(spaces) + "]";
      } else if (key == "\"callers\"" || rng() % 8 == 0) {
        json += rng() % 2 ? "true" : "false";
      } else {
        json += pick(strings);
      }
      json += pick(spaces);
    }
    json += "}" + pick(spaces);
    for (int flips = static_cast<int>(rng() % 3); flips > 0 && !json.empty();
         --flips) {
      json[rng() % json.size()] = static_cast<char>(rng() % 128);
    }
    if (AgreesWithProtobuf(json)) ++answered;
  }
  // The plain reader takes most of what clients send.
  EXPECT_GT(answered, 1000);
  std::cout << answered << " of 20000 read by the plain reader\n";
}

}  // namespace
}  // namespace gentrace::serve
