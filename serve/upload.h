#ifndef GENTRACE_SERVE_UPLOAD_H_
#define GENTRACE_SERVE_UPLOAD_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "serve/store.h"

namespace gentrace::serve {

// An upload (a binary, a core) written to a staged file of the store as
// its bytes arrive, whatever front end receives them; the file is removed
// unless the upload is finished.
class StagedUpload {
 public:
  // At most `limit` bytes.
  static absl::StatusOr<StagedUpload> Begin(const Store& store, size_t limit);
  StagedUpload(StagedUpload&& other) noexcept;
  StagedUpload& operator=(StagedUpload&&) = delete;
  ~StagedUpload();

  // ResourceExhaustedError past the limit, UnavailableError when the disk
  // takes no more; the upload is then over.
  absl::Status Append(absl::string_view data);
  // The whole upload's path, now the caller's.
  std::string Finish();

 private:
  StagedUpload(Store::Staged staged, size_t limit)
      : staged_(std::move(staged)), limit_(limit) {}

  Store::Staged staged_;
  size_t limit_;
  size_t received_ = 0;
};

}  // namespace gentrace::serve

#endif  // GENTRACE_SERVE_UPLOAD_H_
