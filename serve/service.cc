#include "serve/service.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "proto/convert.h"
#include "proto/gentrace.pb.h"
#include "render/program_trace.h"
#include "render/symbolized_pc.h"
#include "render/trace_output.h"
#include "serve/build_id.h"
#include "symtab/hex_text.h"
#include "symtab/symbolizer.h"
#include "symtab/utf8.h"
#include "target/minidump.h"

namespace gentrace::serve {
namespace {

int HttpStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 413;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 408;
    default:
      return 500;
  }
}

// What an answer in `format` (as the CLI's --format names it) is.
std::string ContentTypeOf(absl::string_view format) {
  if (format == "json") return "application/json";
  if (format == "proto") return "application/x-protobuf";
  if (format == "html") return "text/html; charset=utf-8";
  if (format == "pprof") return "application/octet-stream";
  return "text/plain; charset=utf-8";
}

// A message as the answer: its binary encoding for "proto", else its JSON.
Reply MessageReply(int status, const google::protobuf::Message& message,
                   absl::string_view format) {
  Reply reply;
  reply.status = status;
  if (format == "proto") {
    reply.content_type = ContentTypeOf(format);
    reply.body = message.SerializeAsString();
    return reply;
  }
  absl::StatusOr<std::string> json = ToJsonLine(message);
  if (!json.ok()) return ErrorReply(json.status());
  reply.body = *std::move(json);
  return reply;
}

}  // namespace

Reply ErrorReply(const absl::Status& status) {
  ErrorResponse error;
  // Its words may quote the request's bytes.
  error.set_error(symtab::ValidUtf8(status.message()));
  absl::StatusOr<std::string> json = ToJsonLine(error);
  Reply reply;
  reply.status = HttpStatus(status.code());
  reply.body = json.ok() ? *std::move(json) : "{}";
  reply.error = status;
  return reply;
}

absl::StatusOr<Store::Entry> Service::Find(absl::string_view build_id,
                                           bool from_replica) {
  absl::StatusOr<Store::Entry> entry = store_.Find(build_id);
  if (entry.ok() || !absl::IsNotFound(entry.status()) || upstream_ == nullptr ||
      from_replica) {
    return entry;
  }
  entry = upstream_->Fetch(build_id);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++(entry.ok() ? fetched_ : fetch_misses_);
  }
  if (entry.ok()) KeepStoreUnderQuota();
  return entry;
}

void Service::KeepStoreUnderQuota() {
  if (options_.store_max_bytes == 0) return;
  absl::StatusOr<std::vector<std::string>> evicted =
      store_.Evict(options_.store_max_bytes);
  std::lock_guard<std::mutex> lock(mutex_);
  if (evicted.ok()) evicted_ += evicted->size();
}

const traceback::CrashTextReader& Service::Opened::CrashText() const {
  std::call_once(crash_text_once, [this] {
    crash_text = std::make_unique<traceback::CrashTextReader>(*binary);
  });
  return *crash_text;
}

std::shared_ptr<const symtab::NativeSymbols> Service::Opened::NativeSymbols()
    const {
  std::call_once(native_symbols_once, [this] {
    absl::StatusOr<std::unique_ptr<symtab::NativeSymbols>> read =
        symtab::NativeSymbols::Open(entry.executable);
    if (read.ok()) native_symbols = *std::move(read);
  });
  return native_symbols;
}

void Service::MarkUsed(const Opened& opened) {
  constexpr int64_t kMarkEverySeconds = 60;
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t marked = opened.marked_used.load(std::memory_order_relaxed);
  if (marked != 0 && now - marked < kMarkEverySeconds) return;
  if (opened.marked_used.compare_exchange_strong(marked, now)) {
    store_.MarkUsed(opened.entry);
  }
}

bool Service::TryRefreshIndex(const Store::Entry& entry,
                              const symtab::Binary& binary) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (index_not_refreshed_.contains(entry.dir)) return false;
  }
  if (store_.RefreshIndex(entry, binary).ok()) return true;
  std::lock_guard<std::mutex> lock(mutex_);
  index_not_refreshed_.insert(entry.dir);
  return false;
}

absl::StatusOr<std::shared_ptr<const Service::Opened>> Service::OpenEntry(
    absl::string_view key, const Store::Entry& entry) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++opens_;
  }
  // Opened outside the service's lock: other requests go on meanwhile.
  auto made = std::make_shared<Opened>();
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(entry.executable);
  if (!binary.ok()) return binary.status();
  made->binary = *std::move(binary);
  absl::StatusOr<std::unique_ptr<symtab::SymbolIndex>> index =
      symtab::SymbolIndex::Open(entry.index, *made->binary);
  // An index this gentrace cannot read (an older format, or damaged) is
  // built again, once: the store then holds the new one. Until it is, or
  // if that fails, the pclntab answers.
  if (!index.ok() && TryRefreshIndex(entry, *made->binary)) {
    index = symtab::SymbolIndex::Open(entry.index, *made->binary);
  }
  if (index.ok()) made->index = *std::move(index);
  made->entry = entry;
  return Hold(key, std::move(made));
}

absl::StatusOr<std::shared_ptr<const Service::Opened>> Service::Open(
    absl::string_view build_id) {
  // Held under the build ID's one spelling (hex in lower case), so that
  // its other spellings add nothing.
  absl::StatusOr<std::string> key = BuildIdFileName(build_id);
  if (!key.ok()) return key.status();
  std::shared_ptr<const Opened> opened = Held(*key, nullptr);
  if (opened != nullptr) {
    MarkUsed(*opened);
    return opened;
  }
  absl::StatusOr<Store::Entry> entry = Find(build_id);
  if (!entry.ok()) return entry.status();
  // One request opens an entry while the others that want it wait: held
  // already after the wait, or when asked by its other build ID.
  std::shared_ptr<std::mutex> opening;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::weak_ptr<std::mutex>& slot = opening_[entry->dir];
    opening = slot.lock();
    if (opening == nullptr) slot = opening = std::make_shared<std::mutex>();
  }
  absl::StatusOr<std::shared_ptr<const Opened>> held;
  {
    std::lock_guard<std::mutex> one_opener(*opening);
    opened = Held(*key, &entry->dir);
    held = opened != nullptr ? opened : OpenEntry(*key, *entry);
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (opening.use_count() == 1) opening_.erase(entry->dir);
  }
  if (!held.ok()) return held.status();
  opened = *std::move(held);
  MarkUsed(*opened);
  return opened;
}

std::shared_ptr<const Service::Opened> Service::Held(
    absl::string_view build_id, const std::string* entry_dir) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = open_by_id_.find(build_id);
  if (it == open_by_id_.end() && entry_dir != nullptr) {
    for (auto held = open_.begin(); held != open_.end(); ++held) {
      if (held->opened->entry.dir == *entry_dir) {
        held->build_ids.emplace_back(build_id);
        it = open_by_id_.emplace(build_id, held).first;
        break;
      }
    }
  }
  if (it == open_by_id_.end()) {
    if (entry_dir == nullptr) ++open_misses_;
    return nullptr;
  }
  if (entry_dir == nullptr) ++open_hits_;
  open_.splice(open_.begin(), open_, it->second);
  return it->second->opened;
}

std::shared_ptr<const Service::Opened> Service::Hold(
    absl::string_view build_id, std::shared_ptr<const Opened> opened) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = open_by_id_.find(build_id); it != open_by_id_.end()) {
    return it->second->opened;  // another request opened it first
  }
  struct stat index;
  const uint64_t bytes =
      opened->entry.info.size() +
      (stat(opened->entry.index.c_str(), &index) == 0 ? index.st_size : 0);
  open_.push_front(HeldBinary{opened, {std::string(build_id)}, bytes});
  open_by_id_.emplace(build_id, open_.begin());
  open_bytes_ += bytes;
  while (open_.size() > 1 && (open_.size() > options_.open_binaries ||
                              open_bytes_ > options_.open_bytes)) {
    for (const std::string& id : open_.back().build_ids) open_by_id_.erase(id);
    open_bytes_ -= open_.back().bytes;
    open_.pop_back();
  }
  return opened;
}

std::string Service::MetricsText() {
  const Store::Usage usage = store_.GetUsage().value_or(Store::Usage());
  const auto metric = [](absl::string_view name, absl::string_view type,
                         absl::string_view help, uint64_t value) {
    return absl::StrCat("# HELP ", name, " ", help, "\n# TYPE ", name, " ",
                        type, "\n", name, " ", value, "\n");
  };
  std::lock_guard<std::mutex> lock(mutex_);
  return absl::StrCat(
      metric("gentrace_store_binaries", "gauge", "Binaries in the store.",
             usage.entries),
      metric("gentrace_store_bytes", "gauge",
             "Bytes of the store's binaries and their indexes.", usage.bytes),
      metric("gentrace_store_evictions_total", "counter",
             "Binaries evicted, least recently used first, to keep the "
             "store under its quota.",
             evicted_),
      metric("gentrace_open_binaries", "gauge",
             "Binaries held open (mapped, with their indexes).", open_.size()),
      metric("gentrace_open_binary_bytes", "gauge",
             "Bytes of the files of the binaries held open.", open_bytes_),
      metric("gentrace_open_binary_hits_total", "counter",
             "Requests whose binary was held open already.", open_hits_),
      metric("gentrace_open_binary_misses_total", "counter",
             "Requests whose binary was not held open.", open_misses_),
      metric("gentrace_binary_opens_total", "counter",
             "Binaries opened from the store (requests that miss together "
             "wait for one opening).",
             opens_),
      metric("gentrace_upstream_fetches_total", "counter",
             "Binaries fetched from upstream debuginfod servers.", fetched_),
      metric("gentrace_upstream_misses_total", "counter",
             "Build IDs no upstream server had.", fetch_misses_));
}

Reply Service::AddBinary(const std::string& staged_path,
                         absl::string_view format) {
  absl::StatusOr<Store::Added> added = store_.Add(staged_path);
  if (!added.ok()) return ErrorReply(added.status());
  if (added->added) KeepStoreUnderQuota();
  return MessageReply(added->added ? 201 : 200, added->info, format);
}

Reply Service::GetBinary(absl::string_view build_id, absl::string_view format) {
  absl::StatusOr<Store::Entry> entry = Find(build_id);
  if (!entry.ok()) return ErrorReply(entry.status());
  return MessageReply(200, entry->info, format);
}

Reply Service::Symbolize(const SymbolizeRequest& request,
                         absl::string_view format) {
  if (static_cast<size_t>(request.pcs_size()) > options_.max_pcs) {
    return ErrorReply(absl::ResourceExhaustedError(
        absl::StrCat(request.pcs_size(), " PCs: at most ", options_.max_pcs,
                     " in a request")));
  }
  std::vector<uint64_t> pcs, lookups;
  pcs.reserve(request.pcs_size());
  lookups.reserve(request.pcs_size());
  for (const std::string& text : request.pcs()) {
    std::optional<uint64_t> pc = symtab::ParseHexAddress(text);
    if (!pc) {
      return ErrorReply(absl::InvalidArgumentError(
          absl::StrCat("not a hex address: \"", text.substr(0, 40), "\"")));
    }
    pcs.push_back(*pc);
    // runtime.Callers' return addresses name the call at pc-1.
    lookups.push_back(request.callers() && *pc > 0 ? *pc - 1 : *pc);
  }
  absl::StatusOr<std::shared_ptr<const Opened>> opened =
      Open(request.build_id());
  if (!opened.ok()) return ErrorReply(opened.status());
  const symtab::Symbolizer symbolizer(*(*opened)->binary,
                                      (*opened)->index.get());
  std::vector<symtab::Symbolizer::BatchResult> results;
  std::vector<symtab::SourceFrame> frames;
  symbolizer.SymbolizeBatch(lookups, &results, &frames);
  if (format == "proto") {
    SymbolizeResponse response;
    for (size_t i = 0; i < pcs.size(); ++i) {
      SymbolizedPc* result = response.add_results();
      result->set_pc(pcs[i]);
      if (!results[i].status.ok()) {
        result->set_error(std::string(results[i].status.message()));
        continue;
      }
      for (uint32_t f = 0; f < results[i].count; ++f) {
        ToProto(frames[results[i].first + f], result->add_frames());
      }
    }
    return MessageReply(200, response, format);
  }
  // The SymbolizeResponse's JSON, written directly: each result the CLI's
  // line for its PC.
  Reply reply;
  reply.body = "{\"results\":[";
  for (size_t i = 0; i < pcs.size(); ++i) {
    if (i > 0) reply.body += ',';
    render::AppendSymbolizedPcJson(
        pcs[i], results[i].status,
        absl::MakeConstSpan(frames).subspan(results[i].first, results[i].count),
        &reply.body);
    if (!reply.body.empty() && reply.body.back() == '\n') {
      reply.body.pop_back();
    }
  }
  reply.body += "]}";
  return reply;
}

Reply Service::Core(absl::string_view build_id, const std::string& staged_core,
                    const CoreOptions& options) {
  struct Removed {
    const std::string& path;
    ~Removed() { unlink(path.c_str()); }
  } removed{staged_core};
  constexpr absl::string_view kFormats[] = {"text", "json", "proto", "html",
                                            "pprof"};
  if (std::find(std::begin(kFormats), std::end(kFormats), options.format) ==
      std::end(kFormats)) {
    return ErrorReply(absl::InvalidArgumentError(
        absl::StrCat("format ", options.format,
                     ": the formats are text, json, proto, html and pprof")));
  }
  if (options.group && options.format == "pprof") {
    return ErrorReply(absl::InvalidArgumentError(
        "a pprof profile is not grouped: it has a sample per goroutine"));
  }
  std::string id(build_id);
  if (id.empty()) {
    absl::StatusOr<std::unique_ptr<target::Minidump>> dump =
        target::Minidump::Open(staged_core);
    const target::Minidump::Module* main =
        dump.ok() ? (*dump)->main_module() : nullptr;
    if (main == nullptr || main->build_id.empty()) {
      return ErrorReply(absl::InvalidArgumentError(
          "build_id: needed unless the body is a minidump naming its "
          "executable's build ID"));
    }
    id = main->build_id;
  }
  absl::StatusOr<std::shared_ptr<const Opened>> opened = Open(id);
  if (!opened.ok()) return ErrorReply(opened.status());
  char* bytes = nullptr;
  size_t size = 0;
  std::FILE* memory = open_memstream(&bytes, &size);
  if (memory == nullptr) {
    return ErrorReply(absl::ResourceExhaustedError("no memory for the trace"));
  }
  render::CoreTraceRequest request;
  request.deadline = absl::Now() + options_.work_timeout;
  request.core_path = staged_core;
  request.format = options.format;
  request.defers = options.defers;
  request.native = options.native;
  request.output.group = options.group;
  const absl::Status written =
      render::WriteCoreTrace(*(*opened)->binary, std::move(request), memory);
  std::fclose(memory);
  Reply reply;
  reply.body.assign(bytes, size);
  std::free(bytes);
  // 503, not the 408 of a body that took too long to arrive: the request
  // came whole, the server could not finish its work.
  if (absl::IsDeadlineExceeded(written)) {
    return ErrorReply(absl::UnavailableError(
        absl::StrCat("the trace took longer than ",
                     absl::FormatDuration(options_.work_timeout),
                     " (--work-timeout): ", written.message())));
  }
  if (!written.ok()) return ErrorReply(written);
  reply.content_type = ContentTypeOf(options.format);
  return reply;
}

Reply Service::Capture(absl::string_view build_id, absl::string_view capture,
                       absl::string_view format) {
  absl::StatusOr<std::shared_ptr<const Opened>> opened = Open(build_id);
  if (!opened.ok()) return ErrorReply(opened.status());
  if (::gentrace::Capture written;
      written.ParseFromArray(capture.data(),
                             static_cast<int>(capture.size())) &&
      written.native_frames_size() > 0) {
    return RenderedCapture(**opened, written, capture, format);
  }
  absl::StatusOr<Thread> thread =
      render::UnwindCapture(*(*opened)->binary, capture);
  if (!thread.ok()) return ErrorReply(thread.status());
  if (format == "proto") return MessageReply(200, *thread, format);
  absl::StatusOr<std::string> out = render::ThreadOutput(*thread, format);
  if (!out.ok()) return ErrorReply(out.status());
  Reply reply;
  reply.body = *std::move(out);
  reply.content_type = ContentTypeOf(format);
  return reply;
}

Reply Service::RenderedCapture(const Opened& stored,
                               const ::gentrace::Capture& capture,
                               absl::string_view contents,
                               absl::string_view format) {
  const symtab::Binary& binary = *stored.binary;
  // The module the stored binary is: the one whose frames its pclntab
  // knows. Only that module's file is read; paths of the process that
  // crashed name nothing here.
  const LoadedModule* executable = nullptr;
  for (const LoadedModule& m : capture.modules()) {
    for (const NativeFrameRecord& frame : capture.native_frames()) {
      if (frame.pc() >= m.start() && frame.pc() < m.end() &&
          binary.pclntab().FindFunc(frame.pc() - m.load_bias()).ok()) {
        executable = &m;
      }
    }
  }
  render::RuntimeTextOptions text;
  const Trace trace = render::RenderCapture(
      capture, contents,
      [&](const LoadedModule& m) {
        if (&m != executable) return render::ModuleFiles{};
        return render::ModuleFiles{.path = stored.entry.executable,
                                   .symbols = stored.NativeSymbols(),
                                   .binary = &binary};
      },
      &text);
  absl::StatusOr<std::string> out =
      render::ThreadTraceOutput(trace, format, text);
  if (!out.ok()) return ErrorReply(out.status());
  Reply reply;
  reply.body = *std::move(out);
  reply.content_type = ContentTypeOf(format);
  return reply;
}

Reply Service::CrashText(absl::string_view build_id, absl::string_view text,
                         absl::string_view format) {
  absl::StatusOr<std::shared_ptr<const Opened>> opened = Open(build_id);
  if (!opened.ok()) return ErrorReply(opened.status());
  return MessageReply(200, render::CrashTextTrace((*opened)->CrashText(), text),
                      format);
}

Reply Service::DebuginfodExecutable(absl::string_view build_id,
                                    bool from_replica) {
  absl::StatusOr<Store::Entry> entry = Find(build_id, from_replica);
  if (!entry.ok()) return ErrorReply(entry.status());
  Reply reply;
  reply.content_type = "application/octet-stream";
  reply.file = entry->executable;
  return reply;
}

Reply Service::DebuginfodDebuginfo(absl::string_view build_id,
                                   bool from_replica) {
  if (absl::StatusOr<Store::Entry> entry = Find(build_id, from_replica);
      !entry.ok()) {
    return ErrorReply(entry.status());
  }
  absl::StatusOr<std::shared_ptr<const Opened>> opened = Open(build_id);
  if (!opened.ok()) return ErrorReply(opened.status());
  const symtab::ElfFile& elf = (*opened)->binary->elf();
  if (elf.FindSection(".debug_info") == nullptr &&
      elf.FindSection(".zdebug_info") == nullptr) {
    return ErrorReply(absl::NotFoundError(absl::StrCat(
        "the binary with build ID ", build_id, " holds no DWARF (stripped)")));
  }
  Reply reply;
  reply.content_type = "application/octet-stream";
  reply.file = (*opened)->entry.executable;
  return reply;
}

Reply Service::PprofSymbol(absl::string_view build_id,
                           absl::string_view addresses) {
  absl::StatusOr<std::shared_ptr<const Opened>> opened = Open(build_id);
  if (!opened.ok()) return ErrorReply(opened.status());
  Reply reply;
  reply.content_type = "text/plain; charset=utf-8";
  reply.body = "num_symbols: 1\n";
  std::vector<uint64_t> pcs;
  for (absl::string_view word : absl::StrSplit(addresses, '+')) {
    if (word.empty()) continue;
    std::optional<uint64_t> pc = symtab::ParseHexAddress(word);
    if (!pc) {
      return ErrorReply(absl::InvalidArgumentError(
          absl::StrCat("not a hex address: \"", word.substr(0, 40), "\"")));
    }
    if (pcs.size() == options_.max_pcs) {
      return ErrorReply(absl::ResourceExhaustedError(
          absl::StrCat("at most ", options_.max_pcs, " addresses a request")));
    }
    pcs.push_back(*pc);
  }
  const symtab::Symbolizer symbolizer(*(*opened)->binary,
                                      (*opened)->index.get());
  std::vector<symtab::Symbolizer::BatchResult> results;
  std::vector<symtab::SourceFrame> frames;
  symbolizer.SymbolizeBatch(pcs, &results, &frames);
  for (size_t i = 0; i < pcs.size(); ++i) {
    if (!results[i].status.ok() || results[i].count == 0) continue;
    absl::StrAppend(&reply.body, "0x", absl::Hex(pcs[i]), " ",
                    frames[results[i].first].function, "\n");
  }
  return reply;
}

}  // namespace gentrace::serve
