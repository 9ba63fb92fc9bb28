#include "serve/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "proto/convert.h"
#include "serve/build_id.h"
#include "symtab/binary.h"
#include "symtab/symbol_index.h"

namespace gentrace::serve {
namespace {

namespace fs = std::filesystem;

constexpr char kExecutable[] = "executable";
constexpr char kIndex[] = "executable.gtindex";
constexpr char kInfo[] = "info.json";

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// fsync of a file or a directory: what it holds, or its entries, reach the
// disk before what depends on them is made visible.
absl::Status SyncPath(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open", path);
  const bool synced = fsync(fd) == 0;
  close(fd);
  return synced ? absl::OkStatus() : ErrnoError("fsync", path);
}

// Writes `bytes` to the open `fd` (of `path`), syncs and closes it.
absl::Status WriteAndSync(int fd, const std::string& path,
                          absl::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(fd);
      return ErrnoError("write", path);
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = fsync(fd) == 0;
  close(fd);
  return synced ? absl::OkStatus() : ErrnoError("fsync", path);
}

absl::Status WriteSynced(const std::string& path, absl::string_view bytes) {
  const int fd =
      open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("create", path);
  return WriteAndSync(fd, path, bytes);
}

// The info files the store writes are small; anything bigger is not one.
constexpr uintmax_t kMaxInfoBytes = 1 << 16;

absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  std::error_code error;
  const uintmax_t size = fs::file_size(path, error);
  if (error) return absl::NotFoundError(absl::StrCat(path, ": missing"));
  if (size > kMaxInfoBytes) {
    return absl::DataLossError(absl::StrCat(path, ": too large"));
  }
  std::string bytes(size, '\0');
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open", path);
  const ssize_t n = read(fd, bytes.data(), bytes.size());
  close(fd);
  if (n != static_cast<ssize_t>(size)) {
    return absl::DataLossError(absl::StrCat(path, ": short read"));
  }
  return bytes;
}

// Whether two files hold the same bytes.
bool SameBytes(const std::string& a, const std::string& b) {
  std::ifstream first(a, std::ios::binary), second(b, std::ios::binary);
  char x[1 << 16], y[1 << 16];
  while (first && second) {
    first.read(x, sizeof(x));
    second.read(y, sizeof(y));
    if (first.gcount() != second.gcount() ||
        std::memcmp(x, y, static_cast<size_t>(first.gcount())) != 0) {
      return false;
    }
  }
  return first.eof() && second.eof();
}

// A fresh name in tmp/ (`kind`-PID-XXXXXX, PID this process's, so that a
// leftover names the process that left it): a directory, or a file left
// open.
absl::StatusOr<std::string> MakeTemporary(const std::string& dir,
                                          absl::string_view kind,
                                          bool directory, int* fd) {
  std::string path = absl::StrCat(dir, "/tmp/", kind, "-", getpid(), "-XXXXXX");
  if (directory) {
    if (mkdtemp(path.data()) == nullptr) return ErrnoError("mkdtemp", path);
    return path;
  }
  *fd = mkostemp(path.data(), O_CLOEXEC);
  if (*fd < 0) return ErrnoError("mkstemp", path);
  return path;
}

// The build IDs an entry is found by: the one it is named for (its GNU
// build ID, else its Go build ID) first, then the others (the Go build ID,
// a Mach-O or PE file ID), each a link in ids/.
std::vector<std::string> BuildIdsOf(const BinaryInfo& info) {
  std::vector<std::string> ids;
  for (const std::string* id :
       {&info.gnu_build_id(), &info.go_build_id(), &info.file_id()}) {
    if (!id->empty()) ids.push_back(*id);
  }
  return ids;
}

// Makes ids/ALIAS lead to binaries/NAME: a symlink made in tmp/ and renamed
// into place, then ids/ synced.
absl::Status PublishLink(const std::string& dir, const std::string& alias,
                         const std::string& name) {
  int link_fd = -1;
  absl::StatusOr<std::string> link =
      MakeTemporary(dir, "link", /*directory=*/false, &link_fd);
  if (!link.ok()) return link.status();
  close(link_fd);
  unlink(link->c_str());
  const std::string target = absl::StrCat("../binaries/", name);
  const std::string linked = absl::StrCat(dir, "/ids/", alias);
  if (symlink(target.c_str(), link->c_str()) != 0) {
    return ErrnoError("symlink", *link);
  }
  if (rename(link->c_str(), linked.c_str()) != 0) {
    unlink(link->c_str());
    return ErrnoError("rename", *link);
  }
  return SyncPath(absl::StrCat(dir, "/ids"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir) {
  for (const char* sub : {"binaries", "ids", "tmp"}) {
    std::error_code error;
    fs::create_directories(fs::path(dir) / sub, error);
    if (error) {
      return absl::InternalError(absl::StrCat("store ", dir, ": cannot make ",
                                              sub, "/: ", error.message()));
    }
  }
  return std::unique_ptr<Store>(new Store(dir));
}

absl::StatusOr<Store::Staged> Store::Stage() const {
  Staged staged;
  absl::StatusOr<std::string> path =
      MakeTemporary(dir_, "upload", /*directory=*/false, &staged.fd);
  if (!path.ok()) return path.status();
  staged.path = *std::move(path);
  return staged;
}

absl::StatusOr<Store::Added> Store::Add(const std::string& staged_path) const {
  const auto discard = [&](absl::Status status) {
    unlink(staged_path.c_str());
    return status;
  };
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(staged_path);
  if (!binary.ok()) {
    return discard(absl::InvalidArgumentError(absl::StrCat(
        "not a Go binary gentrace reads: ", binary.status().message())));
  }
  std::error_code error;
  const uintmax_t size = fs::file_size(staged_path, error);
  if (error) return discard(absl::InternalError(error.message()));
  const BinaryInfo info = BinaryInfoOf(**binary, size);
  const std::vector<std::string> ids = BuildIdsOf(info);
  if (ids.empty()) {
    return discard(absl::InvalidArgumentError(
        "the binary has no build ID (Go, GNU, Mach-O UUID or PE CodeView)"));
  }
  const std::string& primary = ids.front();
  absl::StatusOr<std::string> name = BuildIdFileName(primary);
  if (!name.ok()) return discard(name.status());
  if (absl::StatusOr<Entry> held = Find(primary); held.ok()) {
    if (!SameBytes(staged_path, held->executable)) {
      return discard(absl::AlreadyExistsError(
          absl::StrCat("another binary is stored under build ID ", primary)));
    }
    (void)discard(absl::OkStatus());
    return Added{.info = held->info, .added = false};
  }

  int unused_fd = -1;
  absl::StatusOr<std::string> entry =
      MakeTemporary(dir_, "entry", /*directory=*/true, &unused_fd);
  if (!entry.ok()) return discard(entry.status());
  const auto abandon = [&](absl::Status status) {
    unlink(staged_path.c_str());
    fs::remove_all(*entry, error);
    return status;
  };
  const std::string executable = absl::StrCat(*entry, "/", kExecutable);
  if (rename(staged_path.c_str(), executable.c_str()) != 0) {
    return abandon(ErrnoError("rename", staged_path));
  }
  absl::StatusOr<std::string> json = ToJsonLine(info);
  if (!json.ok()) return abandon(json.status());
  absl::Status written = RefreshIndex(
      Entry{.dir = *entry, .index = absl::StrCat(*entry, "/", kIndex)},
      **binary);
  if (written.ok()) {
    written = WriteSynced(absl::StrCat(*entry, "/", kInfo), *json);
  }
  if (written.ok()) written = SyncPath(executable);
  if (written.ok()) written = SyncPath(*entry);
  if (!written.ok()) return abandon(written);
  const std::string published = absl::StrCat(dir_, "/binaries/", *name);
  if (rename(entry->c_str(), published.c_str()) != 0) {
    // Another upload of the same binary was published first.
    if (errno == EEXIST || errno == ENOTEMPTY) {
      (void)abandon(absl::OkStatus());
      return Added{.info = info, .added = false};
    }
    return abandon(ErrnoError("rename", *entry));
  }
  if (absl::Status synced = SyncPath(absl::StrCat(dir_, "/binaries"));
      !synced.ok()) {
    return synced;
  }
  // Its other build IDs lead to it too.
  for (size_t i = 1; i < ids.size(); ++i) {
    absl::StatusOr<std::string> alias = BuildIdFileName(ids[i]);
    if (!alias.ok() || *alias == *name) continue;
    if (absl::Status linked = PublishLink(dir_, *alias, *name); !linked.ok()) {
      return linked;
    }
  }
  return Added{.info = info, .added = true};
}

absl::StatusOr<Store::Added> Store::AddCopy(const std::string& path) const {
  absl::StatusOr<Staged> staged = Stage();
  if (!staged.ok()) return staged.status();
  close(staged->fd);
  std::error_code error;
  fs::copy_file(path, staged->path, fs::copy_options::overwrite_existing,
                error);
  if (error) {
    unlink(staged->path.c_str());
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", error.message()));
  }
  return Add(staged->path);
}

absl::StatusOr<Store::Entry> Store::ReadEntry(
    const std::string& entry_dir) const {
  absl::StatusOr<std::string> json =
      ReadSmallFile(absl::StrCat(entry_dir, "/", kInfo));
  if (!json.ok()) return json.status();
  Entry entry;
  if (!google::protobuf::util::JsonStringToMessage(*json, &entry.info).ok()) {
    return absl::DataLossError(
        absl::StrCat(entry_dir, "/", kInfo, ": not a BinaryInfo"));
  }
  entry.dir = entry_dir;
  entry.executable = absl::StrCat(entry_dir, "/", kExecutable);
  entry.index = absl::StrCat(entry_dir, "/", kIndex);
  return entry;
}

absl::Status Store::RefreshIndex(const Entry& entry,
                                 const symtab::Binary& binary) const {
  absl::StatusOr<std::string> index = symtab::SymbolIndex::Build(binary);
  if (!index.ok()) return index.status();
  // Made whole in tmp/ and renamed over the old one: a reader maps the one
  // or the other, never a part.
  int fd = -1;
  absl::StatusOr<std::string> staged =
      MakeTemporary(dir_, "index", /*directory=*/false, &fd);
  if (!staged.ok()) return staged.status();
  absl::Status done = WriteAndSync(fd, *staged, *index);
  if (done.ok() && rename(staged->c_str(), entry.index.c_str()) != 0) {
    done = ErrnoError("rename", *staged);
  }
  if (!done.ok()) {
    unlink(staged->c_str());
    return done;
  }
  return SyncPath(entry.dir);
}

absl::StatusOr<std::vector<std::string>> Store::RefreshStaleIndexes() const {
  absl::StatusOr<std::vector<Entry>> entries = List();
  if (!entries.ok()) return entries.status();
  std::vector<std::string> refreshed;
  for (const Entry& entry : *entries) {
    absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
        symtab::Binary::Open(entry.executable);
    if (!binary.ok() || symtab::SymbolIndex::Open(entry.index, **binary).ok()) {
      continue;  // Verify reports an executable it cannot read
    }
    if (absl::Status s = RefreshIndex(entry, **binary); !s.ok()) return s;
    refreshed.push_back(entry.dir.substr(entry.dir.find_last_of('/') + 1));
  }
  return refreshed;
}

absl::StatusOr<Store::Entry> Store::Find(absl::string_view build_id) const {
  absl::StatusOr<std::string> name = BuildIdFileName(build_id);
  if (!name.ok()) return name.status();
  const std::string published = absl::StrCat(dir_, "/binaries/", *name);
  struct stat st;
  if (stat(published.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return ReadEntry(published);
  }
  // Another build ID of an entry: its link names the entry's directory
  // (../binaries/NAME), which is then the entry's one name, whichever ID
  // found it.
  char target[512];  // "../binaries/" and a name BuildIdFileName makes
  const std::string link = absl::StrCat(dir_, "/ids/", *name);
  const ssize_t length = readlink(link.c_str(), target, sizeof(target) - 1);
  constexpr absl::string_view kPrefix = "../binaries/";
  if (length > 0) {
    const absl::string_view linked(target, static_cast<size_t>(length));
    if (absl::StartsWith(linked, kPrefix) &&
        linked.find('/', kPrefix.size()) == absl::string_view::npos) {
      const std::string entry_dir =
          absl::StrCat(dir_, "/binaries/", linked.substr(kPrefix.size()));
      if (stat(entry_dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        return ReadEntry(entry_dir);
      }
    }
  }
  return absl::NotFoundError(
      absl::StrCat("no binary with build ID ", build_id));
}

absl::StatusOr<std::vector<Store::Entry>> Store::List() const {
  std::vector<std::string> names;
  std::error_code error;
  for (const fs::directory_entry& e :
       fs::directory_iterator(fs::path(dir_) / "binaries", error)) {
    names.push_back(e.path().filename().string());
  }
  if (error) return absl::InternalError(error.message());
  std::sort(names.begin(), names.end());
  std::vector<Entry> entries;
  for (const std::string& name : names) {
    absl::StatusOr<Entry> entry =
        ReadEntry(absl::StrCat(dir_, "/binaries/", name));
    if (!entry.ok()) return entry.status();
    entries.push_back(*std::move(entry));
  }
  return entries;
}

namespace {

// An entry's files' bytes, and when it was last used (its directory's
// modification time, which MarkUsed sets).
struct EntryFootprint {
  std::string name;
  uint64_t bytes = 0;
  timespec used{};
};

absl::StatusOr<std::vector<EntryFootprint>> Footprints(const std::string& dir) {
  std::vector<EntryFootprint> footprints;
  std::error_code error;
  for (const fs::directory_entry& e :
       fs::directory_iterator(fs::path(dir) / "binaries", error)) {
    EntryFootprint footprint{.name = e.path().filename().string()};
    struct stat st;
    if (stat(e.path().c_str(), &st) != 0) continue;  // removed meanwhile
    footprint.used = st.st_mtim;
    for (const char* file : {kExecutable, kIndex}) {
      if (stat((e.path() / file).c_str(), &st) == 0) {
        footprint.bytes += static_cast<uint64_t>(st.st_size);
      }
    }
    footprints.push_back(std::move(footprint));
  }
  if (error) return absl::InternalError(error.message());
  return footprints;
}

}  // namespace

absl::StatusOr<Store::Usage> Store::GetUsage() const {
  absl::StatusOr<std::vector<EntryFootprint>> footprints = Footprints(dir_);
  if (!footprints.ok()) return footprints.status();
  Usage usage;
  for (const EntryFootprint& f : *footprints) {
    ++usage.entries;
    usage.bytes += f.bytes;
  }
  return usage;
}

void Store::MarkUsed(const Entry& entry) const {
  // Best effort: a store on a read-only file system is only never evicted.
  (void)utimensat(AT_FDCWD, entry.dir.c_str(), nullptr, 0);
}

absl::StatusOr<std::vector<std::string>> Store::Evict(
    uint64_t max_bytes) const {
  absl::StatusOr<std::vector<EntryFootprint>> footprints = Footprints(dir_);
  if (!footprints.ok()) return footprints.status();
  std::sort(footprints->begin(), footprints->end(),
            [](const EntryFootprint& a, const EntryFootprint& b) {
              return std::pair(a.used.tv_sec, a.used.tv_nsec) <
                     std::pair(b.used.tv_sec, b.used.tv_nsec);
            });
  uint64_t bytes = 0;
  for (const EntryFootprint& f : *footprints) bytes += f.bytes;
  std::vector<std::string> evicted;
  for (size_t i = 0; i + 1 < footprints->size() && bytes > max_bytes; ++i) {
    const EntryFootprint& f = (*footprints)[i];
    const std::string published = absl::StrCat(dir_, "/binaries/", f.name);
    absl::StatusOr<Entry> entry = ReadEntry(published);
    // Unpublished first (one rename: no reader finds half an entry), its
    // other build IDs' links after, the files last.
    int unused_fd = -1;
    absl::StatusOr<std::string> doomed =
        MakeTemporary(dir_, "evicted", /*directory=*/true, &unused_fd);
    if (!doomed.ok()) return doomed.status();
    if (rename(published.c_str(), doomed->c_str()) != 0) {
      rmdir(doomed->c_str());
      continue;  // evicted by another process meanwhile
    }
    if (entry.ok()) {
      for (const std::string& id : BuildIdsOf(entry->info)) {
        if (absl::StatusOr<std::string> alias = BuildIdFileName(id);
            alias.ok() && *alias != f.name) {
          unlink(absl::StrCat(dir_, "/ids/", *alias).c_str());
        }
      }
    }
    std::error_code error;
    fs::remove_all(*doomed, error);
    bytes -= f.bytes;
    evicted.push_back(f.name);
  }
  return evicted;
}

std::vector<std::string> Store::Verify() const {
  std::vector<std::string> problems;
  std::error_code error;
  for (const fs::directory_entry& e :
       fs::directory_iterator(fs::path(dir_) / "binaries", error)) {
    const std::string name = e.path().filename().string();
    const auto problem = [&](absl::string_view what) {
      problems.push_back(absl::StrCat("binaries/", name, ": ", what));
    };
    absl::StatusOr<Entry> entry = ReadEntry(e.path().string());
    if (!entry.ok()) {
      problem(entry.status().message());
      continue;
    }
    absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
        symtab::Binary::Open(entry->executable);
    if (!binary.ok()) {
      problem(binary.status().message());
      continue;
    }
    const uintmax_t size = fs::file_size(entry->executable, error);
    BinaryInfo read = BinaryInfoOf(**binary, error ? 0 : size);
    if (read.SerializeAsString() != entry->info.SerializeAsString()) {
      problem("the executable is not the one its info.json describes");
    }
    const std::vector<std::string> ids = BuildIdsOf(read);
    if (ids.empty() || BuildIdFileName(ids.front()).value_or("") != name) {
      problem("named for another build ID");
    }
    if (absl::StatusOr<std::unique_ptr<symtab::SymbolIndex>> index =
            symtab::SymbolIndex::Open(entry->index, **binary);
        !index.ok()) {
      problem(index.status().message());
    }
  }
  for (const fs::directory_entry& e :
       fs::directory_iterator(fs::path(dir_) / "ids", error)) {
    const std::string name = e.path().filename().string();
    absl::StatusOr<Entry> entry = ReadEntry(e.path().string());
    const std::vector<std::string> ids =
        entry.ok() ? BuildIdsOf(entry->info) : std::vector<std::string>();
    if (std::none_of(ids.begin(), ids.end(), [&](const std::string& id) {
          return BuildIdFileName(id).value_or("") == name;
        })) {
      problems.push_back(
          absl::StrCat("ids/", name, ": leads to no entry with that build ID"));
    }
  }
  for (const fs::directory_entry& e :
       fs::directory_iterator(fs::path(dir_) / "tmp", error)) {
    problems.push_back(absl::StrCat("tmp/", e.path().filename().string(),
                                    ": left over from an unfinished add "
                                    "(gentrace store gc removes it)"));
  }
  if (error) problems.push_back(absl::StrCat("store: ", error.message()));
  return problems;
}

absl::StatusOr<int> Store::RemoveLeftovers() const {
  int removed = 0;
  std::error_code error;
  for (const fs::directory_entry& e :
       fs::directory_iterator(fs::path(dir_) / "tmp", error)) {
    // KIND-PID-XXXXXX: kept while that process runs.
    const std::vector<std::string> parts =
        absl::StrSplit(e.path().filename().string(), '-');
    int pid = 0;
    if (parts.size() == 3 && absl::SimpleAtoi(parts[1], &pid) && pid > 0 &&
        (kill(pid, 0) == 0 || errno != ESRCH)) {
      continue;
    }
    fs::remove_all(e.path(), error);
    if (error) return absl::InternalError(error.message());
    ++removed;
  }
  if (error) return absl::InternalError(error.message());
  return removed;
}

}  // namespace gentrace::serve
