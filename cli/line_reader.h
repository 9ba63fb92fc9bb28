#ifndef GENTRACE_CLI_LINE_READER_H_
#define GENTRACE_CLI_LINE_READER_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gentrace::cli {

// The lines of a file descriptor, read in 64 KiB blocks and handed out in
// place (no copy, no allocation per line). A line is at most 1 MiB.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}

  // The next line without its '\n' (valid until the next call), or nullopt
  // at the end of input or after an error (status() says which).
  std::optional<absl::string_view> Next();
  const absl::Status& status() const { return status_; }

 private:
  static constexpr size_t kBlock = size_t{64} * 1024;
  static constexpr size_t kMaxLine = size_t{1024} * 1024;

  const int fd_;
  std::string buffer_;
  size_t begin_ = 0;  // the unread bytes are [begin_, end_)
  size_t end_ = 0;
  bool at_eof_ = false;
  absl::Status status_;
};

// Writes all of `bytes` to `fd`, through partial writes and EINTR.
absl::Status WriteAll(int fd, absl::string_view bytes);

}  // namespace gentrace::cli

#endif  // GENTRACE_CLI_LINE_READER_H_
