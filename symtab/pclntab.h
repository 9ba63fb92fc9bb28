#ifndef GENTRACE_SYMTAB_PCLNTAB_H_
#define GENTRACE_SYMTAB_PCLNTAB_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "symtab/address_space.h"
#include "symtab/byte_reader.h"
#include "symtab/decoded_pc_table.h"
#include "symtab/func_id.h"
#include "symtab/go_version.h"
#include "symtab/lazy_slots.h"
#include "symtab/pc_value_table.h"
#include "symtab/pclntab_layout.h"

namespace gentrace::symtab {

class Pclntab;

// A source position.
struct SourceLine {
  absl::string_view file;
  int32_t line = 0;
};

// One logical frame: a physical function, or a call inlined into it.
struct SourceFrame {
  absl::string_view function;
  absl::string_view file;
  int32_t line = 0;
  bool inlined = false;
  FuncId func_id = FuncId::kNormal;
  // The line of the function's func keyword (Go 1.20+ tables); 0 if unknown.
  int32_t start_line = 0;
};

// A function in the pclntab: a small copyable view (valid while the Pclntab
// lives). The record was bounds-checked when the view was made, so the fixed
// fields read infallibly; tables and strings are checked as they are read.
class Func {
 public:
  uint64_t entry() const { return entry_; }
  // End of the function: the next function's entry, or the table's end PC.
  uint64_t end() const { return end_; }
  uint32_t index() const { return index_; }

  absl::StatusOr<absl::string_view> Name() const;
  // Argument and result size in bytes; 0x80000000 (ArgsSizeUnknown) for
  // most assembly functions.
  int32_t args_size() const;
  // Offset from entry of the CALL runtime.deferreturn (Go 1.12+); 0 if none.
  uint32_t deferreturn() const;
  uint32_t raw_func_id() const;
  FuncId func_id() const;
  uint8_t flags() const;  // FuncFlag bits; 0 before Go 1.17
  // The line of its func keyword (Go 1.20+); 0 before, where the table
  // has none.
  int32_t start_line() const;

  // Bytes the function has pushed below its entry SP at `pc` (pcsp).
  absl::StatusOr<int32_t> SpDelta(uint64_t pc) const;
  absl::StatusOr<SourceLine> LineAt(uint64_t pc) const;
  // PCDATA table `table` at `pc`; NotFoundError if the function has none.
  absl::StatusOr<int32_t> PcData(int table, uint64_t pc) const;
  // The address FUNCDATA `index` points to, or nullopt if absent.
  std::optional<uint64_t> FuncData(int index) const;

  // Whether the function has file and line tables at all (linker-made
  // trampolines do not).
  bool has_line_table() const;

  // The pcsp table, for walking every instruction's SP delta.
  PcValueTable SpDeltaTable() const;

 private:
  friend class Pclntab;
  Func(const Pclntab* table, ByteReader record, uint64_t entry, uint64_t end,
       uint32_t index)
      : table_(table),
        record_(record),
        entry_(entry),
        end_(end),
        index_(index) {}

  uint32_t Field32(int offset) const;
  absl::StatusOr<ByteReader> PcTable(uint32_t offset) const;
  absl::StatusOr<ByteReader> PcDataTable(int table) const;

  const Pclntab* table_;
  ByteReader record_;  // the _func record through its pcdata/funcdata arrays
  uint64_t entry_;
  uint64_t end_;
  uint32_t index_;
};

// A decoded Go pclntab (every format since Go 1.2), over bytes the caller
// keeps alive. Parse reads only the header: lookups decode on demand.
//
// Thread-safe after Parse. Not async-signal-safe (lazy calibration may
// allocate on first use).
class Pclntab {
 public:
  struct Options {
    // The Go release, from buildinfo; picks the exact layout and funcID
    // table. Without it the layout is the format family's and funcIDs are
    // calibrated against runtime function names.
    std::optional<GoVersion> go_version;
    // runtime.text for 1.18+ tables when the stored textStart is not usable
    // (unrelocated position-independent files).
    std::optional<uint64_t> text_start;
    // Where funcdata pointers lead (inline trees). Optional: without it, no
    // inline expansion.
    const AddressSpace* memory = nullptr;
    // 1.18+: moduledata.gofunc, the base of funcdata offsets; called once,
    // on first need, because finding it may scan the binary.
    std::function<std::optional<uint64_t>()> resolve_gofunc;
    // Where a program loaded the binary, relative to its link addresses
    // (PIE): every PC the table takes and gives (lookups, entries) and every
    // funcdata address it reads through `memory` is a load address, as the
    // runtime sees them. `text_start` and `resolve_gofunc` stay link
    // addresses.
    uint64_t load_bias = 0;
  };

  static absl::StatusOr<std::unique_ptr<Pclntab>> Parse(ByteReader data,
                                                        Options options);

  PclntabFormat format() const { return layout_.format; }
  const PclntabLayout& layout() const { return layout_; }
  int ptr_size() const { return ptr_size_; }
  int pc_quantum() const { return quantum_; }
  uint32_t num_funcs() const { return nfunc_; }
  // First function entry and end of the last function.
  uint64_t min_pc() const { return min_pc_; }
  // Distinguishes this table from every other in per-thread caches, which
  // outlive it (an address may be reused; an id is not).
  uint64_t id() const { return id_; }
  uint64_t max_pc() const { return max_pc_; }
  uint64_t text_start() const { return text_start_; }
  const std::optional<GoVersion>& go_version() const { return go_version_; }
  // Size in bytes of the table region that was parsed, and its bytes.
  uint64_t size() const { return data_.size(); }
  const ByteReader& bytes() const { return data_; }
  uint64_t load_bias() const { return load_bias_; }

  // The function containing `pc`. NotFoundError outside every function;
  // DataLossError for a corrupt record. O(log n).
  absl::StatusOr<Func> FindFunc(uint64_t pc) const;
  // Function `index` in PC order (holes between text sections are
  // NotFoundError).
  absl::StatusOr<Func> FuncAt(uint32_t index) const;

  // Appends the logical frames at `pc` in `func`, innermost first: every
  // inlined call, then the physical function. `pc` is used as given (pass
  // pc-1 for a return address). The first call for a function decodes its
  // line and inline tables once (memory bounded by the function's size);
  // later calls binary-search them.
  absl::Status Symbolize(const Func& func, uint64_t pc,
                         std::vector<SourceFrame>* frames) const;
  // The stretches of `func`, in PC order as [start, end), over each of
  // which Symbolize gives one answer (one line-table row: the same file,
  // line and inlined calls), the last reaching the function's end.
  // UnimplementedError for Go 1.9-1.11 inline trees, whose answers this
  // does not track.
  absl::Status ForEachRun(
      const Func& func,
      absl::FunctionRef<void(uint64_t start, uint64_t end)> visit) const;
  // FindFunc and Symbolize in one, reusing what earlier calls decoded for
  // the function (the fast path for bulk symbolization).
  absl::Status SymbolizePc(uint64_t pc, std::vector<SourceFrame>* frames) const;
  // Where the outermost call inlined at `pc` sits in the physical function
  // (its entry plus the call's parentPc), or `pc` when no call is inlined
  // there: the pc the runtime's traceback used for the physical frame's
  // metadata up to Go 1.20.
  uint64_t OutermostCallPc(const Func& func, uint64_t pc) const;

  // What unwinding needs of the function containing a PC, decoded once per
  // function (memory bounded by its size) and then read without locking.
  struct FrameFacts {
    uint64_t entry = 0;
    uint64_t end = 0;
    FuncId func_id = FuncId::kNormal;
    uint8_t flags = 0;
    // runtime.sigtrampgo: the Go side of the runtime's signal handler.
    bool signal_handler = false;
    DecodedPcTable sp_deltas;  // pcsp
  };
  // NotFoundError outside every function; the record's error if corrupt.
  absl::StatusOr<const FrameFacts*> FrameFactsAt(uint64_t pc) const;
  // FrameFactsAt and the SP delta at `pc` in one, remembered per thread for
  // the PCs it has answered: walks meet the same return addresses again (a
  // recursion, a profile's repeated stacks). `sp_delta` is the pcsp table's
  // error where it has no value at `pc`.
  struct FrameAtPc {
    const FrameFacts* facts = nullptr;
    absl::StatusOr<int32_t> sp_delta = 0;
  };
  absl::StatusOr<FrameAtPc> FrameAt(uint64_t pc) const;

  // The funcID table chosen for this binary, and whether it came from the
  // Go release or from calibration against names.
  const FuncIdTable* func_id_table() const;
  // The binary's own memory image (Options::memory), or null: where code the
  // table describes can be read, whatever the target's memory holds.
  const AddressSpace* memory() const { return memory_; }
  bool func_ids_calibrated() const { return !layout_.func_ids; }

 private:
  friend class Func;
  Pclntab() = default;
  absl::Status ParseHeader(uint32_t magic);
  std::optional<uint64_t> FunctabEntry(uint32_t index) const;
  std::optional<uint64_t> FunctabFuncOffset(uint32_t index) const;
  absl::StatusOr<Func> MakeFunc(uint32_t index) const;
  absl::StatusOr<absl::string_view> FileName(const Func& func,
                                             int32_t file_index) const;
  absl::StatusOr<absl::string_view> FuncName(uint32_t name_offset) const;
  FuncId MapRawFuncId(uint32_t raw, absl::string_view name) const;
  std::optional<uint64_t> GoFunc() const;
  void Calibrate() const;
  // What symbolization needs of one function, decoded on first use: its
  // file, line and inline-index tables merged into one run array (one
  // binary search per logical frame), its name and its file names.
  struct LineIndex {
    struct Row {
      uint32_t end;   // offset from entry where the row ends
      uint32_t file;  // index into `files`
      int32_t line;
      int32_t inline_index;  // slot in `inlined`; -1: not inlined
    };
    struct InlinedCall {
      absl::StatusOr<absl::string_view> name = absl::UnknownError("");
      FuncId func_id = FuncId::kNormal;
      uint32_t parent_pc = 0;  // offset from entry of the call site
      int32_t start_line = 0;
      // The logical frames above this call (its callers up to the physical
      // function): they depend only on the call site, so they are walked
      // once, when the index is built.
      absl::StatusOr<std::vector<SourceFrame>> callers = absl::UnknownError("");
    };
    uint64_t entry = 0;
    std::vector<Row> rows;
    // First row covering each 256 bytes of the function, so a lookup
    // searches a few adjacent rows instead of the whole array.
    std::vector<uint32_t> row_buckets;
    absl::Status beyond;  // the answer past the last row
    absl::StatusOr<absl::string_view> name = absl::UnknownError("");
    FuncId func_id = FuncId::kNormal;
    int32_t start_line = 0;
    std::vector<absl::StatusOr<absl::string_view>> files;
    // The inline-tree entries the rows name, one slot each (a row holds the
    // slot, not the tree index); an implausibly large index is an error.
    std::vector<absl::StatusOr<InlinedCall>> inlined;
  };
  const LineIndex& LineIndexOf(const Func& func) const;
  std::unique_ptr<LineIndex> BuildLineIndex(const Func& func) const;
  absl::StatusOr<LineIndex::InlinedCall> DecodeInlinedCall(
      const ByteReader& tree, int32_t tree_index) const;
  absl::Status ExpandInlineGo19(const Func& func, uint64_t pc,
                                std::vector<SourceFrame>* frames) const;
  absl::Status SymbolizeIndexed(const LineIndex& index, uint64_t pc,
                                std::vector<SourceFrame>* frames) const;
  // The frames of `row` (which covers `pc`) in `index`.
  absl::Status EmitRow(const LineIndex& index, const LineIndex::Row* row,
                       uint64_t pc, std::vector<SourceFrame>* frames) const;
  // The inline walk itself, row by row (SymbolizeIndexed's slow path, and
  // how the callers of each inlined call are precomputed).
  absl::Status WalkInlined(const LineIndex& index, uint64_t pc,
                           std::vector<SourceFrame>* frames) const;
  // The row covering `pc`, or nullptr past the tables.
  static const LineIndex::Row* RowAt(const LineIndex& index, uint64_t pc);
  // Index of the function whose range holds `pc` (which must be inside
  // [min_pc, max_pc)).
  uint32_t FuncIndexFor(uint64_t pc) const;

  struct PcCacheSlot;
  struct FrameCacheSlot;
  // Distinguishes this table in per-thread lookup caches, which outlive it.
  uint64_t id_ = 0;
  ByteReader data_;
  PclntabLayout layout_;
  std::optional<GoVersion> go_version_;
  int ptr_size_ = 8;
  int quantum_ = 1;
  uint32_t nfunc_ = 0;
  uint64_t text_start_ = 0;  // a load address, like every PC
  uint64_t load_bias_ = 0;
  uint64_t min_pc_ = 0;
  uint64_t max_pc_ = 0;
  ByteReader funcnametab_;
  ByteReader cutab_;
  ByteReader filetab_;
  ByteReader pctab_;
  ByteReader pclntable_;       // functab followed by the _func records
  uint64_t functab_base_ = 0;  // offset of the functab in pclntable_
  int functab_entry_size_ = 0;
  const AddressSpace* memory_ = nullptr;
  std::function<std::optional<uint64_t>()> resolve_gofunc_;

  mutable std::once_flag gofunc_once_;
  mutable std::optional<uint64_t> gofunc_;
  // Built on first lookup: every function's entry PC in one flat array, and
  // the first function index per 4 KiB of text, which narrows the binary
  // search to the few functions of one bucket (the runtime's findfunctab
  // idea, derived from the functab rather than trusted from the file).
  void BuildLookupIndex() const;
  mutable std::once_flag lookup_once_;
  // Set once the index is built: lets lookups skip std::call_once, which in
  // libstdc++ is an out-of-line pthread_once call every time.
  mutable std::atomic<bool> lookup_ready_{false};
  mutable std::vector<uint64_t> entries_;
  mutable std::vector<uint32_t> bucket_first_;
  // Per function, sized once Parse has validated nfunc_.
  LazySlots<FrameFacts> frame_facts_;
  LazySlots<LineIndex> line_indexes_;
  mutable std::once_flag calibrate_once_;
  mutable const FuncIdTable* calibrated_ids_ = nullptr;
};

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_PCLNTAB_H_
