#include "tests/testing/full_minidump.h"

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "arch/arch.h"
#include "symtab/byte_writer.h"
#include "symtab/elf_file.h"
#include "symtab/mapped_file.h"
#include "target/core_file.h"
#include "target/minidump_format.h"

namespace gentrace::testing {
namespace {

namespace md = ::gentrace::target::minidump;
using ::gentrace::symtab::AppendLittleEndian;
using ::gentrace::symtab::WriteLittleEndian;

}  // namespace

absl::StatusOr<std::string> FullMemoryMinidumpOfCore(
    const std::string& core_path) {
  absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
      target::CoreFile::Open(core_path);
  if (!core.ok()) return core.status();
  const arch::ArchInfo& arch = (*core)->arch();
  if (arch.minidump.registers.empty() ||
      arch.byte_order != symtab::ByteOrder::kLittle) {
    return absl::UnimplementedError(
        absl::StrCat("no minidump context for ", arch.goarch));
  }
  absl::StatusOr<std::unique_ptr<symtab::MappedFile>> file =
      symtab::MappedFile::Open(core_path);
  if (!file.ok()) return file.status();
  absl::StatusOr<std::unique_ptr<symtab::ElfFile>> elf =
      symtab::ElfFile::Parse((*file)->bytes());
  if (!elf.ok()) return elf.status();
  const int p = arch.ptr_size;

  // The streams, each appended after the header and directory; the
  // Memory64List's bytes come last (its RVA is the only 64-bit one).
  struct Stream {
    uint32_t type;
    std::string bytes;
  };
  std::vector<Stream> streams;

  std::string system(md::kSystemInfoSize, '\0');
  WriteLittleEndian(system, 0, arch.minidump.cpu, 2);
  WriteLittleEndian(system, 20, md::kPlatformLinux, 4);
  streams.push_back({md::kSystemInfoStream, system});

  // Thread records, then their contexts: the registers the arch table places
  // from first_register on, register_size bytes each.
  const size_t context_size =
      arch.minidump.first_register +
      arch.minidump.registers.size() * arch.minidump.register_size;
  const auto threads = (*core)->threads();
  std::string thread_list;
  AppendLittleEndian(thread_list, threads.size(), 4);
  std::string contexts;
  for (const target::Thread& thread : threads) {
    std::string context(context_size, '\0');
    for (size_t i = 0; i < arch.minidump.registers.size(); ++i) {
      if (arch.minidump.registers[i].empty()) continue;
      std::optional<uint64_t> value =
          thread.registers.Get(arch.minidump.registers[i]);
      WriteLittleEndian(
          context,
          arch.minidump.first_register + i * arch.minidump.register_size,
          value.value_or(0), static_cast<int>(arch.minidump.register_size));
    }
    thread_list.append(md::kThreadSize, '\0');
    const size_t at = thread_list.size() - md::kThreadSize;
    WriteLittleEndian(thread_list, at, thread.tid, 4);
    WriteLittleEndian(thread_list, at + 24, thread.registers.sp().value_or(0),
                      8);
    // The context's RVA (at + 44) is filled in once the stream's place is
    // known.
    WriteLittleEndian(thread_list, at + 40, context_size, 4);
    contexts += context;
  }
  const size_t thread_list_index = streams.size();
  streams.push_back({md::kThreadListStream, thread_list + contexts});

  std::string auxv;
  for (const auto& [type, value] :
       {std::pair{target::kAuxvPageSize, (*core)->page_size().value_or(4096)},
        std::pair{target::kAuxvEntry, (*core)->entry().value_or(0)},
        std::pair{uint64_t{0}, uint64_t{0}}}) {
    AppendLittleEndian(auxv, type, p);
    AppendLittleEndian(auxv, value, p);
  }
  streams.push_back({md::kLinuxAuxvStream, auxv});

  std::string maps;
  for (const target::FileMapping& m : (*core)->file_mappings()) {
    absl::StrAppend(&maps, absl::Hex(m.start), "-", absl::Hex(m.end), " r-xp ",
                    absl::Hex(m.file_offset, absl::kZeroPad8), " 00:00 0 ",
                    m.path, "\n");
  }
  streams.push_back({md::kLinuxMapsStream, maps});

  // Every PT_LOAD's captured bytes.
  std::vector<const symtab::ElfSegment*> loads;
  for (const symtab::ElfSegment& segment : (*elf)->segments()) {
    if (segment.type == symtab::kPtLoad && segment.filesz > 0) {
      loads.push_back(&segment);
    }
  }
  std::string memory_list;
  AppendLittleEndian(memory_list, loads.size(), 8);
  AppendLittleEndian(memory_list, 0, 8);  // the bytes' RVA, filled in below
  for (const symtab::ElfSegment* segment : loads) {
    AppendLittleEndian(memory_list, segment->vaddr, 8);
    AppendLittleEndian(memory_list, segment->filesz, 8);
  }
  streams.push_back({md::kMemory64ListStream, memory_list});

  std::string out;
  AppendLittleEndian(out, md::kSignature, 4);
  AppendLittleEndian(out, md::kVersion, 4);
  AppendLittleEndian(out, streams.size(), 4);
  AppendLittleEndian(out, md::kHeaderSize, 4);
  out.resize(md::kHeaderSize + streams.size() * md::kDirectoryEntrySize, '\0');
  for (size_t i = 0; i < streams.size(); ++i) {
    const size_t rva = out.size();
    const size_t entry = md::kHeaderSize + i * md::kDirectoryEntrySize;
    WriteLittleEndian(out, entry, streams[i].type, 4);
    WriteLittleEndian(out, entry + 4, streams[i].bytes.size(), 4);
    WriteLittleEndian(out, entry + 8, rva, 4);
    out += streams[i].bytes;
    if (i == thread_list_index) {
      const size_t contexts_rva = rva + 4 + threads.size() * md::kThreadSize;
      for (size_t t = 0; t < threads.size(); ++t) {
        const size_t at = rva + 4 + t * md::kThreadSize + 44;
        WriteLittleEndian(out, at, contexts_rva + t * context_size, 4);
      }
    }
  }
  // The Memory64List's bytes: each load's, in its order.
  WriteLittleEndian(out, out.size() - memory_list.size() + 8, out.size(), 8);
  for (const symtab::ElfSegment* segment : loads) {
    std::optional<symtab::ByteReader> bytes =
        symtab::ByteReader((*file)->bytes(), symtab::ByteOrder::kLittle)
            .Sub(segment->offset, segment->filesz);
    if (!bytes) return absl::DataLossError("a PT_LOAD outside the core");
    out.append(reinterpret_cast<const char*>(bytes->data().data()),
               bytes->size());
  }
  return out;
}

}  // namespace gentrace::testing
