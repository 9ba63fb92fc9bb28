// The runtime's traceback formats, release by release, on goroutines built
// by hand (the fixture tests compare whole cores with what the runtime
// printed; these pin each rule on its own).
#include "render/runtime_text.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace gentrace::render {
namespace {

Goroutine Parse(const std::string& text) {
  Goroutine goroutine;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &goroutine))
      << text;
  return goroutine;
}

std::string Render(const Goroutine& goroutine, RuntimeTextOptions options) {
  std::string out;
  AppendGoroutineText(goroutine, options, &out);
  return out;
}

constexpr char kParked[] = R"pb(
  id: 18
  status: "chan receive"
  address: 0xc000007340
  parent_id: 1
  frames {
    pc: 0x45a0ad
    entry: 0x45a090
    sp: 0xc00004a7a0
    fp: 0xc00004a7d0
    locations {
      function: "main.helper"
      file: "/src/main.go"
      line: 7
      inlined: true
    }
    locations { function: "main.worker[...]" file: "/src/main.go" line: 12 }
    arguments: "0xc000012345, 0x3?"
  }
  frames {
    pc: 0x4321ab
    entry: 0x432100
    sp: 0xc00004a7d0
    fp: 0xc00004a800
    locations {
      function: "runtime.gopanic"
      file: "/go/src/runtime/panic.go"
      line: 770
    }
    arguments: "{0x4a1b20, 0x5c0f30}"
  }
  created_by_pc: 0x45a145
  created_by_entry: 0x45a100
  created_by { function: "main.main" file: "/src/main.go" line: 30 }
)pb";

TEST(RuntimeTextTest, Go122NamesTheGAndItsM) {
  EXPECT_EQ(
      Render(Parse(kParked), {.go_minor = 22}),
      "goroutine 18 gp=0xc000007340 m=nil [chan receive]:\n"
      "main.helper(...)\n"
      "\t/src/main.go:7\n"
      "main.worker[...](0xc000012345, 0x3?)\n"
      "\t/src/main.go:12 +0x1d fp=0xc00004a7d0 sp=0xc00004a7a0 pc=0x45a0ad\n"
      "panic({0x4a1b20, 0x5c0f30})\n"
      "\t/go/src/runtime/panic.go:770 +0xab fp=0xc00004a800 sp=0xc00004a7d0 "
      "pc=0x4321ab\n"
      "created by main.main in goroutine 1\n"
      "\t/src/main.go:30 +0x45\n");
}

TEST(RuntimeTextTest, Go120HasNoParentAndNoAddressesWithoutCrash) {
  EXPECT_EQ(Render(Parse(kParked), {.go_minor = 20, .frame_addresses = false}),
            "goroutine 18 [chan receive]:\n"
            "main.helper(...)\n"
            "\t/src/main.go:7\n"
            "main.worker[...](0xc000012345, 0x3?)\n"
            "\t/src/main.go:12 +0x1d\n"
            "panic({0x4a1b20, 0x5c0f30})\n"
            "\t/go/src/runtime/panic.go:770 +0xab\n"
            "created by main.main\n"
            "\t/src/main.go:30 +0x45\n");
}

TEST(RuntimeTextTest, RunningOnAnotherThreadHasNoStack) {
  Goroutine g = Parse(kParked);
  g.set_status("running");
  g.set_m_address(0xc000100000);
  g.set_m_id(3);
  EXPECT_EQ(Render(g, {.go_minor = 22}),
            "goroutine 18 gp=0xc000007340 m=3 mp=0xc000100000 [running]:\n"
            "\tgoroutine running on other thread; stack unavailable\n"
            "created by main.main in goroutine 1\n"
            "\t/src/main.go:30 +0x45\n");
  g.set_reporting(true);
  EXPECT_NE(Render(g, {.go_minor = 22}).find("main.worker"), std::string::npos);
}

// A goroutine `depth` frames deep in main.f, each one location.
Goroutine Deep(int depth) {
  Goroutine g;
  g.set_id(1);
  g.set_status("running");
  g.set_reporting(true);
  for (int i = 0; i < depth; ++i) {
    Frame* f = g.add_frames();
    f->set_pc(0x1010);
    f->set_entry(0x1000);
    Location* at = f->add_locations();
    at->set_function(absl::StrCat("main.f", i));
    at->set_file("/src/f.go");
    at->set_line(i + 1);
  }
  return g;
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

TEST(RuntimeTextTest, DeepStacksAreCutAsEachReleaseCutsThem) {
  // Up to 1.20: the first 100 physical frames, then a mark.
  const std::string old =
      Render(Deep(150), {.go_minor = 20, .frame_addresses = false});
  EXPECT_EQ(Count(old, "\n\t/src/f.go:"), 100);
  EXPECT_NE(old.find("main.f99()"), std::string::npos);
  EXPECT_EQ(old.find("main.f100()"), std::string::npos);
  EXPECT_NE(old.find("...additional frames elided...\n"), std::string::npos);
  // From 1.21: the innermost and outermost 50, and how many between.
  const std::string now =
      Render(Deep(150), {.go_minor = 21, .frame_addresses = false});
  EXPECT_EQ(Count(now, "\n\t/src/f.go:"), 100);
  EXPECT_NE(now.find("main.f49()\n\t/src/f.go:50 +0x10\n...50 frames "
                     "elided...\nmain.f100()"),
            std::string::npos);
  // Exactly 100 logical frames are printed whole.
  EXPECT_EQ(Render(Deep(100), {.go_minor = 21}).find("elided"),
            std::string::npos);
}

TEST(RuntimeTextTest, AncestorsAndDefers) {
  Goroutine g = Parse(kParked);
  Ancestor* a = g.add_ancestors();
  a->set_id(7);
  Frame* f = a->add_frames();
  f->set_pc(0x45a0c0);
  f->set_entry(0x45a000);
  Location* at = f->add_locations();
  at->set_function("main.spawner");
  at->set_file("/src/main.go");
  at->set_line(40);
  DeferredCall* d = g.mutable_frames(0)->add_defers();
  d->set_kind(DEFER_KIND_OPEN_CODED);
  d->set_closure(0x4b0000);
  d->mutable_function()->set_function("main.worker.func1");
  d->mutable_function()->set_file("/src/main.go");
  d->mutable_function()->set_line(10);
  const std::string text =
      Render(g, {.go_minor = 22, .frame_addresses = false, .defers = true});
  EXPECT_NE(text.find("\t/src/main.go:12 +0x1d\n"
                      "\tdeferred main.worker.func1 at /src/main.go:10 "
                      "(open-coded, closure 0x4b0000)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("[originating from goroutine 7]:\n"
                      "main.spawner(...)\n\t/src/main.go:40 +0xc0\n"),
            std::string::npos)
      << text;
}

// printpanics and the signal line of dopanic_m, above the goroutine.
std::string PanicReport(const Goroutine& g, int go_minor) {
  std::string out;
  AppendPanicReport(g, {.go_minor = go_minor}, &out);
  return out;
}

Goroutine Panicking(std::initializer_list<PanicValue> newest_first) {
  Goroutine g;
  g.set_reporting(true);
  g.set_report_cause(REPORT_CAUSE_PANIC);
  for (const PanicValue& p : newest_first) *g.add_panic_values() = p;
  return g;
}

PanicValue Value(std::string value, bool recovered = false,
                 bool repanicked = false, bool goexit = false) {
  PanicValue p;
  p.set_value(std::move(value));
  p.set_recovered(recovered);
  p.set_repanicked(repanicked);
  p.set_goexit(goexit);
  return p;
}

TEST(PanicReportTest, PanicsOldestFirstThenTheSignal) {
  Goroutine g = Panicking({Value("second"), Value("first", true)});
  Signal* signal = g.mutable_signal();
  signal->set_number(11);
  signal->set_name("SIGSEGV: segmentation violation");
  signal->set_code(1);
  signal->set_pc(0x4741a0);
  EXPECT_EQ(PanicReport(g, 23),
            "panic: first [recovered]\n"
            "\tpanic: second\n"
            "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 "
            "pc=0x4741a0]\n\n");
  // A number past the runtime's table prints in hex.
  signal->set_name("");
  signal->set_number(200);
  EXPECT_NE(PanicReport(g, 23).find("[signal 0xc8 code="), std::string::npos);
}

TEST(PanicReportTest, GoexitAndRepanicked) {
  // A Goexit's record prints nothing, and no tab after it.
  EXPECT_EQ(PanicReport(
                Panicking({Value("boom"), Value("", false, false, true)}), 23),
            "panic: boom\n\n");
  // From 1.25 a panic that repanicked is not printed twice.
  const Goroutine repanicked =
      Panicking({Value("boom"), Value("boom", true, true)});
  EXPECT_EQ(PanicReport(repanicked, 25),
            "panic: boom [recovered, repanicked]\n\n");
  EXPECT_EQ(PanicReport(repanicked, 24),
            "panic: boom [recovered, repanicked]\n\tpanic: boom\n\n");
}

TEST(PanicReportTest, OnlyTheReportingGoroutinesPanicOrThrow) {
  Goroutine g = Panicking({Value("boom")});
  g.set_reporting(false);
  EXPECT_EQ(PanicReport(g, 23), "");
  g.set_reporting(true);
  g.set_report_cause(REPORT_CAUSE_SIGNAL);
  EXPECT_EQ(PanicReport(g, 23), "");
}

TEST(PanicReportTest, ThrowsPrintTheirFatalError) {
  Goroutine g = Panicking({Value("first")});
  g.set_report_cause(REPORT_CAUSE_THROW);
  g.mutable_fatal_error()->set_message("sync: unlock of unlocked mutex");
  Signal* signal = g.mutable_signal();
  signal->set_number(11);
  signal->set_name("SIGSEGV: segmentation violation");
  // runtime.throw never shows the panics it came in the middle of.
  EXPECT_EQ(PanicReport(g, 27),
            "fatal error: sync: unlock of unlocked mutex\n"
            "[signal SIGSEGV: segmentation violation code=0x0 addr=0x0 "
            "pc=0x0]\n\n");
  g.clear_signal();
  // runtime.fatal does from 1.26, the fatal error after a tab.
  g.mutable_fatal_error()->set_by_program(true);
  EXPECT_EQ(PanicReport(g, 25),
            "fatal error: sync: unlock of unlocked mutex\n\n");
  EXPECT_EQ(PanicReport(g, 26),
            "panic: first\n\tfatal error: sync: unlock of unlocked mutex\n\n");
  g.clear_panic_values();
  EXPECT_EQ(PanicReport(g, 26),
            "fatal error: sync: unlock of unlocked mutex\n\n");
}

TEST(RuntimeStackTextTest, AThrowOnTheSchedulerStack) {
  Goroutine g0;
  g0.set_reporting(true);
  g0.set_report_cause(REPORT_CAUSE_THROW);
  g0.mutable_fatal_error()->set_message(
      "all goroutines are asleep - deadlock!");
  g0.mutable_fatal_error()->set_by_program(true);
  Frame* frame = g0.add_frames();
  frame->set_pc(0x444054);
  frame->set_entry(0x443fe0);
  Location* location = frame->add_locations();
  location->set_function("runtime.fatal");
  location->set_file("runtime/panic.go");
  location->set_line(1267);
  std::string text;
  AppendRuntimeStackText(g0, {.go_minor = 27, .frame_addresses = false}, &text);
  EXPECT_EQ(text,
            "fatal error: all goroutines are asleep - deadlock!\n\n"
            "runtime stack:\n"
            "runtime.fatal()\n"
            "\truntime/panic.go:1267 +0x74\n");
  // Still waiting to report: only the line its thrower printed.
  g0.mutable_fatal_error()->set_report_pending(true);
  text.clear();
  AppendRuntimeStackText(g0, {.go_minor = 27}, &text);
  EXPECT_EQ(text, "fatal error: all goroutines are asleep - deadlock!\n");
}

// A SIGILL's PC line, in C code, and its instruction bytes (no address:
// not a fault), then registers two to a line (the LR machines but arm and
// arm64).
TEST(SignalReportTextTest, InstructionBytesAndRegistersTwoToALine) {
  SignalReport report;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        m_id: 2
        signal { number: 4 name: "SIGILL: illegal instruction" pc: 0x1d2c8 }
        in_cgo: true
        instruction_bytes: "\x01\x00\x00\xd4\xc0\x03"
        interrupted { id: 1 status: "syscall" }
        registers { label: "r0   " value: 0x0 separator: "\t" }
        registers { label: "r1   " value: 0xa5330 separator: "\n" }
        registers { label: "pc   " value: 0x1d2c8 separator: "\t" }
        registers { label: "link " value: 0x533f8 separator: "\n" }
      )pb",
      &report));
  std::string text;
  AppendSignalReportHead(report, /*first=*/false, {.go_minor = 27}, &text);
  EXPECT_TRUE(
      absl::StartsWith(text,
                       "SIGILL: illegal instruction\n"
                       "PC=0x1d2c8 m=2 sigcode=0\n"
                       "signal arrived during cgo execution\n"
                       "instruction bytes: 0x1 0x0 0x0 0xd4 0xc0 0x3\n\n"
                       "goroutine 1 "))
      << text;
  text.clear();
  AppendSignalReportRegisters(report, &text);
  EXPECT_EQ(text,
            "r0   0x0\tr1   0xa5330\n"
            "pc   0x1d2c8\tlink 0x533f8\n");
}

}  // namespace
}  // namespace gentrace::render
