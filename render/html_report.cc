#include "render/html_report.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace gentrace::render {
namespace {

// How many of the largest groups the summary lists.
constexpr int kSummaryGroups = 10;

constexpr absl::string_view kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222}
h1{font-size:1.3em;margin:.2em 0}
table{border-collapse:collapse;margin:.5em 0}
#summary{display:flex;gap:4em;align-items:flex-start}
td,th{padding:.1em .8em .1em 0;text-align:left}
td.n{text-align:right}
#filter{width:30em;font-size:1em;padding:.2em}
details.group{border-top:1px solid #ddd;padding:.2em 0}
details.group>summary{cursor:pointer}
details.crashed{background:#fff0f0}
.count{display:inline-block;min-width:4em;text-align:right;font-weight:bold}
.state{color:#555}
pre{margin:.3em 0 .3em 4.5em;font:13px/1.35 monospace;white-space:pre-wrap;word-break:break-all}
.notes{color:#555;font-size:.9em}
)";

// Folds and unfolds every group, and narrows the list to the groups whose
// data-search holds every word of the filter box.
constexpr absl::string_view kScript = R"(
(function () {
  var groups = Array.prototype.slice.call(document.querySelectorAll('details.group'));
  var filter = document.getElementById('filter');
  var shown = document.getElementById('shown');
  function apply() {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    var nGroups = 0, nGoroutines = 0;
    groups.forEach(function (g) {
      var text = g.getAttribute('data-search');
      var match = words.every(function (w) { return text.indexOf(w) >= 0; });
      g.hidden = !match;
      if (match) { nGroups++; nGoroutines += +g.getAttribute('data-count'); }
    });
    shown.textContent = nGroups + ' groups, ' + nGoroutines + ' goroutines shown';
  }
  filter.addEventListener('input', apply);
  document.getElementById('unfold').addEventListener('click', function () {
    groups.forEach(function (g) { if (!g.hidden) g.open = true; });
  });
  document.getElementById('fold').addEventListener('click', function () {
    groups.forEach(function (g) { g.open = false; });
  });
  apply();
})();
)";

// The group's state without the minutes: what the summary counts.
absl::string_view StateOf(const GoroutineGroup& group) {
  const absl::string_view status = group.goroutine().status();
  return status.substr(0, status.find(','));
}

// The function a group's summary line names: the innermost outside the
// runtime, else the runtime's outermost below goexit (the goroutine's own,
// as runtime.bgsweep).
absl::string_view ShownFunction(const Goroutine& goroutine) {
  absl::string_view outermost;
  for (const Frame& frame : goroutine.frames()) {
    for (const Location& at : frame.locations()) {
      if (!absl::StartsWith(at.function(), "runtime.")) return at.function();
      if (at.function() != "runtime.goexit") outermost = at.function();
    }
  }
  return outermost;
}

// What the filter box matches: the functions, state and wait reason.
std::string SearchText(const GoroutineGroup& group) {
  std::string text =
      absl::StrCat(group.status(), " ", group.goroutine().wait_reason());
  for (const Frame& frame : group.goroutine().frames()) {
    for (const Location& at : frame.locations()) {
      absl::StrAppend(&text, " ", at.function());
    }
  }
  if (group.goroutine().has_created_by()) {
    absl::StrAppend(&text, " ", group.goroutine().created_by().function());
  }
  absl::AsciiStrToLower(&text);
  return text;
}

// The group's text, escaped, with its source positions ("\tFILE:LINE ...")
// linked under `source_root`.
void AppendStackHtml(absl::string_view text, absl::string_view source_root,
                     std::string* out) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty()) continue;
    const size_t end = std::min(line.find(' '), line.size());
    const size_t colon = line.substr(0, end).rfind(':');
    int line_number = 0;
    if (source_root.empty() || !absl::StartsWith(line, "\t") ||
        colon == absl::string_view::npos ||
        !absl::SimpleAtoi(line.substr(colon + 1, end - colon - 1),
                          &line_number)) {
      AppendHtmlEscaped(line, out);
      out->push_back('\n');
      continue;
    }
    const absl::string_view file = line.substr(1, colon - 1);
    out->append("\t<a href=\"");
    AppendHtmlEscaped(
        absl::StrCat(absl::StripSuffix(source_root, "/"), "/",
                     absl::StripPrefix(file, "/"), "#L", line_number),
        out);
    out->append("\">");
    AppendHtmlEscaped(line.substr(1, end - 1), out);
    out->append("</a>");
    AppendHtmlEscaped(line.substr(end), out);
    out->push_back('\n');
  }
}

}  // namespace

void AppendHtmlEscaped(absl::string_view text, std::string* out) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out->append("&amp;");
        break;
      case '<':
        out->append("&lt;");
        break;
      case '>':
        out->append("&gt;");
        break;
      case '"':
        out->append("&quot;");
        break;
      case '\'':
        out->append("&#39;");
        break;
      default:
        out->push_back(c);
    }
  }
}

void AppendHtmlReport(const Module& module,
                      const std::vector<GoroutineGroup>& groups,
                      absl::Span<const std::string> notes,
                      const RuntimeTextOptions& text,
                      const HtmlReportOptions& options, std::string* out) {
  // The crashing goroutine's group first, then as given (largest first).
  std::vector<const GoroutineGroup*> order;
  order.reserve(groups.size());
  for (const GoroutineGroup& group : groups) {
    if (group.goroutine().reporting()) order.push_back(&group);
  }
  for (const GoroutineGroup& group : groups) {
    if (!group.goroutine().reporting()) order.push_back(&group);
  }
  int64_t goroutines = 0;
  std::map<absl::string_view, int64_t> by_state;
  for (const GoroutineGroup& group : groups) {
    goroutines += group.ids_size();
    by_state[StateOf(group)] += group.ids_size();
  }
  std::vector<std::pair<absl::string_view, int64_t>> states(by_state.begin(),
                                                            by_state.end());
  std::stable_sort(
      states.begin(), states.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });

  out->append(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>gentrace: ");
  AppendHtmlEscaped(module.path(), out);
  absl::StrAppend(out, "</title>\n<style>", kStyle,
                  "</style></head>\n<body>\n");
  out->append("<h1>");
  AppendHtmlEscaped(module.path(), out);
  out->append("</h1>\n<div id=\"module\">");
  AppendHtmlEscaped(absl::StrCat(module.go_version(), " ", module.arch()), out);
  if (!module.gnu_build_id().empty() || !module.go_build_id().empty()) {
    out->append(", build ID ");
    AppendHtmlEscaped(module.gnu_build_id().empty() ? module.go_build_id()
                                                    : module.gnu_build_id(),
                      out);
  }
  out->append("</div>\n");
  // What the crash report says of the panic: its values and signal.
  for (const GoroutineGroup* group : order) {
    std::string panic;
    AppendPanicReport(group->goroutine(), text, &panic);
    if (panic.size() <= 1) continue;
    panic.pop_back();  // the blank line before the goroutine
    out->append("<pre id=\"panic\">");
    AppendHtmlEscaped(panic, out);
    out->append("</pre>\n");
  }
  absl::StrAppend(out, "<p id=\"totals\">", goroutines, " goroutines in ",
                  groups.size(), " groups</p>\n");

  out->append(
      "<div id=\"summary\"><table id=\"states\"><tr><th>state</th>"
      "<th>goroutines</th></tr>\n");
  for (const auto& [state, count] : states) {
    out->append("<tr><td>");
    AppendHtmlEscaped(state, out);
    absl::StrAppend(out, "</td><td class=\"n\">", count, "</td></tr>\n");
  }
  out->append(
      "</table>\n<table id=\"largest\"><tr><th>goroutines</th>"
      "<th>state</th><th>function</th></tr>\n");
  for (int i = 0; i < std::min<int>(kSummaryGroups, groups.size()); ++i) {
    absl::StrAppend(out, "<tr><td class=\"n\"><a href=\"#group-", i, "\">",
                    groups[i].ids_size(), "</a></td><td>");
    AppendHtmlEscaped(groups[i].status(), out);
    out->append("</td><td>");
    AppendHtmlEscaped(ShownFunction(groups[i].goroutine()), out);
    out->append("</td></tr>\n");
  }
  out->append(
      "</table></div>\n<p><input id=\"filter\" type=\"search\" placeholder=\""
      "filter: function, state or wait reason\" autofocus> <button "
      "id=\"unfold\">unfold all</button> <button id=\"fold\">fold "
      "all</button> <span id=\"shown\"></span></p>\n<div id=\"groups\">\n");

  std::string stack;
  for (const GoroutineGroup* group : order) {
    // Ids follow the summary's order (largest first), not the page's.
    const size_t index = group - groups.data();
    const bool crashed = group->goroutine().reporting();
    absl::StrAppend(out, "<details class=\"group", crashed ? " crashed" : "",
                    "\" id=\"group-", index, "\" data-count=\"",
                    group->ids_size(), "\" data-search=\"");
    AppendHtmlEscaped(SearchText(*group), out);
    absl::StrAppend(out, "\"", crashed ? " open" : "",
                    "><summary><span class=\"count\">", group->ids_size(),
                    "</span> <span class=\"state\">[");
    AppendHtmlEscaped(group->status(), out);
    out->append("]</span> ");
    AppendHtmlEscaped(ShownFunction(group->goroutine()), out);
    if (crashed) out->append(" <b>(the crash)</b>");
    out->append("</summary>\n<pre>");
    stack.clear();
    AppendGroupText(*group, text, &stack);
    AppendStackHtml(stack, options.source_root, out);
    out->append("</pre></details>\n");
  }
  out->append("</div>\n");
  if (!notes.empty()) {
    out->append("<div class=\"notes\"><p>How this trace was made:</p><ul>\n");
    for (const std::string& note : notes) {
      out->append("<li>");
      AppendHtmlEscaped(note, out);
      out->append("</li>\n");
    }
    out->append("</ul></div>\n");
  }
  absl::StrAppend(out, "<script>", kScript, "</script>\n</body></html>\n");
}

}  // namespace gentrace::render
