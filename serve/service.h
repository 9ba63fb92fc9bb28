#ifndef GENTRACE_SERVE_SERVICE_H_
#define GENTRACE_SERVE_SERVICE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proto/gentrace.pb.h"
#include "render/goroutine_groups.h"
#include "serve/store.h"
#include "serve/upstream.h"
#include "symtab/binary.h"
#include "symtab/native_symbols.h"
#include "symtab/symbol_index.h"
#include "traceback/crash_text.h"

namespace gentrace::serve {

struct ServiceOptions {
  // PCs one symbolize request may hold.
  size_t max_pcs = 1 << 20;
  // Binaries held open (mapped, with their indexes) for the next request,
  // and the bytes their files may take together (the least recently used
  // are let go past either; the one just opened is always held).
  size_t open_binaries = 64;
  uint64_t open_bytes = uint64_t{4} << 30;
  // The store's size past which its least recently used binaries are
  // evicted when one is added; 0: no limit.
  uint64_t store_max_bytes = 0;
  // How long a core's or minidump's goroutines may take to list, from when
  // its body is in (a client that gave up does not stop the work).
  absl::Duration work_timeout = absl::Seconds(60);
};

// An answer of the service, whatever carries it (HTTP, gRPC): a status in
// HTTP's terms and a body, or the file whose bytes are the body.
struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string file;    // when set, the body is this file
  absl::Status error;  // what failed, when the status says something did
};

// The HTTP status an error answers with, and its body: the ErrorResponse.
Reply ErrorReply(const absl::Status& status);

// The service's operations over a store, one implementation behind every
// front end. Thread-safe.
class Service {
 public:
  // With `upstream`, a build ID the store lacks is fetched from there.
  Service(const Store& store, const ServiceOptions& options,
          const Upstream* upstream = nullptr)
      : store_(store), options_(options), upstream_(upstream) {}

  // Messages answer in `format`: "json" (protobuf's JSON) or "proto"
  // (its binary encoding); traces also in "text", as the CLI prints them.

  // A staged upload (Store::Stage) added: 201 with its BinaryInfo, 200 if
  // the store held it already, 400 if it is no Go binary with a build ID.
  Reply AddBinary(const std::string& staged_path, absl::string_view format);
  // 200 with the BinaryInfo of the binary a build ID names, or 404.
  Reply GetBinary(absl::string_view build_id, absl::string_view format);
  // 200 with the SymbolizeResponse, each result what `gentrace symbolize
  // --format=json` prints for its PC.
  Reply Symbolize(const SymbolizeRequest& request, absl::string_view format);
  // A core or a minidump (a staged upload, removed afterwards) of the
  // binary a build ID names (for a minidump, by default the one its main
  // module's CodeView record names): its trace as `gentrace core` and
  // `gentrace minidump` print it, with each frame's pending defers and C
  // frames when asked.
  // In `format` "text", "json", "proto", "html" (the grouped page) or
  // "pprof" (a goroutine profile), as `gentrace core --format` writes them,
  // grouped as --group does when `group` says how.
  struct CoreOptions {
    std::string format = "text";
    bool defers = false;
    bool native = false;
    std::optional<render::GroupBy> group = std::nullopt;
  };
  Reply Core(absl::string_view build_id, const std::string& staged_core,
             const CoreOptions& options);
  // A capture of the binary a build ID names: a raw one (the Capture
  // message, binary or JSON: one thread's registers and stack), its Go
  // frames as `gentrace unwind` prints them ("text", "json", or the
  // Thread message's "proto"); one the crash handler wrote (its native
  // frames and modules), the Trace `gentrace render` prints, the goroutine
  // of a cgo call included.
  Reply Capture(absl::string_view build_id, absl::string_view capture,
                absl::string_view format);
  // The runtime's own crash text of the binary a build ID names: the Trace
  // `gentrace crashtext` prints.
  Reply CrashText(absl::string_view build_id, absl::string_view text,
                  absl::string_view format);
  // pprof's symbolz protocol for the binary a build ID names: with no
  // addresses, how many symbols it knows ("num_symbols: 1"); else, for
  // `addresses` ("0x...+0x..."), one line per address it knows, "0x... NAME"
  // with the name runtime.FuncForPC gives (the innermost inlined call).
  Reply PprofSymbol(absl::string_view build_id, absl::string_view addresses);
  // The debuginfod protocol: the executable a build ID names, and the same
  // file as its debuginfo when it holds DWARF (404 when stripped). Asked
  // by another replica's fetch (`from_replica`), only what the store holds.
  Reply DebuginfodExecutable(absl::string_view build_id, bool from_replica);
  Reply DebuginfodDebuginfo(absl::string_view build_id, bool from_replica);

  // Its gauges and counters in Prometheus' text format: the store's
  // binaries and bytes, binaries held open, how often one was already
  // open, fetches from upstream.
  std::string MetricsText();

 private:
  // A stored binary held open, with its index when it opens, and its
  // crash text reader once one was asked for.
  struct Opened {
    std::unique_ptr<symtab::Binary> binary;
    std::unique_ptr<symtab::SymbolIndex> index;
    Store::Entry entry;
    mutable std::once_flag crash_text_once;
    mutable std::unique_ptr<traceback::CrashTextReader> crash_text;
    mutable std::once_flag native_symbols_once;
    mutable std::shared_ptr<const symtab::NativeSymbols> native_symbols;
    // When its use was last marked in the store (seconds, steady clock).
    mutable std::atomic<int64_t> marked_used{0};

    const traceback::CrashTextReader& CrashText() const;
    // The executable's ELF symbols and DWARF lines, for naming its C
    // frames in captures; null if they cannot be read.
    std::shared_ptr<const symtab::NativeSymbols> NativeSymbols() const;
  };
  // The binary a build ID names, opened or from those held open (the
  // least recently used one is let go past ServiceOptions::open_binaries);
  // its use marked in the store (at most once a minute).
  absl::StatusOr<std::shared_ptr<const Opened>> Open(
      absl::string_view build_id);
  // A capture the crash handler wrote (`capture`, parsed from `contents`),
  // rendered against the stored binary as the module whose code it is.
  Reply RenderedCapture(const Opened& stored,
                        const ::gentrace::Capture& capture,
                        absl::string_view contents, absl::string_view format);
  // The binary held open under a build ID (its BuildIdFileName), or (given
  // `entry_dir`) under another build ID of the same entry, which then holds
  // it under this one too; null when none is.
  std::shared_ptr<const Opened> Held(absl::string_view build_id,
                                     const std::string* entry_dir);
  // Opens a store entry (its executable and index) and holds it under a
  // build ID's one spelling, `key`.
  absl::StatusOr<std::shared_ptr<const Opened>> OpenEntry(
      absl::string_view key, const Store::Entry& entry);
  // Store::RefreshIndex of an entry whose index does not open, unless it
  // failed for that entry before: whether the entry has a new index.
  bool TryRefreshIndex(const Store::Entry& entry, const symtab::Binary& binary);
  // Holds a binary just opened under a build ID (or the one another
  // request held meanwhile), letting the least recently used one go.
  std::shared_ptr<const Opened> Hold(absl::string_view build_id,
                                     std::shared_ptr<const Opened> opened);
  // Marks the binary's entry used in the store, at most once a minute.
  void MarkUsed(const Opened& opened);
  // Evicts the store's least recently used binaries past its quota.
  void KeepStoreUnderQuota();
  // The store's entry for a build ID, fetched from upstream when it has
  // none (unless `from_replica`).
  absl::StatusOr<Store::Entry> Find(absl::string_view build_id,
                                    bool from_replica = false);

  const Store& store_;
  const ServiceOptions options_;
  const Upstream* upstream_;
  std::mutex mutex_;
  // Most recently used first, with the build IDs they were asked by.
  struct HeldBinary {
    std::shared_ptr<const Opened> opened;
    std::vector<std::string> build_ids;
    uint64_t bytes = 0;  // its executable's and its index's
  };
  std::list<HeldBinary> open_;
  absl::flat_hash_map<std::string, std::list<HeldBinary>::iterator> open_by_id_;
  uint64_t open_bytes_ = 0;
  uint64_t open_hits_ = 0, open_misses_ = 0, opens_ = 0;
  // The store entries being opened, each by one request while the others
  // that want it wait on its mutex (a cold binary's first burst of
  // requests opens it once); only entries being opened are here.
  absl::flat_hash_map<std::string, std::weak_ptr<std::mutex>> opening_;
  uint64_t fetched_ = 0, fetch_misses_ = 0, evicted_ = 0;
  // The entries (their directories) whose index could not be built again
  // (Store::RefreshIndex failed: a read-only store, say): the pclntab
  // answers for them without another try at each open.
  absl::flat_hash_set<std::string> index_not_refreshed_;
};

}  // namespace gentrace::serve

#endif  // GENTRACE_SERVE_SERVICE_H_
