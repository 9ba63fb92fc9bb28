#include "cli/line_reader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace gentrace::cli {

std::optional<absl::string_view> LineReader::Next() {
  while (true) {
    const void* newline =
        std::memchr(buffer_.data() + begin_, '\n', end_ - begin_);
    if (newline != nullptr) {
      const size_t at = static_cast<const char*>(newline) - buffer_.data();
      absl::string_view line(buffer_.data() + begin_, at - begin_);
      begin_ = at + 1;
      return line;
    }
    if (at_eof_ || !status_.ok()) {
      if (begin_ == end_ || !status_.ok()) return std::nullopt;
      absl::string_view last(buffer_.data() + begin_, end_ - begin_);
      begin_ = end_;
      return last;
    }
    // Keep the partial line, then read more after it.
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ >= kMaxLine) {
      status_ = absl::InvalidArgumentError(
          absl::StrCat("an input line is longer than ", kMaxLine, " bytes"));
      return std::nullopt;
    }
    if (buffer_.size() < end_ + kBlock) buffer_.resize(end_ + kBlock);
    const ssize_t n = read(fd_, buffer_.data() + end_, kBlock);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status_ = absl::ErrnoToStatus(errno, "reading the input");
      return std::nullopt;
    }
    if (n == 0) at_eof_ = true;
    end_ += static_cast<size_t>(n);
  }
}

absl::Status WriteAll(int fd, absl::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::ErrnoToStatus(errno, "writing the output");
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

}  // namespace gentrace::cli
