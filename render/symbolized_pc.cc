#include "render/symbolized_pc.h"

#include "absl/strings/str_cat.h"
#include "render/json_string.h"
#include "symtab/hex_text.h"

namespace gentrace::render {

using ::gentrace::symtab::AppendHex;
void AppendSymbolizedPcText(uint64_t pc, const absl::Status& status,
                            absl::Span<const symtab::SourceFrame> frames,
                            std::string* out) {
  if (!status.ok()) {
    AppendHex(pc, out);
    absl::StrAppend(out, "\t?\terror: ", status.message(), "\n");
    return;
  }
  for (const symtab::SourceFrame& frame : frames) {
    AppendHex(pc, out);
    out->push_back('\t');
    out->append(frame.function.data(), frame.function.size());
    out->push_back('\t');
    out->append(frame.file.data(), frame.file.size());
    out->push_back(':');
    absl::StrAppend(out, frame.line);
    if (frame.inlined) out->append("\tinlined");
    out->push_back('\n');
  }
}

void AppendSymbolizedPcJson(uint64_t pc, const absl::Status& status,
                            absl::Span<const symtab::SourceFrame> frames,
                            std::string* out) {
  // uint64 is a decimal string in protobuf JSON.
  absl::StrAppend(out, "{\"pc\":\"", pc, "\",\"frames\":[");
  if (status.ok()) {
    for (size_t i = 0; i < frames.size(); ++i) {
      if (i > 0) out->push_back(',');
      out->append("{\"function\":");
      AppendJsonString(frames[i].function, out);
      out->append(",\"file\":");
      AppendJsonString(frames[i].file, out);
      out->append(",\"line\":");
      absl::StrAppend(out, frames[i].line);
      out->append(frames[i].inlined ? ",\"inlined\":true"
                                    : ",\"inlined\":false");
      absl::StrAppend(out, ",\"startLine\":", frames[i].start_line, "}");
    }
  }
  out->push_back(']');
  if (!status.ok()) {
    out->append(",\"error\":");
    AppendJsonString(status.message(), out);
  }
  out->append("}\n");
}

}  // namespace gentrace::render
