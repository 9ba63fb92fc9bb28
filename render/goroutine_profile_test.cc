#include "render/goroutine_profile.h"

#include <string>

#include "google/protobuf/io/gzip_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "gtest/gtest.h"

namespace gentrace::render {
namespace {

pprof::Profile Decode(const std::string& gzipped) {
  google::protobuf::io::ArrayInputStream bytes(
      gzipped.data(), static_cast<int>(gzipped.size()));
  google::protobuf::io::GzipInputStream gunzip(&bytes);
  pprof::Profile profile;
  EXPECT_TRUE(profile.ParseFromZeroCopyStream(&gunzip));
  return profile;
}

Frame* AddFrame(Goroutine* goroutine, uint64_t pc,
                std::initializer_list<std::pair<const char*, int>> calls) {
  Frame* frame = goroutine->add_frames();
  frame->set_pc(pc);
  for (const auto& [function, line] : calls) {
    Location* location = frame->add_locations();
    location->set_function(function);
    location->set_file("main.go");
    location->set_line(line);
  }
  return frame;
}

// Two goroutines parked in the same place (an inlined call included) and
// one elsewhere.
std::vector<Goroutine> Goroutines() {
  std::vector<Goroutine> goroutines(3);
  for (int i = 0; i < 3; ++i) {
    Goroutine& g = goroutines[i];
    g.set_id(10 + i);
    g.set_status("chan receive");
    g.set_wait_reason("chan receive");
    g.mutable_created_by()->set_function(i == 2 ? "main.other" : "main.main");
    AddFrame(&g, 0x1000, {{"runtime.gopark", 5}})->set_trap(true);
    if (i < 2) {
      AddFrame(&g, 0x2010, {{"main.inlined", 7}, {"main.worker", 20}});
    } else {
      AddFrame(&g, 0x3000, {{"main.worker", 22}});
    }
  }
  return goroutines;
}

Module TestModule() {
  Module module;
  module.set_path("/bin/prog");
  module.set_go_build_id("go-id");
  module.set_text_start(0x1000);
  module.set_text_end(0x4000);
  return module;
}

TEST(GoroutineProfileTest, OneSamplePerGoroutineSharingLocationsAndFunctions) {
  GoroutineProfile builder(TestModule(),
                           GoroutineProfile::Samples::kPerGoroutine);
  for (const Goroutine& g : Goroutines()) builder.Add(g);
  builder.AddComment("layout: a test's");
  absl::StatusOr<std::string> encoded = builder.Encode();
  ASSERT_TRUE(encoded.ok()) << encoded.status();
  const pprof::Profile profile = Decode(*encoded);
  auto str = [&](int64_t index) { return profile.string_table(index); };

  EXPECT_EQ(profile.string_table(0), "");
  ASSERT_EQ(profile.sample_type_size(), 1);
  EXPECT_EQ(str(profile.sample_type(0).type()), "goroutine");
  EXPECT_EQ(str(profile.sample_type(0).unit()), "count");
  ASSERT_EQ(profile.mapping_size(), 1);
  EXPECT_EQ(str(profile.mapping(0).build_id()), "go-id");
  EXPECT_TRUE(profile.mapping(0).has_inline_frames());
  EXPECT_EQ(str(profile.comment(0)), "layout: a test's");

  ASSERT_EQ(profile.sample_size(), 3);
  ASSERT_EQ(profile.location_size(), 3);  // 0x1000, 0x2010, 0x3000
  ASSERT_EQ(profile.function_size(), 3);  // gopark, inlined, worker
  EXPECT_EQ(profile.sample(0).location_id(0), profile.sample(2).location_id(0));
  // The inlined call first, the physical function last.
  const pprof::Location& inlined = profile.location(1);
  // A return address is written as its call's, as runtime/pprof does; an
  // interrupted instruction as it is.
  EXPECT_EQ(profile.location(0).address(), 0x1000u);
  EXPECT_EQ(inlined.address(), 0x200fu);
  ASSERT_EQ(inlined.line_size(), 2);
  EXPECT_EQ(str(profile.function(inlined.line(0).function_id() - 1).name()),
            "main.inlined");
  EXPECT_EQ(inlined.line(1).line(), 20);
  for (const pprof::Label& label : profile.sample(1).label()) {
    if (str(label.key()) == "goroutine") {
      EXPECT_EQ(label.num(), 11);
    }
  }
}

TEST(GoroutineProfileTest, PerStackCountsAndKeepsTheLabelsAllShare) {
  GoroutineProfile builder(TestModule(), GoroutineProfile::Samples::kPerStack);
  for (const Goroutine& g : Goroutines()) builder.Add(g);
  absl::StatusOr<std::string> encoded = builder.Encode();
  ASSERT_TRUE(encoded.ok()) << encoded.status();
  const pprof::Profile profile = Decode(*encoded);
  ASSERT_EQ(profile.sample_size(), 2);
  EXPECT_EQ(profile.sample(0).value(0), 2);
  EXPECT_EQ(profile.sample(1).value(0), 1);
  std::vector<std::string> shared;
  for (const pprof::Label& label : profile.sample(0).label()) {
    shared.push_back(profile.string_table(label.key()));
  }
  // The goroutine ids differ; state, wait reason and creator are shared.
  EXPECT_EQ(shared,
            (std::vector<std::string>{"state", "wait_reason", "created_by"}));
  EXPECT_EQ(profile.sample(1).label_size(), 4);
}

}  // namespace
}  // namespace gentrace::render
