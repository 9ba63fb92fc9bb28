// gentrace store: the service's store by hand (serve/store.h).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "serve/store.h"

namespace gentrace::cli {

absl::Status RunStore(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"store", "max-bytes"};
  absl::StatusOr<Args> args = Args::Parse(argv, kFlags);
  if (!args.ok()) return args.status();
  const std::vector<std::string>& words = args->positional();
  const std::string action = words.empty() ? "" : words[0];
  absl::StatusOr<std::unique_ptr<serve::Store>> store =
      serve::Store::Open(StoreDir(*args));
  if (!store.ok()) return store.status();
  if (action == "add" && words.size() > 1) {
    for (size_t i = 1; i < words.size(); ++i) {
      absl::StatusOr<serve::Store::Added> added = (*store)->AddCopy(words[i]);
      if (!added.ok()) {
        return absl::Status(
            added.status().code(),
            absl::StrCat(words[i], ": ", added.status().message()));
      }
      std::printf("%s %s %s\n", added->added ? "added" : "held",
                  words[i].c_str(),
                  added->info.gnu_build_id().empty()
                      ? added->info.go_build_id().c_str()
                      : added->info.gnu_build_id().c_str());
    }
    return absl::OkStatus();
  }
  if (action == "ls" && words.size() == 1) {
    absl::StatusOr<std::vector<serve::Store::Entry>> entries = (*store)->List();
    if (!entries.ok()) return entries.status();
    for (const serve::Store::Entry& e : *entries) {
      std::printf(
          "%s\t%s\t%s\t%s\t%llu\t%s\n", e.info.go_build_id().c_str(),
          e.info.gnu_build_id().empty() ? "-" : e.info.gnu_build_id().c_str(),
          e.info.goarch().c_str(),
          e.info.go_version().empty() ? "-" : e.info.go_version().c_str(),
          static_cast<unsigned long long>(e.info.size()),
          e.info.file_id().empty() ? "-" : e.info.file_id().c_str());
    }
    return absl::OkStatus();
  }
  if (action == "verify" && words.size() == 1) {
    const std::vector<std::string> problems = (*store)->Verify();
    for (const std::string& p : problems) std::printf("%s\n", p.c_str());
    if (!problems.empty()) {
      return absl::DataLossError(
          absl::StrCat(problems.size(), " problems in the store"));
    }
    std::printf("ok\n");
    return absl::OkStatus();
  }
  if (action == "gc" && words.size() == 1) {
    absl::StatusOr<int> removed = (*store)->RemoveLeftovers();
    if (!removed.ok()) return removed.status();
    std::printf("removed %d leftovers\n", *removed);
    absl::StatusOr<std::vector<std::string>> reindexed =
        (*store)->RefreshStaleIndexes();
    if (!reindexed.ok()) return reindexed.status();
    for (const std::string& name : *reindexed) {
      std::printf("reindexed %s\n", name.c_str());
    }
    absl::StatusOr<size_t> max_bytes = SizeFlag(*args, "max-bytes", 0);
    if (!max_bytes.ok()) return max_bytes.status();
    if (*max_bytes > 0) {
      absl::StatusOr<std::vector<std::string>> evicted =
          (*store)->Evict(*max_bytes);
      if (!evicted.ok()) return evicted.status();
      for (const std::string& name : *evicted) {
        std::printf("evicted %s\n", name.c_str());
      }
    }
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      "usage: gentrace store add FILE... | ls | verify | gc [--max-bytes=N] "
      "[--store=DIR]");
}

}  // namespace gentrace::cli
