#ifndef GENTRACE_SERVE_STORE_H_
#define GENTRACE_SERVE_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/gentrace.pb.h"
#include "symtab/binary.h"

namespace gentrace::serve {

// A directory of Go binaries keyed by build ID, the service's store:
//
//   DIR/binaries/NAME/executable          the file as it was added
//   DIR/binaries/NAME/executable.gtindex  its symbolization index
//   DIR/binaries/NAME/info.json           its BinaryInfo
//   DIR/ids/OTHER -> ../binaries/NAME     each other build ID it has
//   DIR/tmp/                              uploads and entries being made
//
// NAME is the BuildIdFileName of its GNU build ID, or of its Go build ID
// when it has none; either ID finds it, and so does a Mach-O's LC_UUID or
// a PE's CodeView ID (BinaryInfo.file_id; hex, like a GNU build ID). An entry
// is made whole in tmp/ (every file written and synced) and then renamed into
// binaries/, so a crash at any moment leaves whole entries and leftovers in
// tmp/ only.
//
// Thread-safe: concurrent adds of one binary end with one entry.
class Store {
 public:
  // Opens the store at `dir`, making its directories if they are missing.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& dir);

  const std::string& dir() const { return dir_; }

  // A new empty file in tmp/ for an upload, opened for writing: its path
  // and descriptor (the caller writes and closes it, then calls Add).
  struct Staged {
    std::string path;
    int fd = -1;
  };
  absl::StatusOr<Staged> Stage() const;

  // Makes the staged file an entry: checked to be a binary gentrace reads
  // and to have a build ID (else InvalidArgumentError, and the file is
  // removed), its index built, published. `added` is false when the store
  // already held it (the staged file is removed); AlreadyExistsError when
  // it holds another file under that build ID.
  struct Added {
    BinaryInfo info;
    bool added = false;
  };
  absl::StatusOr<Added> Add(const std::string& staged_path) const;

  // Add of a copy of the file at `path` (`gentrace store add`).
  absl::StatusOr<Added> AddCopy(const std::string& path) const;

  // The entry a build ID names: NotFoundError when there is none,
  // InvalidArgumentError for text that is no build ID.
  struct Entry {
    std::string dir;         // its directory
    std::string executable;  // its path
    std::string index;       // its symbolization index's path
    BinaryInfo info;
  };
  absl::StatusOr<Entry> Find(absl::string_view build_id) const;

  // Every entry, in name order.
  absl::StatusOr<std::vector<Entry>> List() const;

  // How many entries the store holds and their bytes (executables and
  // indexes), from the file system's sizes alone.
  struct Usage {
    uint64_t entries = 0;
    uint64_t bytes = 0;
  };
  absl::StatusOr<Usage> GetUsage() const;

  // Marks an entry used now: eviction takes the least recently used first.
  void MarkUsed(const Entry& entry) const;

  // Removes the least recently used entries until the store's bytes are
  // at most `max_bytes`, keeping at least the most recently used one: the
  // names (binaries/NAME) of those removed. A reader that has an entry's
  // files open keeps them; a Find after the removal finds none.
  absl::StatusOr<std::vector<std::string>> Evict(uint64_t max_bytes) const;

  // What is wrong in the store, one line each: an entry whose files are
  // missing, unreadable or not what its info says, a link that leads
  // nowhere, leftovers in tmp/. Empty when all is well.
  std::vector<std::string> Verify() const;

  // Builds an entry's symbolization index and puts it in place of any it
  // has: for a new entry (Add), and for an index that is missing, damaged
  // or of a format this gentrace no longer reads (SymbolIndex::kVersion).
  absl::Status RefreshIndex(const Entry& entry,
                            const symtab::Binary& binary) const;
  // RefreshIndex of every entry whose index does not open: their names.
  absl::StatusOr<std::vector<std::string>> RefreshStaleIndexes() const;

  // Removes tmp/'s leftovers: the uploads and entries of processes that
  // ended before they finished (each is named for its process; a running
  // one's are kept). How many.
  absl::StatusOr<int> RemoveLeftovers() const;

 private:
  explicit Store(std::string dir) : dir_(std::move(dir)) {}
  absl::StatusOr<Entry> ReadEntry(const std::string& entry_dir) const;

  std::string dir_;
};

}  // namespace gentrace::serve

#endif  // GENTRACE_SERVE_STORE_H_
