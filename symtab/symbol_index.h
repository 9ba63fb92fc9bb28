#ifndef GENTRACE_SYMTAB_SYMBOL_INDEX_H_
#define GENTRACE_SYMTAB_SYMBOL_INDEX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "symtab/binary.h"
#include "symtab/mapped_file.h"
#include "symtab/pclntab.h"

namespace gentrace::symtab {

// A binary's symbolization answers laid out for lookup without decoding
// (the idea of Sentry's SymCache and of gsym): every stretch of Go text
// whose answer is one chain of frames (inlined calls, then the physical
// function), sorted by PC, with the chains' frames and one table of
// deduplicated strings. Built once per binary from its pclntab, written to a
// file, mapped read-only and checked as a whole when opened, so lookups read
// it unchecked.
//
// The index answers exactly what Binary::Symbolize answers, for the PCs it
// covers; the rest (outside Go text, corrupt records, lines or name counts
// too large for its frames) it leaves to the pclntab, the reference, which
// also makes each error's message.
//
// File format (little-endian, version 3): a 64-byte header (magic
// "GTSYMIDX", version, file size, Checksum of everything after the header, the text's first PC, the sizes of the sections below), then, each
// 8-byte aligned: the binary's Go and GNU build IDs; the strings; the
// function names (offset and size into the strings, with the funcID and the
// start line) and the file names; the frames (8 bytes: 22 bits of function,
// 20 of file, 21 of line and a bit for "ends its chain"; the frames before a
// chain's end are its inlined calls); the ranges (u32 start as an offset from
// the text's first PC, ascending, and u32 chain: its first frame, or 0xffffffff
// where the index does not answer; a last one ends the text); and the first
// range of each 256 bytes of text.
//
// Thread-safe. Not async-signal-safe.
class SymbolIndex {
 public:
  static constexpr uint32_t kVersion = 3;

  // The checksum an index's header holds of the bytes after the header.
  static uint64_t Checksum(absl::string_view bytes);

  // The index file's bytes for `binary`, as linked (load bias 0).
  static absl::StatusOr<std::string> Build(const Binary& binary);

  // Maps the index at `path` and checks it whole: its format, checksum and
  // bounds, and that it was built for `binary` (the same build IDs).
  // FailedPreconditionError for an index of another build (stale),
  // DataLossError for a corrupt one.
  static absl::StatusOr<std::unique_ptr<SymbolIndex>> Open(
      absl::string_view path, const Binary& binary);
  // The same over bytes held in memory.
  static absl::StatusOr<std::unique_ptr<SymbolIndex>> FromBytes(
      std::string bytes, const Binary& binary);

  // Appends the frames at `pc` (a link address) as Binary::Symbolize does
  // and returns true; false, appending nothing, where the index does not
  // answer.
  bool Symbolize(uint64_t pc, std::vector<SourceFrame>* frames) const;

  // Many lookups at once, in steps: each step's reads are started for every
  // PC before the next step reads any, so the PCs' memory latencies overlap
  // instead of adding up (a random PC's lookup is a few dependent cache
  // misses). `chains[i]` gets the chain answering `pcs[i] - bias` (a link
  // address), or kNoAnswer where the index does not answer; PrefetchNames
  // and then AppendChain make a found chain's frames.
  static constexpr uint32_t kNoAnswer = 0xffffffff;
  void FindChains(absl::Span<const uint64_t> pcs, uint64_t bias,
                  absl::Span<uint32_t> chains) const;
  // Starts reading the names of a found chain's frames.
  void PrefetchNames(uint32_t chain) const;
  // Appends a found chain's frames, as Symbolize does.
  void AppendChain(uint32_t chain, std::vector<SourceFrame>* frames) const;

  // How many PC ranges and frames (of distinct chains) it holds.
  uint32_t range_count() const { return range_count_; }
  uint32_t frame_count() const { return frame_count_; }

 private:
  struct Name;
  struct Frame;
  struct Range;
  SymbolIndex() = default;
  static absl::StatusOr<std::unique_ptr<SymbolIndex>> FromFile(
      std::unique_ptr<MappedFile> file, const Binary& binary);
  absl::Status Check(const Binary& binary);
  // Whether `pc` is in the indexed text, and its offset there.
  bool Covers(uint64_t pc) const {
    return pc >= text_base_ && pc - text_base_ < text_size_;
  }
  // The chain of the range holding `offset` (one Covers).
  uint32_t ChainAt(uint32_t offset) const;

  std::unique_ptr<MappedFile> file_;
  absl::string_view strings_;
  const Name* functions_ = nullptr;
  uint32_t function_count_ = 0;
  const Name* files_ = nullptr;
  uint32_t file_count_ = 0;
  const Frame* frames_ = nullptr;
  uint32_t frame_count_ = 0;
  uint64_t text_base_ = 0;
  uint64_t text_size_ = 0;         // the last range's start: the text's end
  const Range* ranges_ = nullptr;  // range_count_ and the text's end
  uint32_t range_count_ = 0;
  const uint32_t* buckets_ = nullptr;  // bucket_count_ + 1 of them
  uint32_t bucket_count_ = 0;
};

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_SYMBOL_INDEX_H_
