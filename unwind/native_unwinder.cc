// The remote half of native_unwinder.h: libunwind's generic interface over
// a ptrace-stopped thread (libunwind-ptrace) or an ELF core
// (libunwind-coredump).
#include "unwind/native_unwinder.h"

#include <libunwind-coredump.h>
#include <libunwind-ptrace.h>
#include <libunwind.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "unwind/native_walk.h"

namespace gentrace::unwind {
namespace {

// Walks libunwind's remote interface from a thread state its `accessors`
// describe (`arg` is theirs): at most `max_frames` frames. `what` names the
// state in errors.
absl::StatusOr<std::vector<NativeFrame>> WalkRemote(unw_accessors_t* accessors,
                                                    void* arg, int max_frames,
                                                    absl::string_view what) {
  unw_addr_space_t space = unw_create_addr_space(accessors, 0);
  if (space == nullptr) {
    return absl::InternalError("libunwind made no address space");
  }
  std::vector<NativeFrame> frames(max_frames);
  unw_cursor_t cursor;
  const int init = unw_init_remote(&cursor, space, arg);
  int n = 0;
  if (init == 0) {
    n = internal::WalkNativeCursor(
        [&](uint64_t* pc, uint64_t* sp) {
          unw_word_t ip = 0, stack = 0;
          if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 ||
              unw_get_reg(&cursor, UNW_REG_SP, &stack) != 0) {
            return false;
          }
          *pc = ip;
          *sp = stack;
          return true;
        },
        [&] { return unw_step(&cursor); }, absl::MakeSpan(frames));
  }
  unw_destroy_addr_space(space);
  if (init != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "libunwind cannot start on ", what, " (error ", init, ")"));
  }
  frames.resize(n);
  return frames;
}

// What a walk over our own memory needs in libunwind's accessors.
struct MemoryWalk {
  const symtab::AddressSpace* memory;
  absl::Span<const NativeUnwindTable> tables;
  absl::Span<const NativeRegister> registers;
};

// libunwind's own binary-search table lookup (exported, not declared).
extern "C" int
_Ux86_64_dwarf_search_unwind_table(  // NOLINT(bugprone-reserved-identifier)
    unw_addr_space_t, unw_word_t, unw_dyn_info_t*, unw_proc_info_t*, int,
    void*);

int WalkAccessMemory(unw_addr_space_t, unw_word_t address, unw_word_t* value,
                     int write, void* arg) {
  const auto* walk = static_cast<const MemoryWalk*>(arg);
  if (write) return -UNW_EINVAL;
  std::optional<symtab::ByteReader> bytes =
      walk->memory->Read(address, sizeof(unw_word_t));
  if (!bytes) return -UNW_EINVAL;
  *value = *bytes->U64(0);
  return 0;
}

int WalkAccessRegister(unw_addr_space_t, unw_regnum_t number, unw_word_t* value,
                       int write, void* arg) {
  const auto* walk = static_cast<const MemoryWalk*>(arg);
  if (write) return -UNW_EREADONLYREG;
  *value = 0;
  for (const NativeRegister& r : walk->registers) {
    if (r.number == number) *value = r.value;
  }
  return 0;
}

int WalkAccessFpRegister(unw_addr_space_t, unw_regnum_t, unw_fpreg_t*, int,
                         void*) {
  return -UNW_EBADREG;
}

// The .eh_frame_hdr of the object holding `ip`: its binary-search table
// (version 1, a pc-relative 4-byte eh_frame pointer, a 4-byte FDE count,
// data-relative 4-byte entries), handed to libunwind's own lookup.
int WalkFindProcInfo(unw_addr_space_t space, unw_word_t ip,
                     unw_proc_info_t* info, int need_unwind_info, void* arg) {
  const auto* walk = static_cast<const MemoryWalk*>(arg);
  for (const NativeUnwindTable& table : walk->tables) {
    if (ip < table.text_start || ip >= table.text_end) continue;
    std::optional<symtab::ByteReader> header =
        walk->memory->Read(table.eh_frame_hdr, 12);
    constexpr uint8_t kPcRelSdata4 = 0x1b;
    constexpr uint8_t kUdata4 = 0x03;
    constexpr uint8_t kDataRelSdata4 = 0x3b;
    if (!header || *header->U8(0) != 1 || *header->U8(1) != kPcRelSdata4 ||
        *header->U8(2) != kUdata4 || *header->U8(3) != kDataRelSdata4) {
      return -UNW_ENOINFO;
    }
    const uint32_t fde_count = *header->U32(8);
    unw_dyn_info_t dyn{};
    dyn.start_ip = table.text_start;
    dyn.end_ip = table.text_end;
    dyn.format = UNW_INFO_FORMAT_REMOTE_TABLE;
    dyn.u.rti.segbase = table.eh_frame_hdr;
    dyn.u.rti.table_data = table.eh_frame_hdr + 12;
    dyn.u.rti.table_len = uint64_t{fde_count} * 8 / sizeof(unw_word_t);
    return _Ux86_64_dwarf_search_unwind_table(space, ip, &dyn, info,
                                              need_unwind_info, arg);
  }
  return -UNW_ENOINFO;
}

void WalkPutUnwindInfo(unw_addr_space_t, unw_proc_info_t* info, void*) {
  std::free(info->unwind_info);  // NOLINT(cppcoreguidelines-no-malloc)
  info->unwind_info = nullptr;
}

int WalkNoDynamicInfo(unw_addr_space_t, unw_word_t*, void*) {
  return -UNW_ENOINFO;
}

}  // namespace

std::optional<NativeUnwindTable> NativeUnwindTableOf(const symtab::ElfFile& elf,
                                                     uint64_t load_bias) {
  const symtab::ElfSection* header = elf.FindSection(".eh_frame_hdr");
  if (header == nullptr) return std::nullopt;
  NativeUnwindTable table;
  table.eh_frame_hdr = header->addr + load_bias;
  table.text_start = UINT64_MAX;
  for (const symtab::ElfSegment& segment : elf.segments()) {
    constexpr uint32_t kPtLoad = 1;
    constexpr uint32_t kPfX = 1;
    if (segment.type != kPtLoad || (segment.flags & kPfX) == 0) continue;
    table.text_start = std::min(table.text_start, segment.vaddr + load_bias);
    table.text_end =
        std::max(table.text_end, segment.vaddr + segment.memsz + load_bias);
  }
  if (table.text_start >= table.text_end) return std::nullopt;
  return table;
}

absl::StatusOr<std::vector<NativeFrame>> UnwindMemoryNative(
    const symtab::AddressSpace& memory,
    absl::Span<const NativeUnwindTable> tables,
    absl::Span<const NativeRegister> registers, int max_frames) {
  unw_accessors_t accessors{};
  accessors.find_proc_info = WalkFindProcInfo;
  accessors.put_unwind_info = WalkPutUnwindInfo;
  accessors.get_dyn_info_list_addr = WalkNoDynamicInfo;
  accessors.access_mem = WalkAccessMemory;
  accessors.access_reg = WalkAccessRegister;
  accessors.access_fpreg = WalkAccessFpRegister;
  MemoryWalk walk{&memory, tables, registers};
  return WalkRemote(&accessors, &walk, max_frames, "the registers given");
}

absl::StatusOr<std::vector<NativeFrame>> UnwindPtraceNative(pid_t tid,
                                                            int max_frames) {
  void* upt = _UPT_create(tid);
  if (upt == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("libunwind cannot attach to thread ", tid));
  }
  absl::StatusOr<std::vector<NativeFrame>> frames = WalkRemote(
      &_UPT_accessors, upt, max_frames, absl::StrCat("thread ", tid));
  _UPT_destroy(upt);
  return frames;
}

absl::StatusOr<std::vector<NativeFrame>> UnwindCoreNative(
    const std::string& core_path, int thread,
    absl::Span<const BackingFile> files, int max_frames) {
  UCD_info* core = _UCD_create(core_path.c_str());
  if (core == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(core_path, ": libunwind cannot read the core"));
  }
  if (thread < 0 || thread >= _UCD_get_num_threads(core)) {
    _UCD_destroy(core);
    return absl::OutOfRangeError(
        absl::StrCat(core_path, " has no thread ", thread));
  }
  _UCD_select_thread(core, thread);
  for (const BackingFile& file : files) {
    // A file whose start is no segment of the core is refused: harmless.
    _UCD_add_backing_file_at_vaddr(core, file.start, file.path.c_str());
  }
  absl::StatusOr<std::vector<NativeFrame>> frames =
      WalkRemote(&_UCD_accessors, core, max_frames,
                 absl::StrCat(core_path, " thread ", thread));
  _UCD_destroy(core);
  return frames;
}

std::vector<NativeRegister> NativePcSp(uint64_t pc, uint64_t sp) {
  return {{UNW_REG_IP, pc}, {UNW_REG_SP, sp}};
}

std::vector<NativeRegister> NativeRegistersOf(
    const arch::Registers& registers) {
  struct Numbered {
    absl::string_view name;
    int number;
  };
#if defined(UNW_TARGET_X86_64)
  constexpr Numbered kNumbers[] = {
      {"rax", UNW_X86_64_RAX}, {"rdx", UNW_X86_64_RDX}, {"rcx", UNW_X86_64_RCX},
      {"rbx", UNW_X86_64_RBX}, {"rsi", UNW_X86_64_RSI}, {"rdi", UNW_X86_64_RDI},
      {"rbp", UNW_X86_64_RBP}, {"rsp", UNW_X86_64_RSP}, {"r8", UNW_X86_64_R8},
      {"r9", UNW_X86_64_R9},   {"r10", UNW_X86_64_R10}, {"r11", UNW_X86_64_R11},
      {"r12", UNW_X86_64_R12}, {"r13", UNW_X86_64_R13}, {"r14", UNW_X86_64_R14},
      {"r15", UNW_X86_64_R15}, {"rip", UNW_X86_64_RIP}};
#else
  constexpr Numbered kNumbers[] = {{"", 0}};
#endif
  std::vector<NativeRegister> out;
  for (const Numbered& n : kNumbers) {
    if (n.name.empty()) continue;
    if (std::optional<uint64_t> value = registers.Get(n.name)) {
      out.push_back({n.number, *value});
    }
  }
  return out;
}

bool CanUnwindMemoryNative(const arch::ArchInfo& arch) {
#if defined(UNW_TARGET_X86_64)
  return &arch == arch::HostArch();
#else
  return false;
#endif
}

}  // namespace gentrace::unwind
