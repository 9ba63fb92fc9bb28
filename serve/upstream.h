#ifndef GENTRACE_SERVE_UPSTREAM_H_
#define GENTRACE_SERVE_UPSTREAM_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "serve/store.h"

namespace gentrace::serve {

// The request header a fetch from upstream carries, so that a replica
// asked by another never asks upstream in turn (replicas may list each
// other, or themselves, as upstream).
inline constexpr char kUpstreamFetchHeader[] = "X-Gentrace-Upstream-Fetch";

// Binaries the store lacks, fetched from debuginfod servers (elfutils'
// libdebuginfod: the servers DEBUGINFOD_URLS names, its cache and
// retries) by GNU build ID, and added to the store. Thread-safe (a client
// per fetch).
class Upstream {
 public:
  explicit Upstream(const Store& store) : store_(store) {}

  // The executable with GNU build ID `build_id` (hex), added to the store:
  // NotFoundError when no server has it, InvalidArgumentError for an ID
  // that is no GNU build ID.
  absl::StatusOr<Store::Entry> Fetch(absl::string_view build_id) const;

 private:
  const Store& store_;
};

}  // namespace gentrace::serve

#endif  // GENTRACE_SERVE_UPSTREAM_H_
