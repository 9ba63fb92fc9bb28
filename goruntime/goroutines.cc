#include "goruntime/goroutines.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace gentrace::goruntime {
namespace {

// Wait reasons are short phrases; longer ones are not the table.
constexpr uint64_t kMaxWaitReasonLength = 64;
// More entries than any release has, for a table found without its size.
constexpr uint64_t kMaxWaitReasons = 128;
// Bounds for a slice that could be allgs.
constexpr uint64_t kMaxGoroutines = uint64_t{1} << 26;
// g.ancestors: the runtime keeps at most GODEBUG=tracebackancestors=N of
// them, each with at most 100 pcs (50 from Go 1.21).
constexpr uint64_t kMaxAncestors = uint64_t{1} << 12;
constexpr uint64_t kMaxAncestorPcs = 1024;

// A string array in the binary's data ([...]string): its entries until one
// is not a short string. Entry 0 of the wait reason table is "".
std::vector<std::string> ReadStringArray(const symtab::ElfFile& elf,
                                         const arch::ArchInfo& arch,
                                         uint64_t address, uint64_t count) {
  std::vector<std::string> out;
  const uint64_t pair = 2 * static_cast<uint64_t>(arch.ptr_size);
  for (uint64_t i = 0; i < std::min(count, kMaxWaitReasons); ++i) {
    std::optional<uint64_t> data = elf.ReadPointer(address + i * pair);
    std::optional<symtab::ByteReader> length_word =
        elf.Read(address + i * pair + arch.ptr_size, arch.ptr_size);
    std::optional<uint64_t> length =
        length_word ? length_word->Word(0, arch.ptr_size) : std::nullopt;
    if (length && *length == 0) {
      out.emplace_back();
      continue;
    }
    std::optional<symtab::ByteReader> text =
        data && length && *length <= kMaxWaitReasonLength
            ? elf.Read(*data, *length)
            : std::nullopt;
    if (!text) break;
    out.emplace_back(reinterpret_cast<const char*>(text->data().data()),
                     *length);
  }
  return out;
}

// runtime.waitReasonStrings in a binary without symbols: the string header
// of its entry 1, "GC assist marking" (the same since Go 1.11), in the data
// sections, with entry 0's empty string before it.
std::optional<uint64_t> FindWaitReasonStrings(const symtab::ElfFile& elf,
                                              const arch::ArchInfo& arch) {
  constexpr absl::string_view kFirstReason = "GC assist marking";
  const symtab::ElfSection* rodata = elf.FindSection(".rodata");
  std::optional<symtab::ByteReader> text =
      rodata ? elf.SectionData(*rodata) : std::nullopt;
  if (!text) return std::nullopt;
  const absl::string_view bytes(
      reinterpret_cast<const char*>(text->data().data()), text->size());
  const int p = arch.ptr_size;
  for (size_t at = bytes.find(kFirstReason); at != absl::string_view::npos;
       at = bytes.find(kFirstReason, at + 1)) {
    const uint64_t string_address = rodata->addr + at;
    for (absl::string_view name : {".data", ".data.rel.ro", ".noptrdata"}) {
      const symtab::ElfSection* data = elf.FindSection(name);
      std::optional<symtab::ByteReader> words =
          data ? elf.SectionData(*data) : std::nullopt;
      if (!words) continue;
      const uint64_t word = p;
      for (uint64_t off = 2 * word; off + 2 * word <= words->size();
           off += word) {
        if (elf.ReadPointer(data->addr + off) == string_address &&
            words->Word(off + word, p) == kFirstReason.size() &&
            words->Word(off - word, p) == 0) {
          return data->addr + off - 2 * word;
        }
      }
    }
  }
  return std::nullopt;
}

// Whether a g's fields look like a goroutine's. A dead one may have given
// its stack back (gfput frees stacks of unusual size and zeroes the bounds).
bool IsPlausible(const Goroutine& g) {
  const uint32_t status = g.status & ~static_cast<uint32_t>(kGscan);
  if (g.goid <= 0 || status > kGdeadextra) return false;
  if ((status == kGdead || status == kGdeadextra) && g.stack_lo == 0 &&
      g.stack_hi == 0) {
    return true;
  }
  return g.stack_lo < g.stack_hi &&
         g.stack_hi - g.stack_lo <= (uint64_t{1} << 30);
}

absl::string_view StatusName(uint32_t status) {
  switch (status) {
    case kGidle:
      return "idle";
    case kGrunnable:
      return "runnable";
    case kGrunning:
      return "running";
    case kGsyscall:
      return "syscall";
    case kGwaiting:
      return "waiting";
    case kGdead:
      return "dead";
    case kGcopystack:
      return "copystack";
    case kGpreempted:
      return "preempted";
    case kGleaked:
      return "leaked";
    case kGdeadextra:
      return "waiting for cgo callback";
    default:
      return "???";
  }
}

}  // namespace

absl::StatusOr<GoroutineReader> GoroutineReader::WithLayout(
    const symtab::Binary& binary, const arch::ArchInfo& arch,
    const symtab::AddressSpace& memory,
    const RuntimeLayoutOptions& layout_options) {
  absl::StatusOr<ChosenRuntimeLayout> layout =
      ChooseRuntimeLayout(binary, arch, layout_options);
  if (!layout.ok()) return layout.status();
  GoroutineReader reader(binary, arch, memory, layout->layout);
  reader.layout_source_ = std::move(layout->source);
  reader.layout_guessed_ = layout->guessed;
  const RuntimeLayout& l = reader.layout_;
  reader.signal_fields_ =
      GSignalFields(l, arch.ptr_size,
                    binary.go_version() ? binary.go_version()->minor
                                        : kRuntimeLayoutTableNewestMinor);
  reader.m_incgo_ = MIncgoOffset(l, arch.ptr_size);
  reader.g_size_ = GBytesRead(l);
  // The wait reasons' names, as this release spells them.
  const symtab::ElfFile& elf = binary.elf();
  const uint64_t pair = 2 * static_cast<uint64_t>(arch.ptr_size);
  if (std::optional<symtab::ElfSymbol> names =
          elf.FindSymbol("runtime.waitReasonStrings")) {
    reader.wait_reasons_ =
        ReadStringArray(elf, arch, names->value, names->size / pair);
  } else if (std::optional<uint64_t> at = FindWaitReasonStrings(elf, arch)) {
    reader.wait_reasons_ = ReadStringArray(elf, arch, *at, kMaxWaitReasons);
  }
  return reader;
}

absl::StatusOr<GoroutineReader> GoroutineReader::Create(
    const symtab::Binary& binary, const arch::ArchInfo& arch,
    const symtab::AddressSpace& memory,
    const RuntimeLayoutOptions& layout_options) {
  absl::StatusOr<GoroutineReader> made =
      WithLayout(binary, arch, memory, layout_options);
  if (!made.ok()) return made.status();
  GoroutineReader& reader = *made;
  const uint64_t load_bias = binary.load_bias();
  const symtab::ElfFile& elf = binary.elf();
  std::optional<symtab::ElfSymbol> allgs = elf.FindSymbol("runtime.allgs");
  std::optional<symtab::ElfSymbol> allglen = elf.FindSymbol("runtime.allglen");
  if (allgs && allglen) {
    reader.allgs_ = allgs->value + load_bias;
    reader.allglen_ = allglen->value + load_bias;
    reader.allgs_method_ = "the symbol table";
  } else {
    std::optional<uint64_t> found = reader.ScanForAllgs();
    if (!found && reader.layout_guessed_) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the goroutine layout (", reader.layout_source_,
          ") does not fit this program: read with it, no slice in the "
          "binary's .bss holds valid goroutines"));
    }
    if (!found) {
      return absl::NotFoundError(
          "runtime.allgs: not in the symbol table, and no slice of valid "
          "goroutines in the binary's .bss");
    }
    reader.allgs_ = *found;
    reader.allgs_method_ = "a scan of .bss for a slice of goroutines";
  }
  if (reader.layout_guessed_) {
    absl::StatusOr<std::string> fit = reader.CheckLayout();
    if (!fit.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the goroutine layout (", reader.layout_source_,
                       ") does not fit this program: ", fit.status().message(),
                       "; refusing to read goroutines with it"));
    }
    absl::StrAppend(&reader.layout_source_, "; it fits this program's memory (",
                    *fit, ")");
  }
  return made;
}

absl::StatusOr<GoroutineReader> GoroutineReader::CreateForG(
    const symtab::Binary& binary, const arch::ArchInfo& arch,
    const symtab::AddressSpace& memory, uint64_t g,
    const RuntimeLayoutOptions& layout_options) {
  absl::StatusOr<GoroutineReader> made =
      WithLayout(binary, arch, memory, layout_options);
  if (!made.ok()) return made.status();
  GoroutineReader& reader = *made;
  absl::StatusOr<Goroutine> read = reader.ReadG(g);
  if (!read.ok()) return read.status();
  if (!reader.layout_guessed_) return made;
  const uint64_t saved_sp =
      (read->status & ~static_cast<uint32_t>(kGscan)) == kGsyscall
          ? read->syscall_sp
          : read->sched_sp;
  if (!IsPlausible(*read) || saved_sp < read->stack_lo ||
      saved_sp >= read->stack_hi || read->m_curg != g) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the goroutine layout (", reader.layout_source_,
        ") does not fit this program: the g at 0x", absl::Hex(g),
        " does not read as a goroutine its M runs; refusing to read it"));
  }
  absl::StrAppend(&reader.layout_source_,
                  "; it fits the goroutine read (its status, stack and M)");
  return made;
}

std::optional<uint64_t> GoroutineReader::ScanForAllgs() const {
  const symtab::ElfSection* bss = binary_->elf().FindSection(".bss");
  if (bss == nullptr) return std::nullopt;
  const int p = arch_->ptr_size;
  const uint64_t word = p;
  const uint64_t start = bss->addr + binary_->load_bias();
  for (uint64_t off = 0; off + 3 * word <= bss->size; off += word) {
    // A core may split .bss across segments, even inside a slice header:
    // read each of its words alone.
    std::optional<uint64_t> array = Word(start + off, p);
    std::optional<uint64_t> length = Word(start + off + word, p);
    std::optional<uint64_t> capacity = Word(start + off + 2 * word, p);
    if (!array || !length || !capacity || *array == 0 || *array % p != 0 ||
        *length == 0 || *length > *capacity || *capacity > kMaxGoroutines) {
      continue;
    }
    // Every element must read as a goroutine, with distinct ids.
    absl::flat_hash_set<int64_t> ids;
    bool valid = true;
    for (uint64_t i = 0; i < *length && valid; ++i) {
      std::optional<uint64_t> g = Word(*array + i * p, p);
      absl::StatusOr<Goroutine> goroutine =
          g ? ReadG(*g) : absl::StatusOr<Goroutine>(absl::NotFoundError(""));
      valid = goroutine.ok() && IsPlausible(*goroutine) &&
              ids.insert(goroutine->goid).second;
    }
    if (valid) return start + off;
  }
  return std::nullopt;
}

absl::StatusOr<std::string> GoroutineReader::CheckLayout() const {
  absl::StatusOr<std::vector<Goroutine>> gs = ReadAll(kMaxGoroutines);
  if (!gs.ok()) return gs.status();
  if (gs->empty()) return absl::DataLossError("allgs is empty");
  absl::flat_hash_set<int64_t> ids;
  int stacks = 0, links = 0, starts = 0;
  for (const Goroutine& g : *gs) {
    auto misfit = [&](absl::string_view what) {
      return absl::DataLossError(absl::StrCat(
          "the g at 0x", absl::Hex(g.address), " (goid ", g.goid, ") ", what));
    };
    if (!IsPlausible(g)) {
      return misfit(absl::StrCat("has status ", g.status, " and stack [0x",
                                 absl::Hex(g.stack_lo), ", 0x",
                                 absl::Hex(g.stack_hi), ")"));
    }
    if (!ids.insert(g.goid).second) return misfit("repeats a goroutine id");
    const uint32_t status = g.status & ~static_cast<uint32_t>(kGscan);
    // A parked or runnable goroutine saved its stack pointer in g.sched.
    if (status == kGwaiting || status == kGrunnable || status == kGpreempted) {
      if (g.sched_sp < g.stack_lo || g.sched_sp >= g.stack_hi) {
        return misfit(absl::StrCat("saved sp 0x", absl::Hex(g.sched_sp),
                                   " outside its stack"));
      }
      ++stacks;
    }
    // Every goroutine but a dead one started at a function's entry, from a
    // `go` statement (a call to newproc) in code.
    if (status != kGdead && status != kGdeadextra && status != kGidle) {
      absl::StatusOr<symtab::Func> start =
          binary_->pclntab().FindFunc(g.start_pc);
      if (!start.ok() || start->entry() != g.start_pc) {
        return misfit(absl::StrCat("starts at 0x", absl::Hex(g.start_pc),
                                   ", no function's entry"));
      }
      if (!binary_->pclntab().FindFunc(g.go_pc).ok()) {
        return misfit(absl::StrCat("was created at 0x", absl::Hex(g.go_pc),
                                   ", in no function"));
      }
      ++starts;
    }
    // A running goroutine's M runs it.
    if ((status == kGrunning || status == kGsyscall) && g.m != 0) {
      const int p = arch_->ptr_size;
      if (Word(g.m + layout_.m_curg, p) != g.address) {
        return misfit(absl::StrCat("names M 0x", absl::Hex(g.m),
                                   ", whose curg is not it"));
      }
      ++links;
    }
  }
  if (stacks + links == 0) {
    return absl::DataLossError(
        "no goroutine has a saved stack pointer or an M to check it by");
  }
  return absl::StrCat(gs->size(),
                      " goroutines with distinct ids and valid "
                      "statuses, ",
                      starts, " started at function entries, ", stacks,
                      " saved stack pointers inside their stacks, ", links,
                      " g.m/m.curg links");
}

std::optional<uint64_t> GoroutineReader::Word(uint64_t address,
                                              int size) const {
  std::optional<symtab::ByteReader> bytes = memory_->Read(address, size);
  if (!bytes) return std::nullopt;
  return bytes->Word(0, size);
}

absl::StatusOr<std::vector<Goroutine>> GoroutineReader::ReadAll(
    size_t limit) const {
  const int p = arch_->ptr_size;
  std::optional<uint64_t> array = Word(allgs_, p);
  std::optional<uint64_t> slice_length = Word(allgs_ + p, p);
  // Without symbols only the slice is known; its length serves.
  std::optional<uint64_t> count =
      allglen_ != 0 ? Word(allglen_, p) : slice_length;
  if (!array || !slice_length || !count) {
    return absl::DataLossError(absl::StrCat(
        "runtime.allgs at 0x", absl::Hex(allgs_), " is not in memory"));
  }
  // allglen is published after the slice grows; never read past either.
  const uint64_t n = std::min<uint64_t>({*count, *slice_length, limit});
  std::vector<Goroutine> goroutines;
  goroutines.reserve(std::min<uint64_t>(n, 1 << 16));
  for (uint64_t i = 0; i < n; ++i) {
    std::optional<uint64_t> g = Word(*array + i * p, p);
    if (!g) {
      return absl::DataLossError(absl::StrCat("allgs[", i, "] at 0x",
                                              absl::Hex(*array + i * p),
                                              " is not in memory"));
    }
    absl::StatusOr<Goroutine> goroutine = ReadG(*g);
    if (!goroutine.ok()) {
      return absl::Status(
          goroutine.status().code(),
          absl::StrCat("allgs[", i, "]: ", goroutine.status().message()));
    }
    goroutines.push_back(*goroutine);
  }
  return goroutines;
}

absl::StatusOr<Goroutine> GoroutineReader::ReadG(uint64_t address) const {
  std::optional<symtab::ByteReader> g = memory_->Read(address, g_size_);
  if (!g) {
    return absl::DataLossError(
        absl::StrCat("g at 0x", absl::Hex(address), " is not in memory"));
  }
  const int p = arch_->ptr_size;
  const RuntimeLayout& l = layout_;
  auto word = [&](int offset) -> uint64_t {
    return offset < 0 ? 0 : g->Word(offset, p).value_or(0);
  };
  auto u64 = [&](int offset) -> uint64_t {
    return offset < 0 ? 0 : g->U64(offset).value_or(0);
  };
  Goroutine out;
  out.address = address;
  out.goid = static_cast<int64_t>(u64(l.g_goid));
  out.status = g->U32(l.g_atomicstatus).value_or(0);
  out.wait_reason = g->U8(l.g_waitreason).value_or(0);
  out.wait_since = static_cast<int64_t>(u64(l.g_waitsince));
  out.stack_lo = word(l.g_stack_lo);
  out.stack_hi = word(l.g_stack_hi);
  out.sched_pc = word(l.g_sched + l.gobuf_pc);
  out.sched_sp = word(l.g_sched + l.gobuf_sp);
  out.sched_lr = word(l.g_sched + l.gobuf_lr);
  out.syscall_pc = word(l.g_syscallpc);
  out.syscall_sp = word(l.g_syscallsp);
  out.m = word(l.g_m);
  out.locked_m = word(l.g_lockedm);
  out.go_pc = word(l.g_gopc);
  out.start_pc = word(l.g_startpc);
  out.parent_goid = static_cast<int64_t>(u64(l.g_parent_goid));
  out.ancestors = word(l.g_ancestors);
  out.sig = g->U32(signal_fields_.sig).value_or(0);
  out.sigcode0 = word(signal_fields_.sigcode0);
  out.sigcode1 = word(signal_fields_.sigcode1);
  out.sigpc = word(signal_fields_.sigpc);
  if (out.m != 0) {
    out.m_procid = Word(out.m + l.m_procid, 8).value_or(0);
    out.m_id = static_cast<int64_t>(Word(out.m + l.m_id, 8).value_or(0));
    out.m_gsignal = Word(out.m + l.m_gsignal, p).value_or(0);
    out.m_g0 = Word(out.m + l.m_g0, p).value_or(0);
    out.m_curg = Word(out.m + l.m_curg, p).value_or(0);
    out.m_incgo = memory_->ReadUnsigned(out.m + m_incgo_, 1, arch_->byte_order)
                      .value_or(0) != 0;
  }
  return out;
}

absl::StatusOr<std::vector<GoroutineAncestor>> GoroutineReader::ReadAncestors(
    const Goroutine& g) const {
  std::vector<GoroutineAncestor> ancestors;
  if (g.ancestors == 0) return ancestors;
  const int p = arch_->ptr_size;
  const uint64_t word = p;
  auto lost = [&](absl::string_view what) {
    return absl::DataLossError(
        absl::StrCat("goroutine ", g.goid, ": ancestors at 0x",
                     absl::Hex(g.ancestors), ": ", what));
  };
  std::optional<uint64_t> array = Word(g.ancestors, p);
  std::optional<uint64_t> count = Word(g.ancestors + word, p);
  if (!array || !count) return lost("not in memory");
  if (*count > kMaxAncestors) return lost(absl::StrCat(*count, " of them"));
  // runtime.ancestorInfo: pcs []uintptr; goid int64; gopc uintptr (goid is
  // 4-byte aligned on 32-bit machines).
  const uint64_t size = 4 * word + 8;
  for (uint64_t i = 0; i < *count; ++i) {
    std::optional<symtab::ByteReader> info =
        memory_->Read(*array + i * size, size);
    if (!info) return lost(absl::StrCat("record ", i, " is not in memory"));
    const uint64_t pcs = info->Word(0, p).value_or(0);
    const uint64_t npcs = info->Word(word, p).value_or(0);
    if (npcs > kMaxAncestorPcs) {
      return lost(absl::StrCat("record ", i, " has ", npcs, " pcs"));
    }
    GoroutineAncestor& ancestor = ancestors.emplace_back();
    ancestor.goid = static_cast<int64_t>(info->U64(3 * word).value_or(0));
    ancestor.go_pc = info->Word(3 * word + 8, p).value_or(0);
    for (uint64_t j = 0; j < npcs; ++j) {
      std::optional<uint64_t> pc = Word(pcs + j * word, p);
      if (!pc) return lost(absl::StrCat("record ", i, "'s pcs are unreadable"));
      ancestor.pcs.push_back(*pc);
    }
  }
  return ancestors;
}

std::string GoroutineReader::WaitReasonText(uint8_t reason) const {
  if (reason < wait_reasons_.size()) return wait_reasons_[reason];
  return absl::StrCat("wait reason ", reason);
}

int64_t GoroutineReader::WaitMinutes(const Goroutine& g, int64_t nanotime) {
  const uint32_t status = g.status & ~static_cast<uint32_t>(kGscan);
  if ((status != kGwaiting && status != kGsyscall) || g.wait_since == 0 ||
      nanotime < g.wait_since) {
    return 0;
  }
  return (nanotime - g.wait_since) / 60'000'000'000;
}

std::string GoroutineReader::StatusText(const Goroutine& g,
                                        std::optional<int64_t> nanotime) const {
  const uint32_t status = g.status & ~static_cast<uint32_t>(kGscan);
  std::string text(StatusName(status));
  if (status == kGwaiting && g.wait_reason != 0) {
    text = WaitReasonText(g.wait_reason);
  }
  if (g.status & kGscan) absl::StrAppend(&text, " (scan)");
  if (const int64_t minutes = nanotime ? WaitMinutes(g, *nanotime) : 0;
      minutes >= 1) {
    absl::StrAppend(&text, ", ", minutes, " minutes");
  }
  if (g.locked_m != 0) absl::StrAppend(&text, ", locked to thread");
  return text;
}

}  // namespace gentrace::goruntime
