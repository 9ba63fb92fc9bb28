#include "symtab/symbol_index.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "symtab/byte_writer.h"

namespace gentrace::symtab {
namespace {

constexpr char kMagic[8] = {'G', 'T', 'S', 'Y', 'M', 'I', 'D', 'X'};
constexpr uint64_t kHeaderSize = 64;
constexpr uint32_t kNoChain = 0xffffffff;
constexpr int kBucketShift = 8;  // 256 bytes of text per bucket
// Chains longer than any inline depth the pclntab allows are corrupt.
constexpr uint32_t kMaxChainLength = 1024;

// The header's fields, at these byte offsets.
enum HeaderField : uint64_t {
  kVersionAt = 8,
  kFileSizeAt = 16,
  kChecksumAt = 24,
  kTextBaseAt = 32,
  kBuildIdsSizeAt = 40,
  kStringsSizeAt = 44,
  kFunctionCountAt = 48,
  kFileCountAt = 52,
  kFrameCountAt = 56,
  kRangeCountAt = 60,
  // The bucket count follows from the ranges.
};
constexpr int kSections = 7;
constexpr uint32_t kMaxNameSize = 0xffffff;

uint64_t Aligned(uint64_t size) { return (size + 7) & ~uint64_t{7}; }

uint64_t Get(absl::string_view in, uint64_t at, int size) {
  uint64_t value = 0;
  for (int i = 0; i < size; ++i) {
    value |= uint64_t{static_cast<uint8_t>(in[at + i])} << (8 * i);
  }
  return value;
}

std::string BuildIds(const Binary& binary) {
  return absl::StrCat(binary.go_build_id(), "\n", binary.gnu_build_id());
}

}  // namespace

struct SymbolIndex::Name {
  uint32_t offset;            // into the strings
  uint32_t size_and_func_id;  // size in the low 24 bits; functions' funcID
  int32_t start_line;         // functions' (Go 1.20+); 0 for files
};

// A stretch of text with one answer: where it starts (from the text's
// first PC) and its chain's first frame, side by side so that the search
// that finds it has read its chain too.
struct SymbolIndex::Range {
  uint32_t start;
  uint32_t chain;  // kNoChain where the index does not answer
};

// A frame in one word: its function's and file's names, its line, and
// whether it ends its chain (the physical function; the frames before it in
// the chain are its inlined calls). A frame whose fields do not fit is left
// to the pclntab.
struct SymbolIndex::Frame {
  static constexpr int kFunctionBits = 22;
  static constexpr int kFileBits = 20;
  static constexpr int kLineBits = 21;
  static constexpr int kEndsChainBit = 63;
  static_assert(kFunctionBits + kFileBits + kLineBits <= kEndsChainBit);

  static bool Fits(uint32_t function, uint32_t file, int32_t line) {
    return function >> kFunctionBits == 0 && file >> kFileBits == 0 &&
           line >= 0 && line >> kLineBits == 0;
  }
  static Frame Of(uint32_t function, uint32_t file, int32_t line, bool ends) {
    return {uint64_t{function} | uint64_t{file} << kFunctionBits |
            uint64_t(line) << (kFunctionBits + kFileBits) |
            uint64_t{ends} << kEndsChainBit};
  }
  uint32_t function() const {
    return static_cast<uint32_t>(bits & ((1u << kFunctionBits) - 1));
  }
  uint32_t file() const {
    return static_cast<uint32_t>((bits >> kFunctionBits) &
                                 ((1u << kFileBits) - 1));
  }
  int32_t line() const {
    return static_cast<int32_t>((bits >> (kFunctionBits + kFileBits)) &
                                ((1u << kLineBits) - 1));
  }
  bool ends_chain() const { return (bits >> kEndsChainBit) != 0; }

  uint64_t bits;
};

absl::StatusOr<std::string> SymbolIndex::Build(const Binary& binary) {
  static_assert(sizeof(Frame) == 8 && sizeof(Name) == 12 && sizeof(Range) == 8);
  if (binary.load_bias() != 0) {
    return absl::InvalidArgumentError(
        "an index is built from the binary as linked, not as loaded");
  }
  const Pclntab& table = binary.pclntab();
  std::string strings;
  absl::flat_hash_map<std::string, uint32_t> string_at;
  // Names are (string, funcID, start line) for functions, (string, 0, 0)
  // for files.
  std::vector<Name> functions, files;
  using NameKey = std::tuple<std::string, int, int32_t>;
  absl::flat_hash_map<NameKey, uint32_t> function_at, file_at;
  absl::Status failure;
  auto name = [&](absl::string_view text, int func_id, int32_t start_line,
                  std::vector<Name>* names,
                  absl::flat_hash_map<NameKey, uint32_t>* name_at) -> uint32_t {
    auto [it, added] =
        name_at->try_emplace(NameKey(std::string(text), func_id, start_line),
                             static_cast<uint32_t>(names->size()));
    if (!added) return it->second;
    auto [at, new_string] = string_at.try_emplace(
        std::string(text), static_cast<uint32_t>(strings.size()));
    if (new_string) strings.append(text.data(), text.size());
    if (strings.size() > UINT32_MAX || text.size() > kMaxNameSize) {
      failure = absl::ResourceExhaustedError("names too long for an index");
    }
    names->push_back({at->second,
                      static_cast<uint32_t>(text.size()) |
                          static_cast<uint32_t>(func_id) << 24,
                      start_line});
    return it->second;
  };
  std::vector<Frame> frames;
  // Chains by their frames, so each distinct chain is stored once.
  absl::flat_hash_map<std::string, uint32_t> chain_at;
  std::vector<uint64_t> starts;
  std::vector<uint32_t> chains;
  auto add_range = [&](uint64_t start, uint32_t chain) {
    if (!starts.empty() && starts.back() == start) {
      chains.back() = chain;  // an empty range before this one
    } else if (chains.empty() || chains.back() != chain) {
      starts.push_back(start);
      chains.push_back(chain);
    }
  };

  std::vector<SourceFrame> answer;
  std::vector<Frame> chain;
  for (uint32_t i = 0; i < table.num_funcs() && failure.ok(); ++i) {
    absl::StatusOr<Func> func = table.FuncAt(i);
    if (!func.ok()) continue;  // a gap between text sections: not covered
    add_range(func->entry(), kNoChain);
    // A function whose tables do not decode is left to the pclntab.
    (void)table.ForEachRun(*func, [&](uint64_t start, uint64_t /*end*/) {
      answer.clear();
      if (!binary.Symbolize(start, &answer).ok() || answer.empty()) {
        add_range(start, kNoChain);
        return;
      }
      chain.clear();
      for (size_t k = 0; k < answer.size(); ++k) {
        const SourceFrame& f = answer[k];
        const bool last = k + 1 == answer.size();
        // Every frame but the physical function's is an inlined call.
        if (f.inlined == last) {
          add_range(start, kNoChain);
          return;
        }
        const uint32_t function = name(f.function, static_cast<int>(f.func_id),
                                       f.start_line, &functions, &function_at);
        const uint32_t file = name(f.file, 0, 0, &files, &file_at);
        if (!Frame::Fits(function, file, f.line)) {
          add_range(start, kNoChain);
          return;
        }
        chain.push_back(Frame::Of(function, file, f.line, last));
      }
      const std::string key(reinterpret_cast<const char*>(chain.data()),
                            chain.size() * sizeof(Frame));
      auto [it, added] =
          chain_at.try_emplace(key, static_cast<uint32_t>(frames.size()));
      if (added) frames.insert(frames.end(), chain.begin(), chain.end());
      add_range(start, it->second);
    });
    add_range(func->end(), kNoChain);
  }
  if (!failure.ok()) return failure;
  if (starts.size() < 2) return absl::NotFoundError("no Go function to index");
  const uint64_t base = starts.front();
  if (starts.back() - base > UINT32_MAX || frames.size() >= kNoChain) {
    return absl::ResourceExhaustedError("too much text for one index");
  }
  // The last range ends the text: a sentinel, with no chain.
  const uint32_t range_count = static_cast<uint32_t>(starts.size() - 1);
  std::vector<Range> ranges(starts.size());
  for (size_t r = 0; r < starts.size(); ++r) {
    ranges[r] = {static_cast<uint32_t>(starts[r] - base), chains[r]};
  }
  const uint64_t bucket_count = (ranges.back().start >> kBucketShift) + 1;
  std::vector<uint32_t> buckets(bucket_count + 1);
  for (uint64_t b = 0, r = 0; b <= bucket_count; ++b) {
    while (r + 1 < range_count && ranges[r + 1].start <= (b << kBucketShift)) {
      ++r;
    }
    buckets[b] = static_cast<uint32_t>(r);
  }

  const std::string ids = BuildIds(binary);
  const std::pair<const void*, uint64_t> sections[kSections] = {
      {ids.data(), ids.size()},
      {strings.data(), strings.size()},
      {functions.data(), functions.size() * sizeof(Name)},
      {files.data(), files.size() * sizeof(Name)},
      {frames.data(), frames.size() * sizeof(Frame)},
      {ranges.data(), ranges.size() * sizeof(Range)},
      {buckets.data(), buckets.size() * sizeof(uint32_t)}};
  uint64_t total = kHeaderSize;
  for (const auto& section : sections) total += Aligned(section.second);
  std::string out(total, '\0');
  uint64_t at = kHeaderSize;
  for (const auto& [data, size] : sections) {
    if (size != 0) std::memcpy(out.data() + at, data, size);
    at += Aligned(size);
  }
  std::memcpy(out.data(), kMagic, sizeof(kMagic));
  WriteLittleEndian(out, kVersionAt, kVersion, 4);
  WriteLittleEndian(out, kFileSizeAt, total, 8);
  WriteLittleEndian(out, kTextBaseAt, base, 8);
  WriteLittleEndian(out, kBuildIdsSizeAt, ids.size(), 4);
  WriteLittleEndian(out, kStringsSizeAt, strings.size(), 4);
  WriteLittleEndian(out, kFunctionCountAt, functions.size(), 4);
  WriteLittleEndian(out, kFileCountAt, files.size(), 4);
  WriteLittleEndian(out, kFrameCountAt, frames.size(), 4);
  WriteLittleEndian(out, kRangeCountAt, range_count, 4);
  WriteLittleEndian(out, kChecksumAt,
                    Checksum(absl::string_view(out).substr(kHeaderSize)), 8);
  return out;
}

uint64_t SymbolIndex::Checksum(absl::string_view bytes) {
  // xxHash64's round in four lanes, eight bytes at a time: the lanes'
  // multiplications do not wait for each other. Opening reads the whole
  // index through this; byte-at-a-time FNV-1a took 5 ms of a 3 MB index.
  constexpr uint64_t kPrime1 = 0x9e3779b185ebca87;
  constexpr uint64_t kPrime2 = 0xc2b2ae3d27d4eb4f;
  auto round = [](uint64_t lane, uint64_t word) {
    return std::rotl(lane + word * kPrime2, 31) * kPrime1;
  };
  uint64_t lanes[4] = {kPrime1 + kPrime2, kPrime2, 0, 0 - kPrime1};
  size_t at = 0;
  for (; bytes.size() - at >= sizeof(lanes); at += sizeof(lanes)) {
    for (size_t i = 0; i < 4; ++i) {
      uint64_t word;
      std::memcpy(&word, bytes.data() + at + sizeof(word) * i, sizeof(word));
      lanes[i] = round(lanes[i], word);
    }
  }
  uint64_t hash = bytes.size();
  for (const uint64_t lane : lanes) hash = round(hash, lane);
  for (; at < bytes.size(); ++at) {
    hash = round(hash, static_cast<uint8_t>(bytes[at]));
  }
  hash ^= hash >> 33;
  hash *= kPrime2;
  hash ^= hash >> 29;
  return hash;
}

absl::StatusOr<std::unique_ptr<SymbolIndex>> SymbolIndex::Open(
    absl::string_view path, const Binary& binary) {
  absl::StatusOr<std::unique_ptr<MappedFile>> file = MappedFile::Open(path);
  if (!file.ok()) return file.status();
  absl::StatusOr<std::unique_ptr<SymbolIndex>> index =
      FromFile(*std::move(file), binary);
  if (!index.ok()) {
    return absl::Status(index.status().code(),
                        absl::StrCat(path, ": ", index.status().message()));
  }
  return index;
}

absl::StatusOr<std::unique_ptr<SymbolIndex>> SymbolIndex::FromBytes(
    std::string bytes, const Binary& binary) {
  return FromFile(MappedFile::FromBytes(std::move(bytes)), binary);
}

absl::StatusOr<std::unique_ptr<SymbolIndex>> SymbolIndex::FromFile(
    std::unique_ptr<MappedFile> file, const Binary& binary) {
  auto index = std::unique_ptr<SymbolIndex>(new SymbolIndex());
  index->file_ = std::move(file);
  if (absl::Status checked = index->Check(binary); !checked.ok()) {
    return checked;
  }
  return index;
}

absl::Status SymbolIndex::Check(const Binary& binary) {
  if constexpr (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__) {
    return absl::UnimplementedError("symbol indexes need a little-endian host");
  }
  const absl::Span<const uint8_t> raw = file_->bytes();
  const absl::string_view in(reinterpret_cast<const char*>(raw.data()),
                             raw.size());
  auto corrupt = [](absl::string_view why) {
    return absl::DataLossError(absl::StrCat("corrupt symbol index: ", why));
  };
  if (in.size() < kHeaderSize || std::memcmp(in.data(), kMagic, 8) != 0) {
    return corrupt("not a gentrace symbol index");
  }
  if (Get(in, kVersionAt, 4) != kVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "symbol index version ", Get(in, kVersionAt, 4),
        ", this gentrace reads version ", kVersion, " (build it again)"));
  }
  if (Get(in, kFileSizeAt, 8) != in.size()) return corrupt("truncated");
  if (reinterpret_cast<uintptr_t>(in.data()) % 8 != 0) {
    return corrupt("misaligned in memory");
  }
  if (Get(in, kChecksumAt, 8) != Checksum(in.substr(kHeaderSize))) {
    return corrupt("checksum mismatch");
  }
  const uint64_t ids_size = Get(in, kBuildIdsSizeAt, 4);
  const uint64_t strings_size = Get(in, kStringsSizeAt, 4);
  text_base_ = Get(in, kTextBaseAt, 8);
  function_count_ = static_cast<uint32_t>(Get(in, kFunctionCountAt, 4));
  file_count_ = static_cast<uint32_t>(Get(in, kFileCountAt, 4));
  frame_count_ = static_cast<uint32_t>(Get(in, kFrameCountAt, 4));
  range_count_ = static_cast<uint32_t>(Get(in, kRangeCountAt, 4));
  if (range_count_ == 0) return corrupt("no ranges");
  // The ranges come before the bucket count can be known: the sections are
  // laid out up to them first.
  uint64_t sizes[kSections] = {ids_size,
                               strings_size,
                               uint64_t{function_count_} * sizeof(Name),
                               uint64_t{file_count_} * sizeof(Name),
                               uint64_t{frame_count_} * sizeof(Frame),
                               (uint64_t{range_count_} + 1) * sizeof(Range),
                               0};
  uint64_t offsets[kSections];
  uint64_t at = kHeaderSize;
  for (int i = 0; i < kSections; ++i) {
    offsets[i] = at;
    at += Aligned(sizes[i]);
    // Every size is a u32 count times a small record: no sum overflows.
    if (at > in.size()) return corrupt("sections pass the end of the file");
  }
  ranges_ = reinterpret_cast<const Range*>(in.data() + offsets[5]);
  text_size_ = ranges_[range_count_].start;
  bucket_count_ = static_cast<uint32_t>((text_size_ >> kBucketShift) + 1);
  sizes[6] = (uint64_t{bucket_count_} + 1) * sizeof(uint32_t);
  if (offsets[6] + Aligned(sizes[6]) != in.size()) {
    return corrupt("section sizes do not add up");
  }
  if (in.substr(offsets[0], ids_size) != BuildIds(binary)) {
    return absl::FailedPreconditionError(
        "stale symbol index: it was built for another build of the binary");
  }
  strings_ = in.substr(offsets[1], strings_size);
  functions_ = reinterpret_cast<const Name*>(in.data() + offsets[2]);
  files_ = reinterpret_cast<const Name*>(in.data() + offsets[3]);
  frames_ = reinterpret_cast<const Frame*>(in.data() + offsets[4]);
  buckets_ = reinterpret_cast<const uint32_t*>(in.data() + offsets[6]);

  // Checked once here, so that lookups need not be.
  for (const auto& [names, count] : {std::pair{functions_, function_count_},
                                     std::pair{files_, file_count_}}) {
    for (uint32_t i = 0; i < count; ++i) {
      if (uint64_t{names[i].offset} +
                  (names[i].size_and_func_id & kMaxNameSize) >
              strings_size ||
          (names[i].size_and_func_id >> 24) >
              static_cast<uint32_t>(FuncId::kUnknown)) {
        return corrupt(absl::StrCat("name ", i, " is out of range"));
      }
    }
  }
  uint32_t chain_length = 0;
  for (uint32_t i = 0; i < frame_count_; ++i) {
    const Frame& f = frames_[i];
    if (f.function() >= function_count_ || f.file() >= file_count_) {
      return corrupt(absl::StrCat("frame ", i, " is out of range"));
    }
    chain_length = f.ends_chain() ? 0 : chain_length + 1;
    if (chain_length >= kMaxChainLength) {
      return corrupt(absl::StrCat("frame ", i, " ends no chain"));
    }
  }
  if (frame_count_ != 0 && !frames_[frame_count_ - 1].ends_chain()) {
    return corrupt("the last chain does not end");
  }
  for (uint32_t r = 0; r < range_count_; ++r) {
    if (ranges_[r].start >= ranges_[r + 1].start) {
      return corrupt(absl::StrCat("range ", r, " is empty or out of order"));
    }
    const uint32_t chain = ranges_[r].chain;
    if (chain != kNoChain &&
        (chain >= frame_count_ ||
         (chain > 0 && !frames_[chain - 1].ends_chain()))) {
      return corrupt(absl::StrCat("range ", r, " names no chain"));
    }
  }
  for (uint32_t b = 0; b <= bucket_count_; ++b) {
    if (buckets_[b] >= range_count_ ||
        (b > 0 && buckets_[b] < buckets_[b - 1]) ||
        ranges_[buckets_[b]].start > (uint64_t{b} << kBucketShift)) {
      return corrupt(absl::StrCat("bucket ", b, " is out of range"));
    }
  }
  return absl::OkStatus();
}

uint32_t SymbolIndex::ChainAt(uint32_t offset) const {
  const uint32_t bucket = offset >> kBucketShift;
  // The range holding offset is this bucket's first range or one after it,
  // up to the next bucket's first; the search is branch-free, since which
  // way it goes cannot be predicted.
  const Range* found = ranges_ + buckets_[bucket];
  for (uint32_t n = buckets_[bucket + 1] - buckets_[bucket] + 1; n > 1;) {
    const uint32_t half = n / 2;
    found = found[half].start <= offset ? found + half : found;
    n -= half;
  }
  return found->chain;
}

bool SymbolIndex::Symbolize(uint64_t pc,
                            std::vector<SourceFrame>* frames) const {
  if (!Covers(pc)) return false;
  const uint32_t chain = ChainAt(static_cast<uint32_t>(pc - text_base_));
  if (chain == kNoChain) return false;
  AppendChain(chain, frames);
  return true;
}

void SymbolIndex::FindChains(absl::Span<const uint64_t> pcs, uint64_t bias,
                             absl::Span<uint32_t> chains) const {
  static_assert(kNoAnswer == kNoChain);
  auto offset = [&](size_t i) {
    return static_cast<uint32_t>(pcs[i] - bias - text_base_);
  };
  // First each PC's bucket, then the ranges it names (the first, middle and
  // last that its search may read), then the search, which starts reading
  // the found chain.
  for (size_t i = 0; i < pcs.size(); ++i) {
    if (Covers(pcs[i] - bias)) {
      __builtin_prefetch(buckets_ + (offset(i) >> kBucketShift));
    }
  }
  for (size_t i = 0; i < pcs.size(); ++i) {
    if (!Covers(pcs[i] - bias)) continue;
    const uint32_t* bucket = buckets_ + (offset(i) >> kBucketShift);
    const Range* first = ranges_ + bucket[0];
    const Range* last = ranges_ + bucket[1];
    __builtin_prefetch(first);
    __builtin_prefetch(first + (last - first) / 2);
    __builtin_prefetch(last);
  }
  for (size_t i = 0; i < pcs.size(); ++i) {
    chains[i] = Covers(pcs[i] - bias) ? ChainAt(offset(i)) : kNoChain;
    if (chains[i] != kNoChain) __builtin_prefetch(frames_ + chains[i]);
  }
}

void SymbolIndex::PrefetchNames(uint32_t chain) const {
  for (const Frame* f = frames_ + chain;; ++f) {
    __builtin_prefetch(functions_ + f->function());
    __builtin_prefetch(files_ + f->file());
    if (f->ends_chain()) return;
  }
}

void SymbolIndex::AppendChain(uint32_t chain,
                              std::vector<SourceFrame>* frames) const {
  for (const Frame* f = frames_ + chain;; ++f) {
    const Name& function = functions_[f->function()];
    const Name& file = files_[f->file()];
    const bool ends = f->ends_chain();
    frames->push_back(
        {strings_.substr(function.offset,
                         function.size_and_func_id & kMaxNameSize),
         strings_.substr(file.offset, file.size_and_func_id & kMaxNameSize),
         f->line(), !ends, static_cast<FuncId>(function.size_and_func_id >> 24),
         function.start_line});
    if (ends) return;
  }
}

}  // namespace gentrace::symtab
