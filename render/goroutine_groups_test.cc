#include "render/goroutine_groups.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "proto/gentrace.pb.h"
#include "render/html_report.h"
#include "render/runtime_text.h"

namespace gentrace::render {
namespace {

// A frame of `function` at entry+offset, on line `line` of main.go.
void AddFrame(Goroutine* g, const std::string& function, uint64_t entry,
              uint64_t offset, int line, const std::string& arguments) {
  Frame* frame = g->add_frames();
  frame->set_entry(entry);
  frame->set_pc(entry + offset);
  frame->set_sp(0xc000050000 + g->id() * 0x1000);
  frame->set_fp(frame->sp() + 0x20);
  frame->set_arguments(arguments);
  Location* at = frame->add_locations();
  at->set_function(function);
  at->set_file("/src/main.go");
  at->set_line(line);
}

// A goroutine parked in main.worker(ARG, 0x3?) at `line` (offset 0x1d, or
// 0x2a off line 12), created by main.main in goroutine 1.
Goroutine Worker(int64_t id, const std::string& arg, int line = 12,
                 int64_t minutes = 0) {
  Goroutine g;
  g.set_id(id);
  g.set_status(minutes >= 1
                   ? "chan receive, " + std::to_string(minutes) + " minutes"
                   : "chan receive");
  g.set_wait_reason("chan receive");
  g.set_wait_minutes(minutes);
  g.set_address(0xc000007000 + id * 0x100);
  AddFrame(&g, "runtime.gopark", 0x43e000, 0xce, 424, "0x0?, 0x0?");
  AddFrame(&g, "main.worker", 0x491000, line == 12 ? 0x1d : 0x2a, line,
           arg + ", 0x3?");
  g.set_created_by_pc(0x491245);
  g.set_created_by_entry(0x491200);
  g.set_parent_id(1);
  g.mutable_created_by()->set_function("main.main");
  g.mutable_created_by()->set_file("/src/main.go");
  g.mutable_created_by()->set_line(30);
  return g;
}

std::vector<GoroutineGroup> Group(GroupBy by,
                                  const std::vector<Goroutine>& goroutines,
                                  const RuntimeTextOptions& options = {
                                      .go_minor = 23}) {
  GoroutineGrouper grouper(by, options);
  for (const Goroutine& g : goroutines) grouper.Add(g);
  EXPECT_EQ(grouper.goroutine_count(), goroutines.size());
  return std::move(grouper).Groups();
}

std::string Text(const GoroutineGroup& group) {
  std::string text;
  AppendGroupText(group, {.go_minor = 23}, &text);
  return text;
}

TEST(MergeArgumentsTest, StarsTheValuesNotShared) {
  EXPECT_EQ(MergeArguments("0xc000010000, 0x3?", "0xc000020000, 0x3?"),
            "*, 0x3?");
  EXPECT_EQ(MergeArguments("{0x1, 0x2}, 0x5", "{0x1, 0x9}, 0x5"),
            "{0x1, *}, 0x5");
  EXPECT_EQ(MergeArguments("*, 0x3?", "0xc000030000, 0x3?"), "*, 0x3?");
  EXPECT_EQ(MergeArguments("0x1, ...", "0x1, ..."), "0x1, ...");
  // Shapes that differ (which one pc's ArgInfo cannot give) merge whole.
  EXPECT_EQ(MergeArguments("0x1, 0x2", "0x1"), "*");
  EXPECT_EQ(MergeArguments("{0x1}", "0x1"), "*");
  EXPECT_EQ(MergeArguments("", "0x1"), "*");
}

TEST(ParseGroupByTest, Levels) {
  EXPECT_EQ(ParseGroupBy(""), GroupBy::kPcs);
  EXPECT_EQ(ParseGroupBy("pcs"), GroupBy::kPcs);
  EXPECT_EQ(ParseGroupBy("exact"), GroupBy::kExact);
  EXPECT_EQ(ParseGroupBy("functions"), GroupBy::kFunctions);
  EXPECT_EQ(ParseGroupBy("lines"), std::nullopt);
}

TEST(GoroutineGrouperTest, ExactSplitsByArgumentsPcsMergesThem) {
  const std::vector<Goroutine> goroutines = {
      Worker(21, "0xc000010000"), Worker(18, "0xc000020000"),
      Worker(20, "0xc000010000"), Worker(19, "0xc000010000")};
  const std::vector<GoroutineGroup> exact = Group(GroupBy::kExact, goroutines);
  ASSERT_EQ(exact.size(), 2);
  EXPECT_EQ(std::vector<int64_t>(exact[0].ids().begin(), exact[0].ids().end()),
            (std::vector<int64_t>{19, 20, 21}));
  EXPECT_EQ(exact[1].ids_size(), 1);
  EXPECT_EQ(Text(exact[0]),
            "3 goroutines [chan receive]: 19-21\n"
            "runtime.gopark(0x0?, 0x0?)\n"
            "\t/src/main.go:424 +0xce\n"
            "main.worker(0xc000010000, 0x3?)\n"
            "\t/src/main.go:12 +0x1d\n"
            "created by main.main in goroutine 1\n"
            "\t/src/main.go:30 +0x45\n");

  const std::vector<GoroutineGroup> pcs = Group(GroupBy::kPcs, goroutines);
  ASSERT_EQ(pcs.size(), 1);
  // The message is the lowest id's, whichever came first.
  EXPECT_EQ(pcs[0].goroutine().id(), 18);
  EXPECT_EQ(pcs[0].goroutine().address(), 0xc000007000 + 18 * 0x100);
  EXPECT_EQ(Text(pcs[0]),
            "4 goroutines [chan receive]: 18-21\n"
            "runtime.gopark(0x0?, 0x0?)\n"
            "\t/src/main.go:424 +0xce\n"
            "main.worker(*, 0x3?)\n"
            "\t/src/main.go:12 +0x1d\n"
            "created by main.main in goroutine 1\n"
            "\t/src/main.go:30 +0x45\n");
}

TEST(GoroutineGrouperTest, FunctionsMergesLinesAndOffsets) {
  Goroutine other_parent = Worker(40, "0xc000010000", 15);
  other_parent.set_parent_id(7);
  other_parent.set_created_by_pc(0x491250);
  const std::vector<Goroutine> goroutines = {Worker(30, "0xc000010000", 12),
                                             other_parent};
  EXPECT_EQ(Group(GroupBy::kPcs, goroutines).size(), 2);
  const std::vector<GoroutineGroup> functions =
      Group(GroupBy::kFunctions, goroutines);
  ASSERT_EQ(functions.size(), 1);
  EXPECT_EQ(Text(functions[0]),
            "2 goroutines [chan receive]: 30, 40\n"
            "runtime.gopark(0x0?, 0x0?)\n"
            "\t/src/main.go:424 +0xce\n"
            "main.worker(0xc000010000, 0x3?)\n"
            "\t/src/main.go:* +*\n"
            "created by main.main in goroutine *\n"
            "\t/src/main.go:30 +*\n");
}

TEST(GoroutineGrouperTest, OtherStatesAndFunctionsStayApart) {
  Goroutine sleeping = Worker(5, "0x1");
  sleeping.set_status("sleep");
  sleeping.set_wait_reason("sleep");
  Goroutine elsewhere = Worker(6, "0x1");
  elsewhere.mutable_frames(1)->set_entry(0x492000);
  elsewhere.mutable_frames(1)->set_pc(0x49201d);
  elsewhere.mutable_frames(1)->mutable_locations(0)->set_function("main.idle");
  for (GroupBy by : {GroupBy::kExact, GroupBy::kPcs, GroupBy::kFunctions}) {
    EXPECT_EQ(Group(by, {Worker(4, "0x1"), sleeping, elsewhere}).size(), 3);
  }
}

TEST(GoroutineGrouperTest, WaitMinutesBecomeARange) {
  Goroutine locked = Worker(9, "0x1", 12, 7);
  locked.set_status("chan receive, 7 minutes, locked to thread");
  const std::vector<GoroutineGroup> groups =
      Group(GroupBy::kPcs, {Worker(3, "0x1", 12, 2), Worker(4, "0x1", 12, 0),
                            Worker(5, "0x1", 12, 5), locked});
  ASSERT_EQ(groups.size(), 2);
  EXPECT_EQ(groups[0].status(), "chan receive, 0-5 minutes");
  EXPECT_EQ(groups[0].min_wait_minutes(), 0);
  EXPECT_EQ(groups[0].max_wait_minutes(), 5);
  EXPECT_EQ(groups[1].status(), "chan receive, 7 minutes, locked to thread");
}

TEST(GoroutineGrouperTest, LargestFirstThenLowestId) {
  Goroutine asleep = Worker(2, "0x1");
  asleep.set_status("sleep");
  std::vector<Goroutine> goroutines = {asleep};
  for (int id = 10; id < 13; ++id) goroutines.push_back(Worker(id, "0x1"));
  Goroutine idle = Worker(1, "0x1");
  idle.set_status("select");
  goroutines.push_back(idle);
  const std::vector<GoroutineGroup> groups = Group(GroupBy::kPcs, goroutines);
  ASSERT_EQ(groups.size(), 3);
  EXPECT_EQ(groups[0].ids_size(), 3);
  EXPECT_EQ(groups[1].ids(0), 1);
  EXPECT_EQ(groups[2].ids(0), 2);
}

TEST(GoroutineGrouperTest, HiddenRunningStacksGroupByStateAlone) {
  Goroutine a = Worker(7, "0x1");
  Goroutine b = Worker(8, "0x2", 15);
  Goroutine crashed = Worker(9, "0x1");
  for (Goroutine* g : {&a, &b, &crashed}) {
    g->set_status("running");
    g->clear_wait_reason();
  }
  crashed.set_reporting(true);
  const std::vector<GoroutineGroup> groups =
      Group(GroupBy::kExact, {a, b, crashed});
  ASSERT_EQ(groups.size(), 2);
  EXPECT_EQ(groups[0].goroutine().frames_size(), 0);
  EXPECT_EQ(Text(groups[0]),
            "2 goroutines [running]: 7-8\n"
            "\tgoroutine running on other thread; stack unavailable\n"
            "created by main.main in goroutine 1\n"
            "\t/src/main.go:30 +0x45\n");
  EXPECT_TRUE(groups[1].goroutine().reporting());
  EXPECT_EQ(groups[1].goroutine().frames_size(), 2);
  // A live process shows every running stack: those differ.
  EXPECT_EQ(Group(GroupBy::kExact, {a, b, crashed},
                  {.go_minor = 23, .running_stacks = true})
                .size(),
            3);
}

TEST(HtmlReportTest, CrashFirstEscapedAndLinked) {
  Goroutine crashed = Worker(1, "0x1");
  crashed.set_status("running");
  crashed.set_reporting(true);
  crashed.mutable_frames(1)->mutable_locations(0)->set_function("main.f[<T>]");
  std::vector<Goroutine> goroutines = {crashed};
  for (int id = 2; id < 5; ++id) goroutines.push_back(Worker(id, "0x1"));
  const std::vector<GoroutineGroup> groups = Group(GroupBy::kPcs, goroutines);
  Module module;
  module.set_path("/bin/prog");
  std::string page;
  AppendHtmlReport(module, groups, {"a note & more"}, {.go_minor = 23},
                   {.source_root = "https://src.example/repo/"}, &page);
  EXPECT_TRUE(absl::StartsWith(page, "<!DOCTYPE html>"));
  EXPECT_FALSE(absl::StrContains(page, "<script src"));
  EXPECT_FALSE(absl::StrContains(page, "<link"));
  // The crash's group (group-1, the smaller) comes before the largest.
  const size_t crash_at = page.find("id=\"group-1\"");
  const size_t largest_at = page.find("id=\"group-0\"");
  ASSERT_NE(crash_at, std::string::npos);
  ASSERT_NE(largest_at, std::string::npos);
  EXPECT_LT(crash_at, largest_at);
  EXPECT_TRUE(absl::StrContains(page, "main.f[...](0x1, 0x3?)"));
  EXPECT_FALSE(absl::StrContains(page, "[<T>]"));
  EXPECT_TRUE(absl::StrContains(page, "a note &amp; more"));
  EXPECT_TRUE(absl::StrContains(
      page,
      "\t<a href=\"https://src.example/repo/src/main.go#L12\">/src/main.go:12"
      "</a> +0x1d\n"));
  EXPECT_TRUE(absl::StrContains(page, "data-count=\"3\""));
  EXPECT_TRUE(
      absl::StrContains(page, "<td>chan receive</td><td class=\"n\">3"));

  std::string plain;
  AppendHtmlReport(module, groups, {}, {.go_minor = 23}, {}, &plain);
  EXPECT_FALSE(absl::StrContains(plain, "<a href=\"http"));
  EXPECT_TRUE(absl::StrContains(plain, "\t/src/main.go:12 +0x1d\n"));
}

}  // namespace
}  // namespace gentrace::render
