#include "goruntime/pending_defers.h"

#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "goruntime/open_coded.h"
#include "goruntime/panics.h"

namespace gentrace::goruntime {
namespace {

constexpr int kMaxRecords = 100000;

// Reads of the goroutine's memory in the target's word size and order.
class Reader {
 public:
  Reader(const symtab::AddressSpace& memory, const arch::ArchInfo& arch)
      : memory_(memory), arch_(arch) {}
  std::optional<uint64_t> Word(uint64_t address) const {
    return memory_.ReadWord(address, arch_.ptr_size, arch_.byte_order);
  }
  std::optional<uint8_t> Byte(uint64_t address) const {
    std::optional<symtab::ByteReader> bytes = memory_.Read(address, 1);
    if (!bytes) return std::nullopt;
    return bytes->U8(0);
  }

 private:
  const symtab::AddressSpace& memory_;
  const arch::ArchInfo& arch_;
};

// The record's fields, from one read of the whole record.
struct Record {
  uint64_t sp = 0;
  uint64_t fn = 0;
  uint64_t link = 0;
  bool heap = false;
  bool started = false;
  bool open_defer = false;
  bool rangefunc = false;
  uint32_t siz = 0;
};

std::optional<Record> ReadRecord(const symtab::AddressSpace& memory,
                                 const DeferLayout& layout,
                                 const arch::ArchInfo& arch, uint64_t address) {
  std::optional<symtab::ByteReader> bytes = memory.Read(address, layout.size);
  if (!bytes) return std::nullopt;
  const auto flag = [&](int offset) {
    return offset >= 0 && bytes->U8(offset).value_or(0) != 0;
  };
  Record r;
  r.sp = bytes->Word(layout.sp, arch.ptr_size).value_or(0);
  r.fn = bytes->Word(layout.fn, arch.ptr_size).value_or(0);
  r.link = bytes->Word(layout.link, arch.ptr_size).value_or(0);
  r.heap = flag(layout.heap);
  r.started = flag(layout.started);
  r.open_defer = flag(layout.open_defer);
  r.rangefunc = flag(layout.rangefunc);
  if (layout.siz >= 0) r.siz = bytes->U32(layout.siz).value_or(0);
  return r;
}

// The frame's local-variable base, as the runtime's unwinder computes it.
uint64_t Varp(const DeferFrame& frame, const arch::ArchInfo& arch) {
  uint64_t varp = frame.fp - (arch.uses_lr ? 0 : arch.ptr_size);
  // With a frame pointer, the caller's frame pointer word sits below the
  // frame's top and the locals below it.
  if (!arch.fp.empty() && varp > frame.sp) varp -= arch.ptr_size;
  return varp;
}

// Appends the open-coded calls still pending in `frame` (bits set in its
// deferBits byte), highest bit first.
void AppendOpenCoded(const symtab::Pclntab& table,
                     const symtab::AddressSpace& memory,
                     const arch::ArchInfo& arch, const Reader& reader,
                     const DeferFrame& frame, int frame_index,
                     PendingDefers* out) {
  const std::optional<symtab::GoVersion>& version = table.go_version();
  if (!version) return;
  const int index = OpenCodedDeferInfoIndex(*version);
  if (index < 0) return;
  absl::StatusOr<symtab::Func> func = table.FindFunc(frame.lookup_pc);
  if (!func.ok()) return;
  std::optional<uint64_t> funcdata = func->FuncData(index);
  if (!funcdata || *funcdata == 0) return;
  const symtab::AddressSpace& binary =
      table.memory() != nullptr ? *table.memory() : memory;
  std::optional<symtab::ByteReader> data = binary.ReadToEnd(*funcdata);
  absl::StatusOr<OpenCodedDefers> info =
      data ? DecodeOpenCodedDeferInfo(*data, *version)
           : absl::DataLossError("unreadable");
  if (!info.ok()) {
    out->problems.push_back(
        absl::StrCat("frame ", frame_index,
                     ": open-coded defer info: ", info.status().message()));
    return;
  }
  const uint64_t varp = Varp(frame, arch);
  std::optional<uint8_t> bits = reader.Byte(varp - info->defer_bits_offset);
  if (!bits) {
    out->problems.push_back(
        absl::StrCat("frame ", frame_index, ": deferBits at 0x",
                     absl::Hex(varp - info->defer_bits_offset), " unreadable"));
    return;
  }
  for (int i = 7; i >= 0; --i) {
    if ((*bits & (1u << i)) == 0) continue;
    std::optional<uint64_t> slot = info->ClosureSlot(varp, i, arch.ptr_size);
    std::optional<uint64_t> closure = slot ? reader.Word(*slot) : std::nullopt;
    std::optional<uint64_t> fn =
        closure && *closure != 0 ? reader.Word(*closure) : std::nullopt;
    if (!fn) {
      out->problems.push_back(absl::StrCat(
          "frame ", frame_index, ": open-coded defer ", i,
          slot ? " has an unreadable function value" : " is not described"));
      continue;
    }
    out->calls.push_back({.frame = frame_index,
                          .kind = DeferKind::kOpenCoded,
                          .closure = *closure,
                          .fn = *fn});
  }
}

}  // namespace

PendingDefers FindPendingDefers(const symtab::Pclntab& table,
                                const symtab::AddressSpace& memory,
                                const DeferLayout& layout,
                                const arch::ArchInfo& arch, uint64_t g,
                                absl::Span<const DeferFrame> frames) {
  PendingDefers out;
  const Reader reader(memory, arch);
  if (absl::StatusOr<std::vector<PanicRecord>> panics =
          ReadPanicChain(memory, layout, arch, g);
      panics.ok()) {
    out.panics = static_cast<int>(panics->size());
    out.newest_panic_recovered = !panics->empty() && panics->front().recovered;
  } else {
    out.problems.push_back(std::string(panics.status().message()));
  }

  // Frames that share an SP are a callee that has no frame of its own yet
  // (at its entry on LR machines) and its caller: only the caller can have
  // deferred, so the outermost of them owns the SP.
  absl::flat_hash_map<uint64_t, int> frame_by_sp;
  for (int i = 0; i < static_cast<int>(frames.size()); ++i) {
    frame_by_sp[frames[i].sp] = i;
  }
  // _defer records, newest first, grouped by the frame they belong to.
  std::vector<std::vector<PendingCall>> records(frames.size());
  std::optional<uint64_t> head = reader.Word(g + layout.g_defer);
  if (!head) out.problems.push_back("g._defer is unreadable");
  absl::flat_hash_set<uint64_t> seen;
  uint64_t address = head.value_or(0);
  for (int n = 0; address != 0; ++n) {
    if (n == kMaxRecords) {
      out.problems.push_back(
          absl::StrCat("the defer chain was cut after ", n, " records"));
      break;
    }
    if (!seen.insert(address).second) {
      out.problems.push_back(
          absl::StrCat("the defer chain loops back to the record at 0x",
                       absl::Hex(address)));
      break;
    }
    std::optional<Record> record = ReadRecord(memory, layout, arch, address);
    if (!record) {
      out.problems.push_back(absl::StrCat(
          "the _defer record at 0x", absl::Hex(address), " is unreadable"));
      break;
    }
    auto frame = frame_by_sp.find(record->sp);
    if (frame == frame_by_sp.end()) {
      out.problems.push_back(absl::StrCat(
          "the _defer record at 0x", absl::Hex(address), " (sp 0x",
          absl::Hex(record->sp), ") belongs to no frame of the walk"));
    } else if (record->rangefunc) {
      out.problems.push_back(absl::StrCat(
          "frame ", frame->second, ": the range-over-func defers of 0x",
          absl::Hex(address), " are not listed"));
    } else if (!record->open_defer && !record->started) {
      // A started record is the call running now (during a panic); an
      // open-coded frame's record stands for the bits read below.
      std::optional<uint64_t> fn =
          record->fn != 0 ? reader.Word(record->fn) : std::nullopt;
      PendingCall call{.frame = frame->second,
                       .kind = record->heap || layout.heap < 0
                                   ? DeferKind::kHeap
                                   : DeferKind::kStack,
                       .closure = record->fn,
                       .fn = fn.value_or(0),
                       .record = address};
      if (layout.siz >= 0) {
        call.arguments = address + layout.size;
        call.argument_bytes = record->siz;
      }
      if (!fn) {
        out.problems.push_back(absl::StrCat(
            "the _defer record at 0x", absl::Hex(address),
            " has an unreadable function value 0x", absl::Hex(record->fn)));
      }
      records[frame->second].push_back(call);
    }
    address = record->link;
  }

  // A function's defers are either all open-coded or all records, so a
  // frame has one kind or the other.
  for (int i = 0; i < static_cast<int>(frames.size()); ++i) {
    out.calls.insert(out.calls.end(), records[i].begin(), records[i].end());
    AppendOpenCoded(table, memory, arch, reader, frames[i], i, &out);
  }
  return out;
}

}  // namespace gentrace::goruntime
