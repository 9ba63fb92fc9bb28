#ifndef GENTRACE_RENDER_HTML_REPORT_H_
#define GENTRACE_RENDER_HTML_REPORT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "proto/gentrace.pb.h"
#include "render/runtime_text.h"

namespace gentrace::render {

struct HtmlReportOptions {
  // Source positions link to SOURCE_ROOT/FILE#LLINE when set; else they
  // are text.
  std::string source_root;
};

// One self-contained page (no network: its style and script are in it) of
// a program's goroutines: the binary, a summary (goroutines by state, the
// largest groups), then every group, the goroutine a crash report is about
// first and unfolded, the others folded, largest first; a filter box that
// narrows the groups to those whose functions, state or wait reason contain
// its words; the notes that say how the trace was made. `groups` as
// GoroutineGrouper gives them; each group's stack is AppendGroupText's.
void AppendHtmlReport(const Module& module,
                      const std::vector<GoroutineGroup>& groups,
                      absl::Span<const std::string> notes,
                      const RuntimeTextOptions& text,
                      const HtmlReportOptions& options, std::string* out);

// `text` with &, <, >, " and ' escaped, for HTML text and attribute values.
void AppendHtmlEscaped(absl::string_view text, std::string* out);

}  // namespace gentrace::render

#endif  // GENTRACE_RENDER_HTML_REPORT_H_
