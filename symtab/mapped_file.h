#ifndef GENTRACE_SYMTAB_MAPPED_FILE_H_
#define GENTRACE_SYMTAB_MAPPED_FILE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace gentrace::symtab {

// The read-only bytes of a file: an mmap of it, or an owned copy (for tests,
// fuzzers and data that does not come from disk). Thread-safe after creation.
class MappedFile {
 public:
  // Maps `path` read-only. An empty file maps to an empty span.
  static absl::StatusOr<std::unique_ptr<MappedFile>> Open(
      absl::string_view path);
  // Takes ownership of `bytes`.
  static std::unique_ptr<MappedFile> FromBytes(std::string bytes);

  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  absl::Span<const uint8_t> bytes() const { return bytes_; }

 private:
  MappedFile() = default;

  absl::Span<const uint8_t> bytes_;
  void* mapping_ = nullptr;  // non-null when bytes_ is an mmap
  std::string owned_;        // backing store for FromBytes
};

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_MAPPED_FILE_H_
