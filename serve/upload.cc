#include "serve/upload.h"

#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"

namespace gentrace::serve {

absl::Status CheckDeadline(std::chrono::steady_clock::time_point deadline,
                           absl::string_view what) {
  if (std::chrono::steady_clock::now() <= deadline) return absl::OkStatus();
  return absl::DeadlineExceededError(
      absl::StrCat(what, " did not arrive in time"));
}

absl::StatusOr<StagedUpload> StagedUpload::Begin(
    const Store& store, size_t limit,
    std::chrono::steady_clock::time_point deadline) {
  absl::StatusOr<Store::Staged> staged = store.Stage();
  if (!staged.ok()) return staged.status();
  return StagedUpload(*std::move(staged), limit, deadline);
}

StagedUpload::StagedUpload(StagedUpload&& other) noexcept
    : staged_(std::exchange(other.staged_, Store::Staged())),
      limit_(other.limit_),
      deadline_(other.deadline_),
      received_(other.received_) {}

StagedUpload::~StagedUpload() {
  if (staged_.fd < 0) return;
  close(staged_.fd);
  unlink(staged_.path.c_str());
}

absl::Status StagedUpload::Append(absl::string_view data) {
  received_ += data.size();
  if (received_ > limit_) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the upload is over ", limit_, " bytes"));
  }
  if (absl::Status in_time = CheckDeadline(deadline_, "the upload");
      !in_time.ok()) {
    return in_time;
  }
  while (!data.empty()) {
    const ssize_t n = write(staged_.fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError("the store takes no more bytes");
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

std::string StagedUpload::Finish() {
  close(staged_.fd);
  staged_.fd = -1;
  return std::move(staged_.path);
}

}  // namespace gentrace::serve
