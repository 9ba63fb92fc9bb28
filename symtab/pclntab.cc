#include "symtab/pclntab.h"

#include <algorithm>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "symtab/per_thread_cache.h"

namespace gentrace::symtab {
namespace {

// A real inline chain is a few levels deep; the bound only stops a corrupt
// tree whose parent links form a cycle.
constexpr int kMaxInlineDepth = 256;
constexpr uint32_t kNoFuncData = 0xFFFFFFFF;
// Text covered by one bucket of the PC -> function index, as in the
// runtime's findfunctab; and caps on the index: 4 MiB of slots (4 GiB of
// text), and a few buckets per function, since Go's functions average well
// under a bucket each and a small corrupt table claiming gigabytes of text
// must not cost a large index.
constexpr uint64_t kBucketSize = 4096;
constexpr uint64_t kMaxBuckets = uint64_t{1} << 20;
constexpr uint64_t kMaxBucketsPerFunc = 4;
// No real function inlines a million calls; a larger tree index is corrupt.
constexpr size_t kMaxInlineTreeSize = size_t{1} << 20;
constexpr int32_t kCorruptInlineIndex = -2;
// A function's rows are bucketed per 256 bytes of code.
constexpr int kRowBucketShift = 8;
// Per-thread PC caches: for symbolization 16384 slots of 32 bytes, for
// unwinding 4096 of 24.
constexpr int kPcCacheBits = 14;
constexpr int kFrameCacheBits = 12;

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("corrupt pclntab: ", what));
}

std::atomic<uint64_t> next_table_id{1};

}  // namespace

// A per-thread, direct-mapped map from PC to where SymbolizePc found it.
// Entries point into line indexes, which live as long as their table; the
// table id keeps a destroyed table's entries from matching a new table.
struct Pclntab::PcCacheSlot {
  uint64_t table_id = 0;
  uint64_t pc = 0;
  const LineIndex* index = nullptr;
  const LineIndex::Row* row = nullptr;
};

// The same for FrameAt: frame facts live as long as their table.
struct Pclntab::FrameCacheSlot {
  uint64_t table_id = 0;
  uint64_t pc = 0;
  const FrameFacts* facts = nullptr;
  int32_t sp_delta = 0;
};

absl::StatusOr<std::unique_ptr<Pclntab>> Pclntab::Parse(ByteReader data,
                                                        Options options) {
  auto table = std::unique_ptr<Pclntab>(new Pclntab());
  table->id_ = next_table_id.fetch_add(1, std::memory_order_relaxed);
  table->data_ = data;
  table->go_version_ = options.go_version;
  table->memory_ = options.memory;
  table->resolve_gofunc_ = std::move(options.resolve_gofunc);
  if (!data.Contains(0, 16)) {
    return absl::InvalidArgumentError("pclntab: shorter than its header");
  }
  const uint32_t magic = *data.U32(0);
  std::optional<PclntabFormat> format = PclntabFormatFromMagic(magic);
  if (!format) {
    return absl::InvalidArgumentError(
        absl::StrCat("pclntab: unknown magic 0x", absl::Hex(magic)));
  }
  const uint8_t quantum = *data.U8(6);
  const uint8_t ptr_size = *data.U8(7);
  if (*data.U8(4) != 0 || *data.U8(5) != 0 ||
      (quantum != 1 && quantum != 2 && quantum != 4) ||
      (ptr_size != 4 && ptr_size != 8)) {
    return absl::InvalidArgumentError("pclntab: bad header bytes");
  }
  table->quantum_ = quantum;
  table->ptr_size_ = ptr_size;
  table->layout_ = LayoutFor(*format, options.go_version, ptr_size);
  if (absl::Status s = table->ParseHeader(magic); !s.ok()) return s;
  if (options.text_start &&
      (*format == PclntabFormat::kGo118 || *format == PclntabFormat::kGo120)) {
    table->text_start_ = *options.text_start;
  }
  table->load_bias_ = options.load_bias;
  table->text_start_ += options.load_bias;
  auto min_pc = table->FunctabEntry(0);
  auto max_pc = table->FunctabEntry(table->nfunc_);
  if (!min_pc || !max_pc) return Corrupt("function table is truncated");
  table->min_pc_ = *min_pc;
  table->max_pc_ = *max_pc;
  if (table->nfunc_ == 0 || table->min_pc_ > table->max_pc_) {
    return Corrupt("function table is empty or unsorted");
  }
  table->frame_facts_.set_size(table->nfunc_);
  table->line_indexes_.set_size(table->nfunc_);
  return table;
}

absl::Status Pclntab::ParseHeader(uint32_t magic) {
  const int p = ptr_size_;
  auto word = [&](int i) {
    return data_.Word(8 + static_cast<uint64_t>(i) * p, p);
  };
  auto nfunc = word(0);
  if (!nfunc) return Corrupt("truncated header");
  if (*nfunc > (uint64_t{1} << 31)) {
    return Corrupt("implausible function count");
  }
  nfunc_ = static_cast<uint32_t>(*nfunc);

  if (layout_.format == PclntabFormat::kGo12) {
    // One flat table: every offset is from its start.
    functab_entry_size_ = 2 * p;
    const uint64_t functab = 8 + static_cast<uint64_t>(p);
    const uint64_t end_word =
        functab + static_cast<uint64_t>(nfunc_) * functab_entry_size_;
    auto filetab_offset = data_.U32(end_word + p);
    if (!filetab_offset) return Corrupt("function table runs past the end");
    auto filetab = data_.Tail(*filetab_offset);
    auto functab_region = data_.Tail(functab);
    if (!filetab || !functab_region) return Corrupt("file table offset");
    filetab_ = *filetab;
    funcnametab_ = data_;
    pctab_ = data_;
    // Function records are addressed from the table start, so the functab
    // is read at `functab` inside the whole table.
    pclntable_ = data_;
    functab_base_ = functab;
    return absl::OkStatus();
  }

  // 1.16+: a header of offsets to sub-tables laid out in this order.
  const bool has_text_start = layout_.format != PclntabFormat::kGo116;
  const int first = has_text_start ? 3 : 2;
  uint64_t offsets[5];
  for (int i = 0; i < 5; ++i) {
    auto w = word(first + i);
    if (!w) return Corrupt("truncated header");
    offsets[i] = *w;
  }
  if (has_text_start) text_start_ = *word(2);
  const uint64_t header_end = 8 + static_cast<uint64_t>(first + 5) * p;
  for (int i = 0; i < 5; ++i) {
    const uint64_t next = i + 1 < 5 ? offsets[i + 1] : data_.size();
    if (offsets[i] < header_end || offsets[i] > next || next > data_.size()) {
      return Corrupt(absl::StrCat("sub-table ", i,
                                  " offset out of order or "
                                  "out of bounds"));
    }
  }
  funcnametab_ = *data_.Sub(offsets[0], offsets[1] - offsets[0]);
  cutab_ = *data_.Sub(offsets[1], offsets[2] - offsets[1]);
  filetab_ = *data_.Sub(offsets[2], offsets[3] - offsets[2]);
  pctab_ = *data_.Sub(offsets[3], offsets[4] - offsets[3]);
  pclntable_ = *data_.Tail(offsets[4]);
  functab_base_ = 0;
  functab_entry_size_ = has_text_start ? 8 : 2 * p;
  (void)magic;
  return absl::OkStatus();
}

std::optional<uint64_t> Pclntab::FunctabEntry(uint32_t index) const {
  const uint64_t at =
      functab_base_ + static_cast<uint64_t>(index) * functab_entry_size_;
  if (functab_entry_size_ == 8 && layout_.funcdata_are_offsets) {
    auto off = pclntable_.U32(at);
    if (!off) return std::nullopt;
    return text_start_ + *off;
  }
  std::optional<uint64_t> entry = pclntable_.Word(at, ptr_size_);
  if (!entry) return std::nullopt;
  return *entry + load_bias_;
}

std::optional<uint64_t> Pclntab::FunctabFuncOffset(uint32_t index) const {
  const uint64_t at =
      functab_base_ + static_cast<uint64_t>(index) * functab_entry_size_;
  if (layout_.funcdata_are_offsets) return pclntable_.U32(at + 4);
  return pclntable_.Word(at + ptr_size_, ptr_size_);
}

void Pclntab::BuildLookupIndex() const {
  // Parse read the end entry, so every entry before it is inside the table.
  entries_.resize(uint64_t{nfunc_} + 1);
  for (uint32_t i = 0; i <= nfunc_; ++i) entries_[i] = *FunctabEntry(i);
  const uint64_t buckets = (max_pc_ - min_pc_) / kBucketSize + 1;
  // Past either cap, FuncIndexFor searches the whole table.
  if (buckets > kMaxBuckets ||
      buckets > kMaxBucketsPerFunc * (uint64_t{nfunc_} + 1)) {
    return;
  }
  bucket_first_.assign(buckets + 1, 0);
  uint32_t func = 0;
  for (uint64_t b = 0; b <= buckets; ++b) {
    const uint64_t bucket_start = min_pc_ + b * kBucketSize;
    // Last function whose entry is <= the bucket start.
    while (func + 1 < nfunc_ && entries_[func + 1] <= bucket_start) ++func;
    bucket_first_[b] = func;
  }
}

uint32_t Pclntab::FuncIndexFor(uint64_t pc) const {
  if (!lookup_ready_.load(std::memory_order_acquire)) {
    std::call_once(lookup_once_, [this] {
      BuildLookupIndex();
      lookup_ready_.store(true, std::memory_order_release);
    });
  }
  auto lo = entries_.begin();
  auto hi = entries_.begin() + nfunc_;
  if (!bucket_first_.empty()) {
    const uint64_t b = (pc - min_pc_) / kBucketSize;
    lo = entries_.begin() + bucket_first_[b];
    hi = entries_.begin() + std::min(nfunc_, bucket_first_[b + 1] + 1);
  }
  // Largest index in [lo, hi) whose entry is <= pc. A corrupt, unsorted
  // table yields some index; MakeFunc then checks its record.
  auto it = std::upper_bound(lo, hi, pc);
  return it == lo ? static_cast<uint32_t>(lo - entries_.begin())
                  : static_cast<uint32_t>(it - entries_.begin() - 1);
}

absl::StatusOr<Func> Pclntab::FindFunc(uint64_t pc) const {
  if (pc < min_pc_ || pc >= max_pc_) {
    return absl::NotFoundError(
        absl::StrCat("pc 0x", absl::Hex(pc), " is outside Go text"));
  }
  return MakeFunc(FuncIndexFor(pc));
}

absl::StatusOr<Func> Pclntab::FuncAt(uint32_t index) const {
  if (index >= nfunc_) {
    return absl::OutOfRangeError(absl::StrCat("no function #", index));
  }
  return MakeFunc(index);
}

absl::StatusOr<Func> Pclntab::MakeFunc(uint32_t index) const {
  auto entry = FunctabEntry(index);
  auto end = FunctabEntry(index + 1);
  auto func_offset = FunctabFuncOffset(index);
  if (!entry || !end || !func_offset) {
    return Corrupt("function table is truncated");
  }
  const uint64_t hole = ptr_size_ == 8 ? ~uint64_t{0} : 0xFFFFFFFFu;
  if (!layout_.funcdata_are_offsets && *func_offset == hole) {
    return absl::NotFoundError(absl::StrCat(
        "pc 0x", absl::Hex(*entry), " is in a gap between text sections"));
  }
  const FuncRecordLayout& f = layout_.func;
  auto fixed = pclntable_.Sub(*func_offset, f.fixed_size);
  if (!fixed) {
    return Corrupt(
        absl::StrCat("record of function #", index, " lies outside the table"));
  }
  uint64_t record_entry = f.entry_size == 4
                              ? text_start_ + *fixed->U32(0)
                              : *fixed->Word(0, ptr_size_) + load_bias_;
  if (record_entry != *entry) {
    return Corrupt(absl::StrCat("record of function #", index,
                                " does not match the function table"));
  }
  const uint64_t npcdata = *fixed->U32(f.npcdata);
  const uint64_t nfuncdata = f.nfuncdata_size == 1 ? *fixed->U8(f.nfuncdata)
                                                   : *fixed->U32(f.nfuncdata);
  uint64_t size = f.fixed_size + npcdata * 4;
  if (layout_.funcdata_are_offsets) {
    size += nfuncdata * 4;
  } else {
    if (ptr_size_ == 8 && (size & 4)) size += 4;
    size += nfuncdata * ptr_size_;
  }
  auto record = pclntable_.Sub(*func_offset, size);
  if (!record) {
    return Corrupt(absl::StrCat("data arrays of function #", index,
                                " run past the table"));
  }
  return Func(this, *record, *entry, std::max(*entry, *end), index);
}

absl::StatusOr<absl::string_view> Pclntab::FuncName(
    uint32_t name_offset) const {
  auto name = funcnametab_.CString(name_offset);
  if (!name) return Corrupt("function name offset out of bounds");
  return *name;
}

absl::StatusOr<absl::string_view> Pclntab::FileName(const Func& func,
                                                    int32_t file_index) const {
  if (file_index < 0) return Corrupt("negative file number");
  std::optional<uint32_t> offset;
  if (layout_.func.cu_offset < 0) {
    // 1.2-1.15: one global table; element 0 is the count.
    auto count = filetab_.U32(0);
    if (!count || file_index == 0 ||
        static_cast<uint32_t>(file_index) >= *count) {
      return Corrupt(absl::StrCat("file number ", file_index, " out of range"));
    }
    offset = filetab_.U32(static_cast<uint64_t>(file_index) * 4);
    if (!offset) return Corrupt("file table truncated");
    auto name = data_.CString(*offset);
    if (!name) return Corrupt("file name offset out of bounds");
    return *name;
  }
  // 1.16+: file numbers are local to the compilation unit.
  const uint64_t slot =
      static_cast<uint64_t>(func.Field32(layout_.func.cu_offset)) + file_index;
  offset = cutab_.U32(slot * 4);
  if (!offset || *offset == 0xFFFFFFFF) {
    return Corrupt(absl::StrCat("file number ", file_index,
                                " not in its compilation unit"));
  }
  auto name = filetab_.CString(*offset);
  if (!name) return Corrupt("file name offset out of bounds");
  return *name;
}

std::optional<uint64_t> Pclntab::GoFunc() const {
  std::call_once(gofunc_once_, [this] {
    if (resolve_gofunc_) gofunc_ = resolve_gofunc_();
  });
  return gofunc_;
}

const FuncIdTable* Pclntab::func_id_table() const {
  if (layout_.func_ids != nullptr || layout_.func_ids_by_name) {
    return layout_.func_ids;
  }
  std::call_once(calibrate_once_, [this] { Calibrate(); });
  return calibrated_ids_;
}

// Picks the funcID table of the format's family that best agrees with the
// IDs the binary gives its well-known runtime functions.
void Pclntab::Calibrate() const {
  if (layout_.func.func_id < 0) return;
  auto [first, last] = MinorRange(layout_.format);
  std::vector<const FuncIdTable*> candidates;
  for (int minor = first; minor <= std::min(last, 40); ++minor) {
    const FuncIdTable* t = FuncIdTableFor(minor);
    if (t != nullptr && std::find(candidates.begin(), candidates.end(), t) ==
                            candidates.end()) {
      candidates.push_back(t);
    }
  }
  if (candidates.empty()) return;
  std::vector<int> score(candidates.size(), 0);
  for (uint32_t i = 0; i < nfunc_; ++i) {
    absl::StatusOr<Func> func = MakeFunc(i);
    if (!func.ok()) continue;
    absl::StatusOr<absl::string_view> name = func->Name();
    if (!name.ok()) continue;
    const FuncId expected = FuncIdFromName(*name);
    const uint32_t raw = func->raw_func_id();
    if (expected == FuncId::kNormal && raw == 0) continue;
    for (size_t c = 0; c < candidates.size(); ++c) {
      const FuncId got = candidates[c]->Lookup(raw);
      // ABI wrappers share the wrapped function's name.
      if (got == FuncId::kWrapper) continue;
      // An ordinary function that a table gives a runtime function's ID
      // (go1.13's wrapper ID is go1.14's asyncPreempt) counts against it.
      if (expected == FuncId::kNormal && got == FuncId::kNormal) continue;
      score[c] += got == expected ? 1 : -1;
    }
  }
  size_t best = 0;
  for (size_t c = 1; c < candidates.size(); ++c) {
    if (score[c] >= score[best]) best = c;
  }
  calibrated_ids_ = candidates[best];
}

FuncId Pclntab::MapRawFuncId(uint32_t raw, absl::string_view name) const {
  // No table (releases before funcIDs, or calibration found none): names.
  const FuncIdTable* table = func_id_table();
  return table != nullptr ? table->Lookup(raw) : FuncIdFromName(name);
}

absl::StatusOr<const Pclntab::FrameFacts*> Pclntab::FrameFactsAt(
    uint64_t pc) const {
  if (pc < min_pc_ || pc >= max_pc_) {
    return absl::NotFoundError(
        absl::StrCat("pc 0x", absl::Hex(pc), " is outside Go text"));
  }
  const uint32_t i = FuncIndexFor(pc);
  if (const FrameFacts* facts = frame_facts_.Get(i)) return facts;
  absl::StatusOr<Func> func = MakeFunc(i);
  if (!func.ok()) return func.status();
  auto facts = std::make_unique<FrameFacts>();
  facts->entry = func->entry();
  facts->end = func->end();
  facts->func_id = func->func_id();
  facts->flags = func->flags();
  absl::StatusOr<absl::string_view> name = func->Name();
  facts->signal_handler = name.ok() && *name == "runtime.sigtrampgo";
  facts->sp_deltas =
      DecodedPcTable::Decode(func->PcTable(func->Field32(layout_.func.pcsp)),
                             func->entry(), func->end(), quantum_);
  return &frame_facts_.Publish(i, std::move(facts));
}

absl::StatusOr<Pclntab::FrameAtPc> Pclntab::FrameAt(uint64_t pc) const {
  FrameCacheSlot& slot = PerThreadSlotFor<FrameCacheSlot, kFrameCacheBits>(pc);
  if (slot.table_id == id_ && slot.pc == pc) {
    return FrameAtPc{slot.facts, slot.sp_delta};
  }
  absl::StatusOr<const FrameFacts*> facts = FrameFactsAt(pc);
  if (!facts.ok()) return facts.status();
  FrameAtPc frame{*facts, (*facts)->sp_deltas.ValueAt(pc)};
  if (frame.sp_delta.ok()) slot = {id_, pc, *facts, *frame.sp_delta};
  return frame;
}

std::unique_ptr<Pclntab::LineIndex> Pclntab::BuildLineIndex(
    const Func& func) const {
  const FuncRecordLayout& f = layout_.func;
  auto decode = [&](const absl::StatusOr<ByteReader>& table) {
    return DecodedPcTable::Decode(table, func.entry(), func.end(), quantum_);
  };
  const DecodedPcTable files = decode(func.PcTable(func.Field32(f.pcfile)));
  const DecodedPcTable lines = decode(func.PcTable(func.Field32(f.pcln)));
  const DecodedPcTable inlines =
      layout_.inline_kind == InlineTreeKind::kNone
          ? DecodedPcTable()
          : decode(func.PcDataTable(layout_.pcdata_inline_index));

  auto index = std::make_unique<LineIndex>();
  index->entry = func.entry();
  index->name = func.Name();
  index->func_id = func.func_id();
  index->start_line = func.start_line();
  std::optional<ByteReader> tree;
  if (layout_.inline_kind != InlineTreeKind::kNone && memory_ != nullptr) {
    if (std::optional<uint64_t> at =
            func.FuncData(layout_.funcdata_inline_tree)) {
      tree = memory_->ReadToEnd(*at);
    }
  }
  std::vector<int32_t> file_numbers;  // parallel to index->files
  auto file_slot = [&](int32_t number) -> uint32_t {
    for (size_t i = 0; i < file_numbers.size(); ++i) {
      if (file_numbers[i] == number) return static_cast<uint32_t>(i);
    }
    file_numbers.push_back(number);
    index->files.push_back(FileName(func, number));
    return static_cast<uint32_t>(file_numbers.size() - 1);
  };
  // Inline-tree entries get a slot in index->inlined as rows first name them,
  // so memory follows what the function uses, whatever the (untrusted)
  // index values are.
  absl::flat_hash_map<int32_t, int32_t> call_slots;
  auto call_slot = [&](int32_t tree_index) -> int32_t {
    if (static_cast<size_t>(tree_index) > kMaxInlineTreeSize) {
      return kCorruptInlineIndex;
    }
    auto [it, added] = call_slots.try_emplace(
        tree_index, static_cast<int32_t>(index->inlined.size()));
    if (added) index->inlined.push_back(DecodeInlinedCall(*tree, tree_index));
    return it->second;
  };
  // Merge the runs: a row ends wherever any table's run ends. Rows exist
  // while both the file and the line table cover the PC; a missing or short
  // inline table means "not inlined".
  size_t fi = 0, li = 0, ii = 0;
  while (fi < files.ends().size() && li < lines.ends().size()) {
    const uint64_t file_end = files.ends()[fi];
    const uint64_t line_end = lines.ends()[li];
    uint64_t end = std::min(file_end, line_end);
    int32_t inline_index = -1;
    if (ii < inlines.ends().size()) {
      end = std::min(end, inlines.ends()[ii]);
      inline_index = tree ? std::max(-1, inlines.values()[ii]) : -1;
    }
    index->rows.push_back({static_cast<uint32_t>(end - func.entry()),
                           file_slot(files.values()[fi]), lines.values()[li],
                           inline_index >= 0 ? call_slot(inline_index) : -1});
    if (file_end == end) ++fi;
    if (line_end == end) ++li;
    if (ii < inlines.ends().size() && inlines.ends()[ii] == end) ++ii;
  }
  index->beyond = fi == files.ends().size() ? files.beyond() : lines.beyond();
  // Buckets pay off for real code, a few bytes per row; a corrupt table can
  // claim runs gigabytes long, and then a plain binary search serves.
  const uint64_t buckets =
      index->rows.empty() ? 0 : (index->rows.back().end >> kRowBucketShift) + 1;
  if (buckets > 0 && buckets <= 4 * index->rows.size() + 64) {
    index->row_buckets.resize(buckets);
    uint32_t row = 0;
    for (uint64_t b = 0; b < index->row_buckets.size(); ++b) {
      while (row + 1 < index->rows.size() &&
             index->rows[row].end <= (b << kRowBucketShift)) {
        ++row;
      }
      index->row_buckets[b] = row;
    }
  }
  // With every call decoded, walk each call's callers once.
  for (absl::StatusOr<LineIndex::InlinedCall>& call : index->inlined) {
    if (!call.ok()) continue;
    std::vector<SourceFrame> callers;
    absl::Status walked =
        WalkInlined(*index, index->entry + call->parent_pc, &callers);
    if (walked.ok()) {
      call->callers = std::move(callers);
    } else {
      call->callers = walked;
    }
  }
  return index;
}

absl::StatusOr<Pclntab::LineIndex::InlinedCall> Pclntab::DecodeInlinedCall(
    const ByteReader& tree, int32_t tree_index) const {
  const uint64_t size = layout_.inline_entry_size;
  auto entry = tree.Sub(static_cast<uint64_t>(tree_index) * size, size);
  if (!entry) return Corrupt("inline tree entry is unreadable");
  uint32_t raw_id, name_offset;
  LineIndex::InlinedCall call;
  if (layout_.inline_kind == InlineTreeKind::kGo120) {
    raw_id = *entry->U8(0);
    name_offset = *entry->U32(4);
    call.parent_pc = *entry->U32(8);
    call.start_line = static_cast<int32_t>(*entry->U32(12));
  } else {
    raw_id = *entry->U8(2);
    name_offset = *entry->U32(12);
    call.parent_pc = *entry->U32(16);
  }
  call.name = FuncName(name_offset);
  if (!call.name.ok()) return call.name.status();
  call.func_id = MapRawFuncId(raw_id, *call.name);
  return call;
}

const Pclntab::LineIndex& Pclntab::LineIndexOf(const Func& func) const {
  if (const LineIndex* index = line_indexes_.Get(func.index())) return *index;
  return line_indexes_.Publish(func.index(), BuildLineIndex(func));
}

absl::Status Pclntab::Symbolize(const Func& func, uint64_t pc,
                                std::vector<SourceFrame>* frames) const {
  if (layout_.inline_kind == InlineTreeKind::kGo19) {
    return ExpandInlineGo19(func, pc, frames);
  }
  return SymbolizeIndexed(LineIndexOf(func), pc, frames);
}

absl::Status Pclntab::ForEachRun(
    const Func& func,
    absl::FunctionRef<void(uint64_t start, uint64_t end)> visit) const {
  if (layout_.inline_kind == InlineTreeKind::kGo19) {
    return absl::UnimplementedError("Go 1.9-1.11 inline trees");
  }
  const LineIndex& index = LineIndexOf(func);
  uint64_t start = func.entry();
  for (const LineIndex::Row& row : index.rows) {
    const uint64_t end = std::min(func.entry() + row.end, func.end());
    if (end > start) visit(start, end);
    start = std::max(start, end);
  }
  // Past the last row: the answer there is the table's `beyond`.
  if (func.end() > start) visit(start, func.end());
  return absl::OkStatus();
}

uint64_t Pclntab::OutermostCallPc(const Func& func, uint64_t pc) const {
  if (layout_.inline_kind == InlineTreeKind::kGo19) return pc;
  const LineIndex& index = LineIndexOf(func);
  const LineIndex::Row* row = RowAt(index, pc);
  for (int depth = 0;
       row != nullptr && row->inline_index >= 0 && depth < kMaxInlineDepth;
       ++depth) {
    const absl::StatusOr<LineIndex::InlinedCall>& call =
        index.inlined[row->inline_index];
    if (!call.ok()) break;
    pc = index.entry + call->parent_pc;
    row = RowAt(index, pc);
  }
  return pc;
}

absl::Status Pclntab::SymbolizePc(uint64_t pc,
                                  std::vector<SourceFrame>* frames) const {
  if (pc < min_pc_ || pc >= max_pc_) {
    return absl::NotFoundError(
        absl::StrCat("pc 0x", absl::Hex(pc), " is outside Go text"));
  }
  if (layout_.inline_kind == InlineTreeKind::kGo19) {
    absl::StatusOr<Func> func = MakeFunc(FuncIndexFor(pc));
    if (!func.ok()) return func.status();
    return ExpandInlineGo19(*func, pc, frames);
  }
  // Profiles and tracebacks repeat PCs: remember where each one was found.
  PcCacheSlot& slot = PerThreadSlotFor<PcCacheSlot, kPcCacheBits>(pc);
  if (slot.table_id == id_ && slot.pc == pc) {
    return EmitRow(*slot.index, slot.row, pc, frames);
  }
  const uint32_t i = FuncIndexFor(pc);
  const LineIndex* index = line_indexes_.Get(i);
  if (index == nullptr) {
    absl::StatusOr<Func> func = MakeFunc(i);
    if (!func.ok()) return func.status();
    index = &LineIndexOf(*func);
  }
  const LineIndex::Row* row = RowAt(*index, pc);
  slot = {id_, pc, index, row};
  return EmitRow(*index, row, pc, frames);
}

const Pclntab::LineIndex::Row* Pclntab::RowAt(const LineIndex& index,
                                              uint64_t pc) {
  if (pc < index.entry || pc - index.entry >= (uint64_t{1} << 32)) {
    return nullptr;
  }
  const uint32_t offset = static_cast<uint32_t>(pc - index.entry);
  // Rows [first, last) hold every row that can cover this PC.
  auto first = index.rows.begin();
  auto last = index.rows.end();
  if (!index.row_buckets.empty()) {
    const uint64_t bucket = offset >> kRowBucketShift;
    if (bucket >= index.row_buckets.size()) return nullptr;
    first += index.row_buckets[bucket];
    if (bucket + 1 < index.row_buckets.size()) {
      last = index.rows.begin() + index.row_buckets[bucket + 1] + 1;
    }
  }
  auto it = std::upper_bound(first, last, offset,
                             [](uint32_t value, const LineIndex::Row& row) {
                               return value < row.end;
                             });
  return it == last ? nullptr : &*it;
}

absl::Status Pclntab::SymbolizeIndexed(const LineIndex& index, uint64_t pc,
                                       std::vector<SourceFrame>* frames) const {
  return EmitRow(index, RowAt(index, pc), pc, frames);
}

absl::Status Pclntab::EmitRow(const LineIndex& index, const LineIndex::Row* row,
                              uint64_t pc,
                              std::vector<SourceFrame>* frames) const {
  if (row == nullptr || row->inline_index < 0) {
    return WalkInlined(index, pc, frames);
  }
  // Inlined code: this call's frame, then its precomputed callers.
  const absl::StatusOr<LineIndex::InlinedCall>& call =
      index.inlined[row->inline_index];
  if (!call.ok()) return call.status();
  if (!call->callers.ok()) return call->callers.status();
  const absl::StatusOr<absl::string_view>& file = index.files[row->file];
  if (!file.ok()) return file.status();
  frames->push_back(
      {*call->name, *file, row->line, true, call->func_id, call->start_line});
  frames->insert(frames->end(), call->callers->begin(), call->callers->end());
  return absl::OkStatus();
}

absl::Status Pclntab::WalkInlined(const LineIndex& index, uint64_t pc,
                                  std::vector<SourceFrame>* frames) const {
  const LineIndex::Row* row = RowAt(index, pc);
  for (int depth = 0; row != nullptr && row->inline_index >= 0; ++depth) {
    if (depth == kMaxInlineDepth) return Corrupt("inline tree has a cycle");
    const absl::StatusOr<LineIndex::InlinedCall>& call =
        index.inlined[row->inline_index];
    if (!call.ok()) return call.status();
    const absl::StatusOr<absl::string_view>& file = index.files[row->file];
    if (!file.ok()) return file.status();
    frames->push_back(
        {*call->name, *file, row->line, true, call->func_id, call->start_line});
    row = RowAt(index, index.entry + call->parent_pc);
  }
  if (row != nullptr && row->inline_index == kCorruptInlineIndex) {
    return Corrupt("inline tree index out of range");
  }
  if (!index.name.ok()) return index.name.status();
  if (row == nullptr) {
    if (!absl::IsNotFound(index.beyond)) return index.beyond;
    // Padding after the code, or a linker-made trampoline: the function is
    // known but has no line here. The runtime prints "?:0".
    frames->push_back(
        {*index.name, "?", 0, false, index.func_id, index.start_line});
    return absl::OkStatus();
  }
  const absl::StatusOr<absl::string_view>& file = index.files[row->file];
  if (!file.ok()) return file.status();
  frames->push_back(
      {*index.name, *file, row->line, false, index.func_id, index.start_line});
  return absl::OkStatus();
}

// Go 1.9-1.11 trees store each call site's file and line in the entry.
absl::Status Pclntab::ExpandInlineGo19(const Func& func, uint64_t pc,
                                       std::vector<SourceFrame>* frames) const {
  absl::StatusOr<SourceLine> line = func.LineAt(pc);
  if (!line.ok()) return line.status();
  std::optional<uint64_t> tree;
  if (memory_ != nullptr) tree = func.FuncData(layout_.funcdata_inline_tree);
  absl::StatusOr<int32_t> ix =
      tree ? func.PcData(layout_.pcdata_inline_index, pc)
           : absl::NotFoundError("");
  SourceLine at = *line;
  for (int depth = 0; ix.ok() && *ix >= 0 && depth < kMaxInlineDepth; ++depth) {
    auto entry = memory_->Read(*tree + static_cast<uint64_t>(*ix) * 16, 16);
    if (!entry) return Corrupt("inline tree entry is unreadable");
    absl::StatusOr<absl::string_view> name = FuncName(*entry->U32(12));
    if (!name.ok()) return name.status();
    frames->push_back({*name, at.file, at.line, true, FuncIdFromName(*name)});
    absl::StatusOr<absl::string_view> file =
        FileName(func, static_cast<int32_t>(*entry->U32(4)));
    if (!file.ok()) return file.status();
    at = {*file, static_cast<int32_t>(*entry->U32(8))};
    ix = static_cast<int32_t>(*entry->U32(0));
  }
  absl::StatusOr<absl::string_view> name = func.Name();
  if (!name.ok()) return name.status();
  frames->push_back({*name, at.file, at.line, false, func.func_id()});
  return absl::OkStatus();
}

// ---- Func ----

uint32_t Func::Field32(int offset) const { return *record_.U32(offset); }

absl::StatusOr<absl::string_view> Func::Name() const {
  return table_->FuncName(Field32(table_->layout_.func.name_offset));
}

int32_t Func::args_size() const {
  return static_cast<int32_t>(Field32(table_->layout_.func.args));
}

uint32_t Func::deferreturn() const {
  const int offset = table_->layout_.func.deferreturn;
  return offset < 0 ? 0 : Field32(offset);
}

uint32_t Func::raw_func_id() const {
  const FuncRecordLayout& f = table_->layout_.func;
  if (f.func_id < 0) return 0;
  return f.func_id_size == 4 ? Field32(f.func_id) : *record_.U8(f.func_id);
}

FuncId Func::func_id() const {
  if (const FuncIdTable* table = table_->func_id_table()) {
    return table->Lookup(raw_func_id());
  }
  absl::StatusOr<absl::string_view> name = Name();
  return name.ok() ? FuncIdFromName(*name) : FuncId::kNormal;
}

uint8_t Func::flags() const {
  const int offset = table_->layout_.func.flag;
  return offset < 0 ? 0 : *record_.U8(offset);
}

int32_t Func::start_line() const {
  const int offset = table_->layout_.func.start_line;
  return offset < 0 ? 0 : static_cast<int32_t>(Field32(offset));
}

absl::StatusOr<ByteReader> Func::PcTable(uint32_t offset) const {
  if (offset == 0) return absl::NotFoundError("function has no such table");
  auto table = table_->pctab_.Tail(offset);
  if (!table) return Corrupt("pc-value table offset out of bounds");
  return *table;
}

absl::StatusOr<int32_t> Func::SpDelta(uint64_t pc) const {
  absl::StatusOr<ByteReader> table =
      PcTable(Field32(table_->layout_.func.pcsp));
  if (!table.ok()) return table.status();
  return PcValueAt(*table, entry_, table_->quantum_, pc);
}

PcValueTable Func::SpDeltaTable() const {
  absl::StatusOr<ByteReader> table =
      PcTable(Field32(table_->layout_.func.pcsp));
  return PcValueTable(table.ok() ? *table : ByteReader(), entry_,
                      table_->quantum_);
}

bool Func::has_line_table() const {
  const FuncRecordLayout& f = table_->layout_.func;
  return Field32(f.pcfile) != 0 && Field32(f.pcln) != 0;
}

absl::StatusOr<SourceLine> Func::LineAt(uint64_t pc) const {
  const FuncRecordLayout& f = table_->layout_.func;
  absl::StatusOr<ByteReader> files = PcTable(Field32(f.pcfile));
  if (!files.ok()) return files.status();
  absl::StatusOr<ByteReader> lines = PcTable(Field32(f.pcln));
  if (!lines.ok()) return lines.status();
  absl::StatusOr<int32_t> file =
      PcValueAt(*files, entry_, table_->quantum_, pc);
  if (!file.ok()) return file.status();
  absl::StatusOr<int32_t> line =
      PcValueAt(*lines, entry_, table_->quantum_, pc);
  if (!line.ok()) return line.status();
  absl::StatusOr<absl::string_view> name = table_->FileName(*this, *file);
  if (!name.ok()) return name.status();
  return SourceLine{*name, *line};
}

absl::StatusOr<ByteReader> Func::PcDataTable(int table) const {
  const FuncRecordLayout& f = table_->layout_.func;
  const uint32_t npcdata = Field32(f.npcdata);
  if (table < 0 || static_cast<uint32_t>(table) >= npcdata) {
    return absl::NotFoundError("function has no such PCDATA table");
  }
  return PcTable(Field32(f.fixed_size + table * 4));
}

absl::StatusOr<int32_t> Func::PcData(int table, uint64_t pc) const {
  absl::StatusOr<ByteReader> data = PcDataTable(table);
  if (!data.ok()) return data.status();
  return PcValueAt(*data, entry_, table_->quantum_, pc);
}

std::optional<uint64_t> Func::FuncData(int index) const {
  const PclntabLayout& layout = table_->layout_;
  const FuncRecordLayout& f = layout.func;
  const uint64_t nfuncdata =
      f.nfuncdata_size == 1 ? *record_.U8(f.nfuncdata) : Field32(f.nfuncdata);
  if (index < 0 || static_cast<uint64_t>(index) >= nfuncdata) {
    return std::nullopt;
  }
  uint64_t base = f.fixed_size + static_cast<uint64_t>(Field32(f.npcdata)) * 4;
  if (layout.funcdata_are_offsets) {
    const uint32_t offset = Field32(base + static_cast<uint64_t>(index) * 4);
    if (offset == kNoFuncData) return std::nullopt;
    std::optional<uint64_t> gofunc = table_->GoFunc();
    if (!gofunc) return std::nullopt;
    return *gofunc + table_->load_bias_ + offset;
  }
  const int p = table_->ptr_size_;
  if (p == 8 && (base & 4)) base += 4;
  auto address = record_.Word(base + static_cast<uint64_t>(index) * p, p);
  if (!address || *address == 0) return std::nullopt;
  return *address + table_->load_bias_;
}

}  // namespace gentrace::symtab
