// `gentrace core --format=html` in a real browser: Debian's Chromium,
// headless, loads the page of each tests/go/parked core (10,000 goroutines)
// and each amd64 tests/go/goroutines core, with a script appended that reads
// the page's DOM as a user meets it: the groups (as many as --group's JSON
// has, their counts adding up to every goroutine), the crashing goroutine's
// group first, a group folding and unfolding on a click of its summary, the
// filter box narrowing the list to the groups whose functions, state or
// wait reason hold the words typed. A screenshot of each page goes to the
// test's outputs.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "proto/gentrace.pb.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/shell_command.h"

namespace gentrace {
namespace {

namespace fs = std::filesystem;
using ::gentrace::testing::FixtureBinary;

constexpr char kChromium[] = "/usr/bin/chromium";

// Reads the page as it stands once its own script has run, and writes what
// it found into the DOM, where --dump-dom shows it: "key=value" words.
constexpr char kCheckScript[] = R"(<script>
(function () {
  var r = [];
  var groups = document.querySelectorAll('details.group');
  r.push('groups=' + groups.length);
  var total = 0;
  groups.forEach(function (g) { total += +g.getAttribute('data-count'); });
  r.push('goroutines=' + total);
  r.push('first_crashed=' + (groups[0].classList.contains('crashed') ? 1 : 0));
  r.push('open_at_load=' + document.querySelectorAll('details.group[open]').length);
  // A folded group: its stack shows once its summary is clicked, and goes
  // again on a second click.
  var g = groups[groups.length - 1];
  var stack = g.querySelector('pre');
  function seen(e) { return e.checkVisibility() ? 1 : 0; }
  var before = seen(stack);
  g.querySelector('summary').click();
  var unfolded = seen(stack);
  g.querySelector('summary').click();
  r.push('stack_seen=' + before + ',' + unfolded + ',' + seen(stack));
  var filter = document.getElementById('filter');
  function shown() {
    var n = 0;
    groups.forEach(function (g) { n += seen(g); });
    return n;
  }
  filter.value = FILTER_WORDS;
  filter.dispatchEvent(new Event('input'));
  r.push('filtered=' + shown());
  filter.value = '';
  filter.dispatchEvent(new Event('input'));
  r.push('cleared=' + shown());
  r.push('ms=' + Math.round(performance.now()));
  var out = document.createElement('pre');
  out.id = 'gentrace-check';
  out.textContent = r.join(' ');
  document.body.appendChild(out);
})();
</script>
)";

// What the filter box matches in a group, as the page says: its functions,
// state, wait reason and creator.
std::string Searchable(const GoroutineGroup& group) {
  std::string text =
      absl::StrCat(group.status(), " ", group.goroutine().wait_reason(), " ",
                   group.goroutine().created_by().function());
  for (const Frame& frame : group.goroutine().frames()) {
    for (const Location& at : frame.locations()) {
      absl::StrAppend(&text, " ", at.function());
    }
  }
  return absl::AsciiStrToLower(text);
}

class HtmlReportTest : public gentrace::testing::FixtureCoreTest {
 protected:
  void SetUp() override {
    if (!fs::exists(kChromium)) GTEST_SKIP() << "no " << kChromium;
    FixtureCoreTest::SetUp();
  }

  // Headless Chromium on `page` with `args`, kept off the network and out
  // of the user's profile.
  std::string Chromium(const std::string& args, const fs::path& page) {
    return Run(absl::StrCat(
        "timeout 120 ", kChromium,
        " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
        " --disable-background-networking --disable-component-update"
        " --disable-sync --user-data-dir=",
        (dir_ / "profile").string(), " ", args, " file://", page.string()));
  }
};

TEST_P(HtmlReportTest, TheBrowserShowsFoldsAndFiltersTheGroups) {
  const fs::path page = dir_ / "page.html";
  Core("--format=html", page.string());
  const std::string html = gentrace::testing::ReadFileOrEmpty(page.string());
  ASSERT_TRUE(absl::StrContains(html, "</body>"));
  EXPECT_LT(html.size(), 5u << 20);
  // Self-contained: nothing to fetch.
  EXPECT_FALSE(absl::StrContains(html, " src=")) << "an external resource";
  EXPECT_FALSE(absl::StrContains(html, "<link"));

  Trace grouped;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  Core("--format=json --group"), &grouped)
                  .ok());
  int goroutines = 0;
  bool crashed = false;
  for (const GoroutineGroup& group : grouped.goroutine_groups()) {
    goroutines += group.ids_size();
    crashed |= group.goroutine().reporting();
  }
  // Filter by the function the fewest groups have, and the state of one of
  // them: the groups that hold both words.
  std::map<std::string, int> groups_with;
  std::map<std::string, std::string> state_with;
  for (const GoroutineGroup& group : grouped.goroutine_groups()) {
    std::set<std::string> functions;
    for (const Frame& frame : group.goroutine().frames()) {
      for (const Location& at : frame.locations()) {
        functions.insert(at.function());
      }
    }
    for (const std::string& function : functions) {
      ++groups_with[function];
      state_with.try_emplace(
          function, group.status().substr(0, group.status().find(' ')));
    }
  }
  ASSERT_FALSE(groups_with.empty());
  std::string function = groups_with.begin()->first;
  for (const auto& [name, count] : groups_with) {
    if (count < groups_with[function]) function = name;
  }
  const std::string words =
      absl::AsciiStrToLower(function + " " + state_with[function]);
  int matching = 0;
  for (const GoroutineGroup& group : grouped.goroutine_groups()) {
    const std::string text = Searchable(group);
    bool all = true;
    for (absl::string_view word :
         absl::StrSplit(words, ' ', absl::SkipEmpty())) {
      all &= absl::StrContains(text, word);
    }
    matching += all;
  }

  std::string check = html;
  std::string script = kCheckScript;
  script.replace(script.find("FILTER_WORDS"), 12,
                 absl::StrCat("'", words, "'"));
  check.insert(check.rfind("</body>"), script);
  const fs::path check_page = dir_ / "check.html";
  std::ofstream(check_page) << check;

  const std::string dom = Chromium("--dump-dom", check_page);
  const size_t at = dom.find("<pre id=\"gentrace-check\">");
  ASSERT_NE(at, std::string::npos) << dom.substr(0, 2000);
  const size_t end = dom.find("</pre>", at);
  std::map<std::string, std::string> found;
  for (absl::string_view word : absl::StrSplit(
           dom.substr(at + 25, end - at - 25), ' ', absl::SkipEmpty())) {
    std::vector<std::string> kv = absl::StrSplit(word, absl::MaxSplits('=', 1));
    if (kv.size() == 2) found[kv[0]] = kv[1];
  }
  EXPECT_EQ(found["groups"], absl::StrCat(grouped.goroutine_groups_size()));
  EXPECT_EQ(found["goroutines"], absl::StrCat(goroutines));
  EXPECT_EQ(found["first_crashed"], crashed ? "1" : "0");
  EXPECT_EQ(found["open_at_load"], crashed ? "1" : "0");
  EXPECT_EQ(found["stack_seen"], "0,1,0")
      << "folded at first, unfolded by a click, folded by another";
  EXPECT_EQ(found["filtered"], absl::StrCat(matching)) << words;
  EXPECT_LT(matching, grouped.goroutine_groups_size()) << "the filter narrows";
  EXPECT_EQ(found["cleared"], absl::StrCat(grouped.goroutine_groups_size()));
  ::testing::Test::RecordProperty("groups", grouped.goroutine_groups_size());
  ::testing::Test::RecordProperty("page_bytes", static_cast<int>(html.size()));
  ::testing::Test::RecordProperty("script_ms", found["ms"]);

  // The page as a user sees it, in the test's outputs.
  const char* outputs = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  const fs::path shot = fs::path(outputs != nullptr ? outputs : dir_.string()) /
                        (GetParam().name + ".png");
  Chromium(absl::StrCat("--window-size=1200,900 --screenshot=", shot.string()),
           page);
  EXPECT_GT(fs::exists(shot) ? fs::file_size(shot) : 0, 10000u) << shot;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, HtmlReportTest,
                         ::testing::ValuesIn(gentrace::testing::FixtureCoresIn(
                             {"/parked/", "/amd64/goroutines/"})),
                         [](const auto& info) { return info.param.name; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(HtmlReportTest);

}  // namespace
}  // namespace gentrace
