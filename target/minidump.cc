#include "target/minidump.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "arch/arch.h"
#include "arch/registers.h"
#include "target/minidump_format.h"
#include "target/proc_maps.h"

namespace gentrace::target {
namespace {

using minidump::kCodeViewElf;
using minidump::kDirectoryEntrySize;
using minidump::kExceptionAccessViolation;
using minidump::kExceptionInPageError;
using minidump::kExceptionSize;
using minidump::kExceptionStream;
using minidump::kHeaderSize;
using minidump::kLinuxAuxvStream;
using minidump::kLinuxMapsStream;
using minidump::kMemory64DescriptorSize;
using minidump::kMemory64ListStream;
using minidump::kMemoryDescriptorSize;
using minidump::kMemoryListStream;
using minidump::kModuleListStream;
using minidump::kModuleSize;
using minidump::kPlatformWin32Nt;
using minidump::kSignature;
using minidump::kSystemInfoPlatformAt;
using minidump::kSystemInfoStream;
using minidump::kThreadListStream;
using minidump::kThreadSize;
// Longer module names are cut there (a name is a path).
constexpr uint32_t kMaxNameBytes = 1 << 16;

absl::Status Truncated(absl::string_view what) {
  return absl::DataLossError(
      absl::StrCat("minidump: ", what, " lies outside the file"));
}

// The UTF-16LE of an MDString as UTF-8 (unpaired surrogates as U+FFFD).
std::string Utf8Of(const symtab::ByteReader& utf16) {
  std::string out;
  auto append = [&out](uint32_t c) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xc0 | c >> 6));
      out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xe0 | c >> 12));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else {
      out.push_back(static_cast<char>(0xf0 | c >> 18));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    }
  };
  const uint64_t units = utf16.size() / 2;
  for (uint64_t i = 0; i < units; ++i) {
    const uint32_t unit = *utf16.U16(2 * i);
    if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < units) {
      const uint32_t low = *utf16.U16(2 * i + 2);
      if (low >= 0xdc00 && low < 0xe000) {
        append(0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00));
        ++i;
        continue;
      }
    }
    append(unit >= 0xd800 && unit < 0xe000 ? 0xfffd : unit);
  }
  return out;
}

}  // namespace

bool Minidump::LooksLikeOne(absl::Span<const uint8_t> bytes) {
  const symtab::ByteReader r(bytes, symtab::ByteOrder::kLittle);
  return r.U32(0) == kSignature;
}

absl::StatusOr<std::unique_ptr<Minidump>> Minidump::Open(
    absl::string_view path) {
  absl::StatusOr<std::unique_ptr<symtab::MappedFile>> file =
      symtab::MappedFile::Open(path);
  if (!file.ok()) return file.status();
  return FromFile(*std::move(file));
}

absl::StatusOr<std::unique_ptr<Minidump>> Minidump::FromBytes(
    std::string bytes) {
  return FromFile(symtab::MappedFile::FromBytes(std::move(bytes)));
}

absl::StatusOr<std::unique_ptr<Minidump>> Minidump::FromFile(
    std::unique_ptr<symtab::MappedFile> file) {
  std::unique_ptr<Minidump> dump(new Minidump());
  dump->file_ = std::move(file);
  if (absl::Status parsed = dump->Parse(); !parsed.ok()) return parsed;
  return dump;
}

absl::Status Minidump::AddRange(uint64_t address, uint64_t size, uint64_t rva) {
  if (size == 0) return absl::OkStatus();
  const symtab::ByteReader file(file_->bytes(), symtab::ByteOrder::kLittle);
  std::optional<symtab::ByteReader> bytes = file.Sub(rva, size);
  if (!bytes || address + size < address) return Truncated("a memory range");
  ranges_.push_back({address, bytes->data()});
  return absl::OkStatus();
}

void Minidump::SortRanges() {
  std::stable_sort(
      ranges_.begin(), ranges_.end(),
      [](const Range& a, const Range& b) { return a.address < b.address; });
  std::vector<Range> kept;
  for (Range range : ranges_) {
    if (!kept.empty()) {
      const uint64_t end = kept.back().address + kept.back().bytes.size();
      if (range.address + range.bytes.size() <= end) continue;  // inside
      if (range.address < end) {
        range.bytes.remove_prefix(end - range.address);
        range.address = end;
      }
    }
    kept.push_back(range);
  }
  // Each run of ranges that meet: one span where their bytes follow each
  // other in the file too (a Memory64List's do), else one copy; copies
  // stay within the file's size in all (ranges may share bytes: a hostile
  // file could ask for far more).
  ranges_.clear();
  uint64_t copied = 0;
  for (size_t first = 0; first < kept.size();) {
    size_t last = first;
    bool in_file_order = true;
    while (last + 1 < kept.size() &&
           kept[last].address + kept[last].bytes.size() ==
               kept[last + 1].address) {
      in_file_order =
          in_file_order && kept[last].bytes.data() + kept[last].bytes.size() ==
                               kept[last + 1].bytes.data();
      ++last;
    }
    const uint64_t size =
        kept[last].address + kept[last].bytes.size() - kept[first].address;
    if (in_file_order) {
      ranges_.push_back({kept[first].address,
                         absl::MakeConstSpan(kept[first].bytes.data(), size)});
    } else if (copied + size > file_->bytes().size()) {
      ranges_.insert(ranges_.end(), kept.begin() + first,
                     kept.begin() + last + 1);
    } else {
      copied += size;
      std::vector<uint8_t>& copy = joined_.emplace_back();
      copy.reserve(size);
      for (size_t i = first; i <= last; ++i) {
        copy.insert(copy.end(), kept[i].bytes.begin(), kept[i].bytes.end());
      }
      ranges_.push_back({kept[first].address, copy});
    }
    first = last + 1;
  }
}

absl::Status Minidump::Parse() {
  const symtab::ByteReader file(file_->bytes(), symtab::ByteOrder::kLittle);
  if (file.U32(0) != kSignature) {
    return absl::InvalidArgumentError("not a minidump (no MDMP signature)");
  }
  if (!file.Contains(0, kHeaderSize)) return Truncated("the header");
  const uint32_t stream_count = *file.U32(8);
  std::optional<symtab::ByteReader> directory =
      file.Sub(*file.U32(12), uint64_t{stream_count} * kDirectoryEntrySize);
  if (!directory) return Truncated("the stream directory");
  // The first stream of each type.
  absl::flat_hash_map<uint32_t, symtab::ByteReader> streams;
  for (uint32_t i = 0; i < stream_count; ++i) {
    const uint64_t at = uint64_t{i} * kDirectoryEntrySize;
    const uint32_t type = *directory->U32(at);
    std::optional<symtab::ByteReader> stream =
        file.Sub(*directory->U32(at + 8), *directory->U32(at + 4));
    if (!stream) return Truncated(absl::StrCat("stream ", type));
    streams.try_emplace(type, *stream);
  }
  auto stream = [&](uint32_t type) -> const symtab::ByteReader* {
    auto it = streams.find(type);
    return it == streams.end() ? nullptr : &it->second;
  };

  const symtab::ByteReader* system = stream(kSystemInfoStream);
  if (system == nullptr || !system->U16(0)) {
    return absl::InvalidArgumentError("minidump: no system information");
  }
  const uint16_t cpu = *system->U16(0);
  for (const arch::ArchInfo& arch : arch::AllArches()) {
    if (!arch.minidump.registers.empty() &&
        (arch.minidump.cpu == cpu || arch.minidump.old_cpu == cpu)) {
      facts().arch = &arch;
      break;
    }
  }
  if (facts().arch == nullptr) {
    return absl::UnimplementedError(
        absl::StrCat("minidump: processor ", cpu, " is not read"));
  }
  const arch::ArchInfo& arch = *facts().arch;

  // A thread context's general registers.
  auto registers_at = [&](uint32_t size,
                          uint32_t rva) -> absl::StatusOr<arch::Registers> {
    std::optional<symtab::ByteReader> context = file.Sub(rva, size);
    if (!context) return Truncated("a thread context");
    arch::Registers registers(arch);
    const uint32_t register_size = arch.minidump.register_size;
    // A register kept wider than a pointer (MIPS o32) is its low half.
    const uint64_t mask = arch.ptr_size == 8
                              ? ~uint64_t{0}
                              : (uint64_t{1} << (8 * arch.ptr_size)) - 1;
    for (size_t i = 0; i < arch.minidump.registers.size(); ++i) {
      std::optional<uint64_t> word =
          context->Word(arch.minidump.first_register + i * register_size,
                        static_cast<int>(register_size));
      if (!word) return Truncated("a register of a thread context");
      if (!arch.minidump.registers[i].empty()) {
        registers.Set(arch.minidump.registers[i], *word & mask);
      }
    }
    return registers;
  };

  std::optional<arch::Registers> crash_registers;
  if (const symtab::ByteReader* exception = stream(kExceptionStream)) {
    if (!exception->Contains(0, kExceptionSize)) {
      return Truncated("the exception stream");
    }
    crash_ = Crash{.tid = *exception->U32(0),
                   .signal = *exception->U32(8),
                   .code = *exception->U32(12),
                   .address = *exception->U64(24)};
    // A Windows access violation's faulting address is its second
    // parameter (exception_information[1]), as Breakpad's processor reads
    // it; Linux writers put the signal's si_addr in exception_address.
    if ((crash_->signal == kExceptionAccessViolation ||
         crash_->signal == kExceptionInPageError) &&
        *exception->U32(32) >= 2) {
      crash_->address = *exception->U64(48);
    }
    absl::StatusOr<arch::Registers> registers =
        registers_at(*exception->U32(160), *exception->U32(164));
    if (!registers.ok()) return registers.status();
    crash_registers = *registers;
  }

  if (const symtab::ByteReader* threads = stream(kThreadListStream)) {
    const uint32_t count = threads->U32(0).value_or(0);
    if (!threads->Contains(4, uint64_t{count} * kThreadSize)) {
      return Truncated("the thread list");
    }
    for (uint32_t i = 0; i < count; ++i) {
      const uint64_t at = 4 + uint64_t{i} * kThreadSize;
      Thread thread;
      thread.tid = *threads->U32(at);
      if (absl::Status added =
              AddRange(*threads->U64(at + 24), *threads->U32(at + 32),
                       *threads->U32(at + 36));
          !added.ok()) {
        return added;
      }
      if (crash_registers && crash_ && crash_->tid == thread.tid) {
        thread.registers = *crash_registers;
      } else {
        absl::StatusOr<arch::Registers> registers =
            registers_at(*threads->U32(at + 40), *threads->U32(at + 44));
        if (!registers.ok()) return registers.status();
        thread.registers = *registers;
      }
      facts().threads.push_back(thread);
    }
  }

  if (const symtab::ByteReader* list = stream(kMemoryListStream)) {
    const uint32_t count = list->U32(0).value_or(0);
    if (!list->Contains(4, uint64_t{count} * kMemoryDescriptorSize)) {
      return Truncated("the memory list");
    }
    for (uint32_t i = 0; i < count; ++i) {
      const uint64_t at = 4 + uint64_t{i} * kMemoryDescriptorSize;
      if (absl::Status added =
              AddRange(*list->U64(at), *list->U32(at + 8), *list->U32(at + 12));
          !added.ok()) {
        return added;
      }
    }
  }
  if (const symtab::ByteReader* list = stream(kMemory64ListStream)) {
    full_memory_ = true;
    const uint64_t count = list->U64(0).value_or(0);
    uint64_t rva = list->U64(8).value_or(0);
    if (count > list->size() / kMemory64DescriptorSize ||
        !list->Contains(16, count * kMemory64DescriptorSize)) {
      return Truncated("the 64-bit memory list");
    }
    for (uint64_t i = 0; i < count; ++i) {
      const uint64_t at = 16 + i * kMemory64DescriptorSize;
      const uint64_t size = *list->U64(at + 8);
      if (absl::Status added = AddRange(*list->U64(at), size, rva);
          !added.ok()) {
        return added;
      }
      rva += size;  // AddRange checked that it stays in the file
    }
  }
  SortRanges();

  if (const symtab::ByteReader* list = stream(kModuleListStream)) {
    const uint32_t count = list->U32(0).value_or(0);
    if (!list->Contains(4, uint64_t{count} * kModuleSize)) {
      return Truncated("the module list");
    }
    for (uint32_t i = 0; i < count; ++i) {
      const uint64_t at = 4 + uint64_t{i} * kModuleSize;
      Module module;
      module.base = *list->U64(at);
      module.size = *list->U32(at + 8);
      const uint32_t name_rva = *list->U32(at + 20);
      std::optional<uint32_t> name_bytes = file.U32(name_rva);
      std::optional<symtab::ByteReader> name =
          name_bytes ? file.Sub(uint64_t{name_rva} + 4,
                                std::min(*name_bytes, kMaxNameBytes))
                     : std::nullopt;
      if (!name) return Truncated("a module's name");
      module.name = Utf8Of(*name);
      std::optional<symtab::ByteReader> codeview =
          file.Sub(*list->U32(at + 80), *list->U32(at + 76));
      if (!codeview) return Truncated("a module's CodeView record");
      if (codeview->U32(0) == kCodeViewElf) {
        for (uint8_t b : codeview->data().subspan(4)) {
          absl::StrAppend(&module.build_id, absl::Hex(b, absl::kZeroPad2));
        }
      }
      modules_.push_back(std::move(module));
    }
  }

  if (const symtab::ByteReader* auxv = stream(kLinuxAuxvStream)) {
    facts().entry = AuxvValue(*auxv, kAuxvEntry, arch.ptr_size);
    facts().page_size = AuxvValue(*auxv, kAuxvPageSize, arch.ptr_size);
  }
  // Windows' writers (dbghelp, Crashpad, Breakpad's) list the executable
  // first, and a Windows dump has no auxiliary vector to say otherwise.
  if (!facts().entry &&
      system->U32(kSystemInfoPlatformAt) == kPlatformWin32Nt &&
      !modules_.empty()) {
    facts().executable_base = modules_.front().base;
  }
  if (const symtab::ByteReader* maps = stream(kLinuxMapsStream)) {
    absl::StatusOr<std::vector<MapsEntry>> entries =
        ParseProcMaps(absl::string_view(
            reinterpret_cast<const char*>(maps->data().data()), maps->size()));
    if (!entries.ok()) {
      return absl::DataLossError(absl::StrCat("minidump: its maps stream: ",
                                              entries.status().message()));
    }
    facts().file_mappings = FileMappingsOf(*entries);
  }
  return absl::OkStatus();
}

const Minidump::Module* Minidump::main_module() const {
  for (const Module& module : modules_) {
    if (entry() ? *entry() - module.base < module.size
                : module.base == executable_base()) {
      return &module;
    }
  }
  return nullptr;
}

std::optional<symtab::ByteReader> Minidump::Memory::ReadOwn(
    uint64_t address) const {
  const std::vector<Range>& ranges = dump_.ranges_;
  auto after = std::upper_bound(
      ranges.begin(), ranges.end(), address,
      [](uint64_t a, const Range& range) { return a < range.address; });
  if (after == ranges.begin()) return std::nullopt;
  const Range& range = *std::prev(after);
  if (address - range.address >= range.bytes.size()) return std::nullopt;
  return symtab::ByteReader(range.bytes.subspan(address - range.address),
                            dump_.arch().byte_order);
}

std::optional<symtab::ByteReader> Minidump::Memory::ReadToEnd(
    uint64_t address) const {
  if (auto bytes = ReadOwn(address)) return bytes;
  const uint64_t bias = dump_.load_bias();
  if (dump_.executable_ != nullptr && address >= bias) {
    return dump_.executable_->ReadToEnd(address - bias);
  }
  return std::nullopt;
}

}  // namespace gentrace::target
