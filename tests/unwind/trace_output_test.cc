// `gentrace core` and `pid` write the Trace message a goroutine at a time;
// the JSON and binary forms they assemble must be exactly the message that
// ReadGoroutines builds whole, and the text form the runtime's blocks.
#include "render/trace_output.h"

#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "proto/convert.h"
#include "symtab/binary.h"
#include "target/core_file.h"
#include "tests/testing/crashed_program.h"
#include "tests/testing/fixtures.h"
#include "traceback/goroutines.h"
#include "traceback/traceback_text.h"

namespace gentrace {
namespace {

// The bytes TraceOutput writes for `trace`, written as they come and all
// at the end (they must be the same).
std::string Render(const Trace& trace, absl::string_view format, int go_minor,
                   bool defers = false) {
  std::string written[2];
  for (int streamed = 0; streamed < 2; ++streamed) {
    std::FILE* file = std::tmpfile();
    render::TraceOutput output(
        format, {.text = {.go_minor = go_minor, .defers = defers}},
        trace.modules(0), file,
        streamed ? render::TraceOutput::Flush::kAsItComes
                 : render::TraceOutput::Flush::kAtWrite);
    for (const Goroutine& g : trace.goroutines()) output.AddGoroutine(g);
    for (const std::string& note : trace.notes()) output.AddNote(note);
    EXPECT_TRUE(output.Write().ok());
    std::string& bytes = written[streamed];
    bytes.resize(static_cast<size_t>(std::ftell(file)));
    std::rewind(file);
    EXPECT_EQ(std::fread(bytes.data(), 1, bytes.size(), file), bytes.size());
    std::fclose(file);
  }
  EXPECT_TRUE(written[0] == written[1]) << format;
  return written[0];
}

// The goroutines of the fixtures' go1.23 arm64 goroutines core, whole;
// false (the test failed) if it cannot be read.
bool ReadGoroutinesCore(const std::string& root,
                        const traceback::GoroutineReadOptions& options,
                        Trace* whole) {
  const std::string dir = root + "/go/go1.23/arm64/goroutines";
  absl::StatusOr<gentrace::testing::CrashedProgram> crashed =
      gentrace::testing::OpenCrashedProgram(dir + "/prog", dir + "/prog.core");
  EXPECT_TRUE(crashed.ok()) << crashed.status();
  if (!crashed.ok()) return false;
  const target::CoreFile& core = *crashed->core;
  *whole->add_modules() = ModuleOf(*crashed->binary);
  const absl::Status status =
      traceback::ReadGoroutines(*crashed->binary, core, whole, options);
  EXPECT_TRUE(status.ok()) << status;
  return status.ok();
}

TEST(TraceOutputTest, StreamedFormsEqualTheWholeMessage) {
  std::optional<std::string> root = gentrace::testing::FixturesRoot();
  if (!root) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  Trace whole;
  if (!ReadGoroutinesCore(*root, {}, &whole)) return;
  ASSERT_GE(whole.goroutines_size(), 10);

  Trace from_proto;
  ASSERT_TRUE(from_proto.ParseFromString(Render(whole, "proto", 23)));
  EXPECT_EQ(from_proto.SerializeAsString(), whole.SerializeAsString());

  Trace from_json;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  Render(whole, "json", 23), &from_json)
                  .ok());
  EXPECT_EQ(from_json.SerializeAsString(), whole.SerializeAsString());

  const std::string text = Render(whole, "text", 23);
  EXPECT_EQ(traceback::GoroutineBlocks(text).size(),
            static_cast<size_t>(whole.goroutines_size()));
}

// Output larger than one write (the core's goroutines 300 times over, a few
// MB) is the same written as it comes as written at the end, and still the
// whole message.
TEST(TraceOutputTest, OutputWrittenAsItComesIsTheSame) {
  std::optional<std::string> root = gentrace::testing::FixturesRoot();
  if (!root) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  Trace one;
  if (!ReadGoroutinesCore(*root, {}, &one)) return;
  Trace many = one;
  for (int i = 1; i < 300; ++i) {
    for (const Goroutine& g : one.goroutines()) *many.add_goroutines() = g;
  }
  const std::string text = Render(many, "text", 23);
  EXPECT_GT(text.size(), size_t{3} << 20);
  // Each goroutine's block once, in order: the one copy's text 300 times.
  const std::string once = Render(one, "text", 23);
  std::string copies = once;
  for (int i = 1; i < 300; ++i) absl::StrAppend(&copies, "\n", once);
  EXPECT_TRUE(text == copies);
  Trace from_proto;
  ASSERT_TRUE(from_proto.ParseFromString(Render(many, "proto", 23)));
  EXPECT_EQ(from_proto.SerializeAsString(), many.SerializeAsString());
}

// --defers: the pending calls go into the proto and JSON as they are read,
// and under their frames in the text.
TEST(TraceOutputTest, PendingDefersInEveryForm) {
  std::optional<std::string> root = gentrace::testing::FixturesRoot();
  if (!root) GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  Trace whole;
  if (!ReadGoroutinesCore(*root, {.pending_defers = true}, &whole)) return;
  Trace from_json;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  Render(whole, "json", 23, true), &from_json)
                  .ok());
  EXPECT_EQ(from_json.SerializeAsString(), whole.SerializeAsString());

  const std::string text = Render(whole, "text", 23, true);
  EXPECT_NE(text.find("main.withDefers(0x"), std::string::npos);
  const size_t withDefers = text.find("main.withDefers(");
  const size_t func2 = text.find(
      "\tdeferred main.withDefers.func2 at gentrace.test/goroutines/main.go:35 "
      "(open-coded, closure 0x");
  const size_t func1 = text.find("\tdeferred main.withDefers.func1 at ");
  ASSERT_NE(func2, std::string::npos) << text;
  EXPECT_LT(withDefers, func2);
  EXPECT_LT(func2, func1);
  EXPECT_NE(text.find("\tpanicking: 1 panic in progress;"), std::string::npos);
  // Without --defers the text is the runtime's.
  EXPECT_EQ(Render(whole, "text", 23).find("deferred"), std::string::npos);
}

}  // namespace
}  // namespace gentrace
