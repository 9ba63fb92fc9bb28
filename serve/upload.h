#ifndef GENTRACE_SERVE_UPLOAD_H_
#define GENTRACE_SERVE_UPLOAD_H_

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "serve/store.h"

namespace gentrace::serve {

// What one request may bring, whichever front end it comes by.
struct RequestLimits {
  size_t max_request_bytes = size_t{64} << 20;  // a body held in memory
  size_t max_binary_bytes = size_t{8} << 30;    // an upload, streamed to disk
  size_t max_core_bytes = size_t{64} << 30;     // a core, streamed to disk
  // A request's body must have arrived this long after it began, however
  // steadily it trickles in.
  std::chrono::milliseconds body_deadline{300'000};
};

// DeadlineExceededError once `deadline` has passed.
absl::Status CheckDeadline(std::chrono::steady_clock::time_point deadline,
                           absl::string_view what);

// An upload (a binary, a core) written to a staged file of the store as
// its bytes arrive, whatever front end receives them; the file is removed
// unless the upload is finished.
class StagedUpload {
 public:
  // At most `limit` bytes, all of them before `deadline`.
  static absl::StatusOr<StagedUpload> Begin(
      const Store& store, size_t limit,
      std::chrono::steady_clock::time_point deadline);
  StagedUpload(StagedUpload&& other) noexcept;
  StagedUpload& operator=(StagedUpload&&) = delete;
  ~StagedUpload();

  // ResourceExhaustedError past the limit, DeadlineExceededError past the
  // deadline, UnavailableError when the disk takes no more; the upload is
  // then over.
  absl::Status Append(absl::string_view data);
  // The whole upload's path, now the caller's.
  std::string Finish();

 private:
  StagedUpload(Store::Staged staged, size_t limit,
               std::chrono::steady_clock::time_point deadline)
      : staged_(std::move(staged)), limit_(limit), deadline_(deadline) {}

  Store::Staged staged_;
  size_t limit_;
  std::chrono::steady_clock::time_point deadline_;
  size_t received_ = 0;
};

}  // namespace gentrace::serve

#endif  // GENTRACE_SERVE_UPLOAD_H_
