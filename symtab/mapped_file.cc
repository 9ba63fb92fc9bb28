#include "symtab/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gentrace::symtab {

absl::StatusOr<std::unique_ptr<MappedFile>> MappedFile::Open(
    absl::string_view path) {
  std::string path_str(path);
  int fd = open(path_str.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not a regular file"));
  }
  auto file = std::unique_ptr<MappedFile>(new MappedFile());
  if (st.st_size > 0) {
    void* mapping = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                         MAP_PRIVATE, fd, 0);
    if (mapping == MAP_FAILED) {
      int err = errno;
      close(fd);
      return absl::InternalError(
          absl::StrCat("cannot mmap ", path, ": ", std::strerror(err)));
    }
    file->mapping_ = mapping;
    file->bytes_ = absl::Span<const uint8_t>(
        static_cast<const uint8_t*>(mapping), static_cast<size_t>(st.st_size));
  }
  close(fd);
  return file;
}

std::unique_ptr<MappedFile> MappedFile::FromBytes(std::string bytes) {
  auto file = std::unique_ptr<MappedFile>(new MappedFile());
  file->owned_ = std::move(bytes);
  file->bytes_ = absl::Span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(file->owned_.data()),
      file->owned_.size());
  return file;
}

MappedFile::~MappedFile() {
  if (mapping_ != nullptr) {
    munmap(mapping_, bytes_.size());
  }
}

}  // namespace gentrace::symtab
