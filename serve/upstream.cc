#include "serve/upstream.h"

#include <elfutils/debuginfod.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "serve/build_id.h"

namespace gentrace::serve {

absl::StatusOr<Store::Entry> Upstream::Fetch(absl::string_view build_id) const {
  absl::StatusOr<std::string> name = BuildIdFileName(build_id);
  if (!name.ok()) return name.status();
  if (!absl::StartsWith(*name, "gnu-")) {
    return absl::NotFoundError(
        absl::StrCat("no binary with build ID ", build_id,
                     " (debuginfod servers know GNU build IDs only)"));
  }
  const std::string hex = absl::AsciiStrToLower(build_id);
  debuginfod_client* client = debuginfod_begin();
  if (client == nullptr) {
    return absl::UnavailableError("cannot start a debuginfod client");
  }
  debuginfod_add_http_header(client,
                             absl::StrCat(kUpstreamFetchHeader, ": 1").c_str());
  char* path = nullptr;
  const int fd = debuginfod_find_executable(
      client, reinterpret_cast<const unsigned char*>(hex.c_str()), 0, &path);
  debuginfod_end(client);
  if (fd < 0) {
    return absl::NotFoundError(
        absl::StrCat("no binary with build ID ", build_id,
                     " here or upstream: ", std::strerror(-fd)));
  }
  close(fd);
  const std::string fetched = path;
  std::free(path);
  absl::StatusOr<Store::Added> added = store_.AddCopy(fetched);
  if (!added.ok()) return added.status();
  return store_.Find(build_id);
}

}  // namespace gentrace::serve
