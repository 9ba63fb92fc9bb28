#include "render/symbolized_pc.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "render/json_string.h"
#include "symtab/hex_text.h"

namespace gentrace::render {

namespace {

// `value` in decimal, written at the end of `buffer`.
absl::string_view DecimalText(uint64_t value, char (&buffer)[20]) {
  char* const end = buffer + sizeof(buffer);
  char* at = end;
  do {
    *--at = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  return absl::string_view(at, static_cast<size_t>(end - at));
}

// Room made at once at the end of a string and written through a pointer:
// a piece costs its copy, not a capacity check and a length update each
// (the CLI writes millions of lines). The string is cut to what was
// written when the Room goes.
class Room {
 public:
  static constexpr size_t kDecimal = 11;  // an int32's most bytes

  Room(size_t size, std::string* out) : out_(out) {
    const size_t start = out->size();
    out->resize(start + size);
    at_ = out->data() + start;
  }
  ~Room() { out_->resize(static_cast<size_t>(at_ - out_->data())); }
  Room(const Room&) = delete;
  Room& operator=(const Room&) = delete;

  void Put(absl::string_view bytes) {
    std::memcpy(at_, bytes.data(), bytes.size());
    at_ += bytes.size();
  }
  void Put(char c) { *at_++ = c; }
  // Takes kDecimal bytes of room at most.
  void PutDecimal(int32_t value) {
    uint32_t magnitude = static_cast<uint32_t>(value);
    if (value < 0) {
      Put('-');
      magnitude = 0u - magnitude;
    }
    char buffer[20];
    Put(DecimalText(magnitude, buffer));
  }
  // As AppendJsonString; takes text.size() + 2 bytes of room, more for
  // text that needs escapes, which is made then.
  void PutJsonString(absl::string_view text) {
    if (JsonPlainPrefix(text) == text.size()) {
      Put('"');
      Put(text);
      Put('"');
      return;
    }
    const size_t used = static_cast<size_t>(at_ - out_->data());
    const size_t room_left = out_->size() - used;
    out_->resize(used);
    AppendJsonString(text, out_);
    const size_t written = out_->size();
    out_->resize(written + room_left);
    at_ = out_->data() + written;
  }

 private:
  std::string* out_;
  char* at_;
};

}  // namespace

void AppendSymbolizedPcText(uint64_t pc, const absl::Status& status,
                            absl::Span<const symtab::SourceFrame> frames,
                            std::string* out) {
  char pc_buffer[18];
  const absl::string_view pc_text = symtab::HexText(pc, pc_buffer);
  if (!status.ok()) {
    absl::StrAppend(out, pc_text, "\t?\terror: ", status.message(), "\n");
    return;
  }
  constexpr absl::string_view kInlined = "\tinlined";
  constexpr size_t kSeparators = 4;  // tab, tab, colon, newline
  size_t size = 0;
  for (const symtab::SourceFrame& frame : frames) {
    size += pc_text.size() + frame.function.size() + frame.file.size() +
            kSeparators + Room::kDecimal + kInlined.size();
  }
  Room room(size, out);
  for (const symtab::SourceFrame& frame : frames) {
    room.Put(pc_text);
    room.Put('\t');
    room.Put(frame.function);
    room.Put('\t');
    room.Put(frame.file);
    room.Put(':');
    room.PutDecimal(frame.line);
    if (frame.inlined) room.Put(kInlined);
    room.Put('\n');
  }
}

void AppendSymbolizedPcJson(uint64_t pc, const absl::Status& status,
                            absl::Span<const symtab::SourceFrame> frames,
                            std::string* out) {
  constexpr absl::string_view kStart = "{\"pc\":\"";
  constexpr absl::string_view kFrames = "\",\"frames\":[";
  constexpr absl::string_view kFunction = "{\"function\":";
  constexpr absl::string_view kFile = ",\"file\":";
  constexpr absl::string_view kLine = ",\"line\":";
  constexpr absl::string_view kInlined = ",\"inlined\":true,\"startLine\":";
  constexpr absl::string_view kNotInlined = ",\"inlined\":false,\"startLine\":";
  constexpr absl::string_view kError = "],\"error\":";
  constexpr absl::string_view kEnd = "]}\n";
  constexpr size_t kQuotes = 4;       // around the function and the file
  constexpr size_t kPunctuation = 2;  // ',' before a frame, '}' after it
  // uint64 is a decimal string in protobuf JSON.
  char pc_buffer[20];
  const absl::string_view pc_text = DecimalText(pc, pc_buffer);
  size_t size = kStart.size() + pc_text.size() + kFrames.size() + kEnd.size();
  if (status.ok()) {
    for (const symtab::SourceFrame& frame : frames) {
      size += kFunction.size() + frame.function.size() + kFile.size() +
              frame.file.size() + kQuotes + kLine.size() + kNotInlined.size() +
              2 * Room::kDecimal + kPunctuation;
    }
  } else {
    size += kError.size() + status.message().size() + 2;  // and its quotes
  }
  Room room(size, out);
  room.Put(kStart);
  room.Put(pc_text);
  room.Put(kFrames);
  if (status.ok()) {
    for (size_t i = 0; i < frames.size(); ++i) {
      if (i > 0) room.Put(',');
      room.Put(kFunction);
      room.PutJsonString(frames[i].function);
      room.Put(kFile);
      room.PutJsonString(frames[i].file);
      room.Put(kLine);
      room.PutDecimal(frames[i].line);
      room.Put(frames[i].inlined ? kInlined : kNotInlined);
      room.PutDecimal(frames[i].start_line);
      room.Put('}');
    }
    room.Put(kEnd);
    return;
  }
  room.Put(kError);
  room.PutJsonString(status.message());
  room.Put(kEnd.substr(1));
}

}  // namespace gentrace::render
