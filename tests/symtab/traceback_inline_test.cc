// Inline expansion agrees with the inlined frames the Go runtime itself
// printed: for each physical frame of a recorded traceback (a line with a
// +0x offset), the logical frames gentrace finds at that PC match the
// runtime's "(...)" frames and file:line above it.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "symtab/binary.h"
#include "tests/testing/fixtures.h"
#include "traceback/traceback_text.h"

namespace gentrace::symtab {
namespace {

using ::gentrace::traceback::ParseTracebackText;
using ::gentrace::traceback::TracebackTextFrame;
using ::gentrace::traceback::TracebackTextSection;

using ::gentrace::testing::FixtureBinary;

// The runtime prints type parameters of generic functions as "[...]".
std::string NormalizeName(absl::string_view name) {
  std::string out;
  int depth = 0;
  for (char c : name) {
    if (c == '[') {
      if (depth++ == 0) out += "[...]";
      continue;
    }
    if (c == ']') {
      --depth;
      continue;
    }
    if (depth == 0) out += c;
  }
  return out;
}

// Frames the runtime may leave out of a traceback depending on
// GOTRACEBACK and on which goroutine is throwing: unexported runtime
// functions and wrappers. Both sides drop them before comparing.
bool MayBeHidden(absl::string_view name, FuncId id) {
  if (id == FuncId::kWrapper) return true;
  if (name == "runtime.gopanic") return false;
  if (!absl::StartsWith(name, "runtime.")) return false;
  const char c = name.size() > 8 ? name[8] : 'x';
  return !(c >= 'A' && c <= 'Z');
}

struct PrintedFrame {
  std::string function;
  std::string position;  // file:line
};

struct PhysicalFrame {
  std::vector<PrintedFrame> logical;  // innermost first; last is physical
  std::string physical_name;
  uint64_t offset = 0;
  std::optional<uint64_t> pc;  // when printed (GOTRACEBACK=crash)
  std::optional<uint64_t> signal_pc;
};

// Physical frames with the inlined frames printed above them.
std::vector<PhysicalFrame> ParseTraceback(const std::string& text) {
  std::vector<PhysicalFrame> out;
  for (const traceback::TracebackTextSection& section :
       traceback::ParseTracebackText(text)) {
    std::vector<PrintedFrame> pending;
    for (const traceback::TracebackTextFrame& f : section.frames) {
      pending.push_back({f.function, f.position});
      if (f.inlined) continue;
      PhysicalFrame frame;
      frame.logical = std::move(pending);
      pending.clear();
      frame.physical_name = f.function;
      frame.offset = f.offset;
      frame.pc = f.pc;
      frame.signal_pc = section.signal_pc;
      out.push_back(std::move(frame));
    }
  }
  return out;
}

std::string Describe(const std::vector<PrintedFrame>& frames) {
  std::vector<std::string> parts;
  parts.reserve(frames.size());
  for (const PrintedFrame& f : frames) {
    parts.push_back(absl::StrCat(f.function, "@", f.position));
  }
  return absl::StrJoin(parts, " <- ");
}

std::vector<PrintedFrame> Visible(const std::vector<PrintedFrame>& frames,
                                  const std::vector<FuncId>& ids) {
  std::vector<PrintedFrame> out;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (i + 1 == frames.size() || !MayBeHidden(frames[i].function, ids[i])) {
      out.push_back(frames[i]);
    }
  }
  return out;
}

class TracebackInlineTest : public ::testing::TestWithParam<FixtureBinary> {};

TEST_P(TracebackInlineTest, InlinedFramesMatchTheRuntime) {
  const FixtureBinary& fixture = GetParam();
  const std::string text =
      gentrace::testing::ReadFileOrEmpty(fixture.path + ".traceback.txt");
  std::vector<PhysicalFrame> printed = ParseTraceback(text);
  ASSERT_FALSE(printed.empty()) << "no frames parsed from the traceback";

  absl::StatusOr<std::unique_ptr<Binary>> binary = Binary::Open(fixture.path);
  ASSERT_TRUE(binary.ok()) << binary.status();
  const Pclntab& table = (*binary)->pclntab();
  std::multimap<std::string, uint64_t> entries;
  for (uint32_t i = 0; i < table.num_funcs(); ++i) {
    absl::StatusOr<Func> func = table.FuncAt(i);
    if (!func.ok()) continue;
    absl::StatusOr<absl::string_view> name = func->Name();
    if (name.ok()) entries.emplace(NormalizeName(*name), func->entry());
  }

  int checked = 0, inlined = 0;
  for (const PhysicalFrame& frame : printed) {
    std::vector<uint64_t> pcs;
    if (frame.pc) {
      pcs.push_back(*frame.pc);
    } else {
      auto [lo, hi] = entries.equal_range(frame.physical_name);
      for (auto it = lo; it != hi; ++it) {
        pcs.push_back(it->second + frame.offset);
      }
    }
    ASSERT_FALSE(pcs.empty()) << "no function named " << frame.physical_name;
    std::vector<PrintedFrame> want;
    {
      std::vector<FuncId> ids(frame.logical.size(), FuncId::kNormal);
      want = Visible(frame.logical, ids);
    }
    std::string tried;
    bool matched = false;
    for (uint64_t pc : pcs) {
      // Return addresses are symbolized at pc-1; a faulting or interrupted
      // pc, or a function entry, as is.
      const bool exact = frame.offset == 0 || pc == frame.signal_pc;
      std::vector<SourceFrame> frames;
      if (!(*binary)->Symbolize(exact ? pc : pc - 1, &frames).ok()) continue;
      std::vector<PrintedFrame> got;
      std::vector<FuncId> ids;
      for (const SourceFrame& f : frames) {
        got.push_back(
            {NormalizeName(f.function), absl::StrCat(f.file, ":", f.line)});
        ids.push_back(f.func_id);
      }
      got = Visible(got, ids);
      if (Describe(got) == Describe(want)) {
        matched = true;
        if (got.size() > 1) ++inlined;
        break;
      }
      absl::StrAppend(&tried, "\n  got 0x", absl::Hex(pc), ": ", Describe(got));
    }
    EXPECT_TRUE(matched) << "runtime printed: " << Describe(want) << tried;
    ++checked;
  }
  RecordProperty("physical_frames", checked);
  RecordProperty("with_inlined_frames", inlined);
  if (fixture.variant != "esbuild") {
    // The test program is built so that both goroutines show inlined frames.
    EXPECT_GT(inlined, 0) << "no inlined frames were compared";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, TracebackInlineTest,
    ::testing::ValuesIn(gentrace::testing::FixturesWith(".traceback.txt")),
    gentrace::testing::FixtureTestName());

TEST(TracebackFixturesTest, ArePresent) {
  ASSERT_FALSE(gentrace::testing::FixturesWith(".traceback.txt").empty())
      << gentrace::testing::MissingFixturesMessage();
}

}  // namespace
}  // namespace gentrace::symtab
