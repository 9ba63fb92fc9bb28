#include "capture/in_process_capture.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "arch/arch.h"
#include "goruntime/runtime_layout.h"
#include "proto/gentrace.pb.h"
#include "symtab/binary.h"
#include "symtab/byte_reader.h"
#include "symtab/elf_file.h"
#include "symtab/mapped_file.h"
#include "target/minidump_format.h"
#include "unwind/native_unwinder.h"

namespace gentrace::capture {
namespace {

// Bytes written to a descriptor through a fixed buffer flushed with
// write(2), never an allocation; a piece larger than the buffer (a scratch
// read of maps or auxv) is written from where it is, and process memory (a
// stack) through Memory().
class FdWriter {
 public:
  static constexpr size_t kBufferSize = 4096;
  FdWriter(int fd, uint8_t* buffer) : fd_(fd), buffer_(buffer) {}

  void Bytes(const void* data, size_t length) {
    if (length == 0) return;
    if (length > kBufferSize - used_) {
      Flush();
      Write(data, length);
      return;
    }
    std::memcpy(buffer_ + used_, data, length);
    used_ += length;
  }
  // The process's own memory at [start, start + length) (a stack): flushed
  // and written straight from where it is, by the system call itself
  // rather than libc's write(), which a sanitizer intercepts to check the
  // buffer, and a stack holds the bytes AddressSanitizer poisons between
  // frames.
  void Memory(uint64_t start, size_t length) {
    Flush();
    Write(reinterpret_cast<const void*>(  // NOLINT(performance-no-int-to-ptr)
              start),
          length);
  }
  void Byte(uint8_t b) {
    if (used_ == kBufferSize) Flush();
    buffer_[used_++] = b;
  }
  // Little-endian fixed-width values and zero padding (minidumps).
  void Le(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) Byte(static_cast<uint8_t>(v >> (8 * i)));
  }
  void Zeros(size_t n) {
    while (n-- > 0) Byte(0);
  }
  bool Flush() {
    Write(buffer_, used_);
    used_ = 0;
    return ok_;
  }

 private:
  void Write(const void* data, size_t length) {
    const char* p = static_cast<const char*>(data);
    while (ok_ && length > 0) {
      const ssize_t n = syscall(SYS_write, fd_, p, length);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ok_ = false;
        return;
      }
      p += n;
      length -= n;
    }
  }

  int fd_;
  bool ok_ = true;
  uint8_t* buffer_;
  size_t used_ = 0;
};

// Protobuf wire format, written as it is encoded.
class Encoder : public FdWriter {
 public:
  using FdWriter::FdWriter;

  static size_t VarintSize(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
      v >>= 7;
      ++n;
    }
    return n;
  }
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      Byte(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    Byte(static_cast<uint8_t>(v));
  }
  void Tag(int field, int wire_type) { Varint((field << 3) | wire_type); }
  void VarintField(int field, uint64_t v) {
    Tag(field, 0);
    Varint(v);
  }
  // A length-delimited field's header; its `length` bytes follow.
  void LengthField(int field, size_t length) {
    Tag(field, 2);
    Varint(length);
  }
  void StringField(int field, const char* s, size_t length) {
    LengthField(field, length);
    Bytes(s, length);
  }
};

size_t StringLength(const char* s) { return std::strlen(s); }

constexpr uint64_t kPage = 4096;

// Whether the page at `address` is mapped (mincore fails with ENOMEM on a
// hole): how the stack is bounded without trusting anything else.
// (The casts here read this process's own memory at addresses it names;
// NOLINTs mark them.)
bool Mapped(uint64_t address) {
  unsigned char present = 0;
  return mincore(reinterpret_cast<void*>(  // NOLINT(performance-no-int-to-ptr)
                     address & ~(kPage - 1)),
                 kPage, &present) == 0;
}

// The ELF object mapped at `start` (its first page): its load bias, from
// its lowest PT_LOAD segment; false if it is not ELF.
bool LoadBias(uint64_t start, uint64_t* bias) {
  if (start == 0) return false;
  const auto* header =
      reinterpret_cast<const Elf64_Ehdr*>(  // NOLINT(performance-no-int-to-ptr)
          start);
  if (std::memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 ||
      header->e_ident[EI_CLASS] != ELFCLASS64 ||
      header->e_phoff + uint64_t{header->e_phnum} * sizeof(Elf64_Phdr) >
          kPage) {
    return false;
  }
  const auto* phdrs =
      reinterpret_cast<const Elf64_Phdr*>(  // NOLINT(performance-no-int-to-ptr)
          start + header->e_phoff);
  uint64_t lowest = UINT64_MAX;
  for (int i = 0; i < header->e_phnum; ++i) {
    if (phdrs[i].p_type == PT_LOAD && phdrs[i].p_vaddr < lowest) {
      lowest = phdrs[i].p_vaddr;
    }
  }
  if (lowest == UINT64_MAX) return false;
  *bias = start - (lowest & ~(kPage - 1));
  return true;
}

uint64_t ParseHex(const char* s, const char** end) {
  uint64_t v = 0;
  for (;; ++s) {
    const char c = *s;
    const int digit = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                             : -1;
    if (digit < 0) break;
    v = v << 4 | digit;
  }
  *end = s;
  return v;
}

// The module being gathered from consecutive /proc/self/maps lines.
struct PendingModule {
  char path[4096] = "";
  uint64_t start = 0, end = 0, bias = 0;
  bool open = false;
};

void EmitModule(Encoder* out, const PendingModule& m) {
  if (!m.open) return;
  const size_t length = StringLength(m.path);
  out->LengthField(Capture::kModulesFieldNumber,
                   1 + Encoder::VarintSize(length) + length + 1 +
                       Encoder::VarintSize(m.bias) + 1 +
                       Encoder::VarintSize(m.start) + 1 +
                       Encoder::VarintSize(m.end));
  out->StringField(LoadedModule::kPathFieldNumber, m.path, length);
  out->VarintField(LoadedModule::kLoadBiasFieldNumber, m.bias);
  out->VarintField(LoadedModule::kStartFieldNumber, m.start);
  out->VarintField(LoadedModule::kEndFieldNumber, m.end);
}

// One /proc/self/maps line ("start-end perms offset dev inode path"): a
// readable mapping of an ELF file at offset 0 starts a module (`emit` gets
// the one it ends); the file's following mappings extend it. A second maps
// reader beside target/ proc_maps on purpose: this one runs in a signal
// handler, so it parses in place without allocating.
template <typename Emit>
void TakeMapsLine(const char* line, PendingModule* m, Emit emit) {
  const char* p = line;
  const uint64_t start = ParseHex(p, &p);
  if (*p != '-') return;
  const uint64_t end = ParseHex(p + 1, &p);
  if (*p != ' ' || std::strlen(p) < 6) return;
  const bool readable = p[1] == 'r';
  p += 6;  // " rwxp "
  const uint64_t offset = ParseHex(p, &p);
  const char* path = std::strchr(p, '/');
  if (path == nullptr) return;
  if (m->open && std::strcmp(path, m->path) == 0) {
    m->end = end;
    return;
  }
  uint64_t bias = 0;
  const size_t length = StringLength(path);
  if (offset != 0 || !readable || length >= sizeof(m->path) ||
      !LoadBias(start, &bias)) {
    return;
  }
  if (m->open) emit(*m);
  std::memcpy(m->path, path, length + 1);
  m->start = start;
  m->end = end;
  m->bias = bias;
  m->open = true;
}

// What one capture works in, kept off the stack: the handler may run on a
// small one (a Go program's signal stacks are 32 KiB, and Go's own handler
// runs on after it). One capture at a time uses it (`busy`).
// A module of a minidump's module list.
struct MinidumpModule {
  uint64_t start = 0, end = 0;
  char path[512];
  uint8_t build_id[64];
  size_t build_id_size = 0;
};

struct Scratch {
  std::atomic<bool> busy{false};
  uint8_t encoder[FdWriter::kBufferSize];
  // A minidump's: /proc/self/maps and auxv as read, the modules.
  char maps[256 << 10];
  uint8_t auxv[4096];
  MinidumpModule modules[512];
  unwind::NativeFrame frames[256];
  char maps_chunk[4096];
  char maps_line[4200];
  PendingModule module;
};
Scratch g_scratch;

void WriteModules(Encoder* out) {
  const int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char* chunk = g_scratch.maps_chunk;
  char* line = g_scratch.maps_line;
  PendingModule& module = g_scratch.module;
  module = {};
  size_t length = 0;
  ssize_t n;
  while ((n = read(fd, chunk, sizeof(g_scratch.maps_chunk))) > 0) {
    for (ssize_t i = 0; i < n; ++i) {
      if (chunk[i] != '\n') {
        if (length + 1 < sizeof(g_scratch.maps_line)) line[length++] = chunk[i];
        continue;
      }
      line[length] = '\0';
      TakeMapsLine(line, &module,
                   [out](const PendingModule& m) { EmitModule(out, m); });
      length = 0;
    }
  }
  close(fd);
  EmitModule(out, module);
}

// Reads `size` bytes of this process at `address` without faulting on
// what is not readable (a reserved, inaccessible part of Go's heap, say):
// process_vm_readv fails with EFAULT where a load would take SIGSEGV.
bool ReadSelf(uint64_t address, void* out, size_t size) {
  iovec local{out, size};
  iovec remote{reinterpret_cast<void*>(  // NOLINT(performance-no-int-to-ptr)
                   address),
               size};
  return syscall(SYS_process_vm_readv, getpid(), &local, 1, &remote, 1, 0) ==
         static_cast<ssize_t>(size);
}

bool ReadSelfWord(uint64_t address, uint64_t* out) {
  return ReadSelf(address, out, sizeof(*out));
}

// Whether every page of [start, start + length) reads.
bool ReadableRange(uint64_t start, uint64_t length) {
  uint8_t byte;
  for (uint64_t page = start & ~(kPage - 1); page < start + length;
       page += kPage) {
    if (!ReadSelf(page < start ? start : page, &byte, 1)) return false;
  }
  return true;
}

// The stack from the red zone below SP up to where its mapping ends, at
// most `bytes` above SP; empty when SP is not mapped.
struct StackRange {
  uint64_t start = 0, end = 0;
};
StackRange StackAbove(uint64_t sp, const arch::ArchInfo& host, size_t bytes) {
  uint64_t start = sp - host.red_zone;
  if (!Mapped(start)) start = sp;
  if (!Mapped(start)) return {};
  uint64_t end = start;
  const uint64_t limit = sp + bytes;
  while (end < limit && Mapped(end)) end = (end & ~(kPage - 1)) + kPage;
  return {start, end > limit ? limit : end};
}

// Reads a /proc file whole into `buffer` (cut at its size): the bytes read.
size_t ReadProcFile(const char* path, void* buffer, size_t size) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  size_t used = 0;
  ssize_t n;
  while (used < size &&
         (n = read(fd, static_cast<char*>(buffer) + used, size - used)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    used += static_cast<size_t>(n);
  }
  close(fd);
  return used;
}

// The GNU build ID note of the ELF object mapped at `start` (loaded
// `bias` above its addresses), read from its PT_NOTE segments in memory;
// 0 if it has none the process can read.
size_t GnuBuildId(uint64_t start, uint64_t bias, uint8_t* out, size_t size) {
  Elf64_Ehdr header;
  if (!ReadSelf(start, &header, sizeof(header)) ||
      header.e_phoff + uint64_t{header.e_phnum} * sizeof(Elf64_Phdr) > kPage) {
    return 0;
  }
  for (int i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr phdr;
    if (!ReadSelf(start + header.e_phoff + i * sizeof(phdr), &phdr,
                  sizeof(phdr)) ||
        phdr.p_type != PT_NOTE) {
      continue;
    }
    uint8_t notes[1024];
    const size_t length =
        phdr.p_filesz < sizeof(notes) ? phdr.p_filesz : sizeof(notes);
    if (!ReadSelf(bias + phdr.p_vaddr, notes, length)) continue;
    for (size_t at = 0; at + 12 <= length;) {
      uint32_t name_size, desc_size, type;
      std::memcpy(&name_size, notes + at, 4);
      std::memcpy(&desc_size, notes + at + 4, 4);
      std::memcpy(&type, notes + at + 8, 4);
      const size_t desc = at + 12 + ((name_size + 3) & ~3u);
      if (desc + desc_size > length) break;
      if (type == NT_GNU_BUILD_ID && name_size == 4 &&
          std::memcmp(notes + at + 12, "GNU", 4) == 0 && desc_size <= size) {
        std::memcpy(out, notes + desc, desc_size);
        return desc_size;
      }
      at = desc + ((desc_size + 3) & ~3u);
    }
  }
  return 0;
}

// What finding, in a Go program's C code, the goroutine whose cgo call it
// is takes: read when the handler is installed (not async-signal-safe),
// from the executable's pclntab (where runtime.asmcgocall runs in this
// process) and the runtime's struct layout for its release.
struct CgoCallerFacts {
  uint64_t asmcgocall_start = 0, asmcgocall_end = 0;  // none: not Go
  int g_m = 0, g_stack_lo = 0, g_stack_hi = 0, g_syscallsp = 0, g_sched_sp = 0;
  int m_curg = 0;
  int g_bytes = 0, m_bytes = 0;
};
CgoCallerFacts g_cgo;

// Reads the facts; none for an executable that is no Go program.
CgoCallerFacts ReadCgoCallerFacts(const arch::ArchInfo& host) {
  absl::StatusOr<std::unique_ptr<symtab::MappedFile>> file =
      symtab::MappedFile::Open("/proc/self/exe");
  if (!file.ok()) return {};
  // A Go program's executable has sections its linker always writes; a C
  // or C++ program's is not searched for a pclntab it does not have.
  absl::StatusOr<std::unique_ptr<symtab::ElfFile>> elf =
      symtab::ElfFile::Parse((*file)->bytes());
  if (!elf.ok() || ((*elf)->FindSection(".gopclntab") == nullptr &&
                    (*elf)->FindSection(".go.buildinfo") == nullptr &&
                    (*elf)->FindSection(".note.go.buildid") == nullptr)) {
    return {};
  }
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open("/proc/self/exe", host.goarch);
  if (!binary.ok() || (*binary)->arch() != &host) return {};
  absl::StatusOr<goruntime::ChosenRuntimeLayout> chosen =
      goruntime::ChooseRuntimeLayout(**binary, host);
  if (!chosen.ok()) return {};
  const goruntime::RuntimeLayout& l = chosen->layout;
  CgoCallerFacts facts{.g_m = l.g_m,
                       .g_stack_lo = l.g_stack_lo,
                       .g_stack_hi = l.g_stack_hi,
                       .g_syscallsp = l.g_syscallsp,
                       .g_sched_sp = l.g_sched + l.gobuf_sp,
                       .m_curg = l.m_curg,
                       .g_bytes = goruntime::GBytesRead(l),
                       .m_bytes = goruntime::MBytesRead(l, host.ptr_size)};
  // Where the executable is in this process: its entry point as the kernel
  // placed it against the one its file names.
  const uint64_t bias = getauxval(AT_ENTRY) - (*binary)->elf().entry();
  const symtab::Pclntab& table = (*binary)->pclntab();
  for (uint32_t i = 0; i < table.num_funcs(); ++i) {
    absl::StatusOr<symtab::Func> func = table.FuncAt(i);
    if (func.ok() && func->func_id() == symtab::FuncId::kAsmcgocall) {
      facts.asmcgocall_start = func->entry() + bias;
      facts.asmcgocall_end = func->end() + bias;
      return facts;
    }
  }
  return {};
}

// How far above the C function's frame runtime.asmcgocall keeps the g
// that called it: it switches to the system stack, aligns it and saves the
// g at 8(SP) (go1.22 on) or 48(SP) (before: a 64-byte frame), then calls
// the C function (amd64).
constexpr uint64_t kAsmcgocallFrameBytes = 64;
// How much of a goroutine's stack, from its saved stack pointer up, a
// capture keeps.
constexpr uint64_t kGoroutineStackBytes = 256 << 10;

// The goroutine whose cgo call the native frames are in: its g (0 if
// none), its m and the span of its stack to keep.
struct CgoCaller {
  uint64_t g = 0, m = 0;
  uint64_t stack_start = 0, stack_end = 0;
};

// The first frame that returns into asmcgocall, and among the words of
// asmcgocall's frame above it, the one that reads as a g whose M runs it
// (m.curg) and whose stack holds the stack pointer it saved entering the
// system call.
CgoCaller FindCgoCaller(const unwind::NativeFrame* frames, int n) {
  const CgoCallerFacts& f = g_cgo;
  if (f.asmcgocall_start == 0) return {};
  for (int i = 1; i < n; ++i) {
    const uint64_t pc = frames[i].pc - 1;
    if (pc < f.asmcgocall_start || pc >= f.asmcgocall_end) continue;
    for (uint64_t slot = frames[i].sp;
         slot < frames[i].sp + kAsmcgocallFrameBytes; slot += 8) {
      uint64_t g = 0, m = 0, curg = 0, lo = 0, hi = 0, saved_sp = 0;
      uint64_t sched_sp = 0;
      if (!ReadSelfWord(slot, &g) || g == 0 || !ReadSelfWord(g + f.g_m, &m) ||
          m == 0 || !ReadSelfWord(m + f.m_curg, &curg) || curg != g ||
          !ReadSelfWord(g + f.g_stack_lo, &lo) ||
          !ReadSelfWord(g + f.g_stack_hi, &hi) ||
          !ReadSelfWord(g + f.g_syscallsp, &saved_sp) ||
          !ReadSelfWord(g + f.g_sched_sp, &sched_sp) || saved_sp < lo ||
          saved_sp >= hi) {
        continue;
      }
      // asmcgocall saved the goroutine's registers (g.sched) below where
      // the system call began.
      const uint64_t start =
          sched_sp >= lo && sched_sp < saved_sp ? sched_sp : saved_sp;
      return {.g = g,
              .m = m,
              .stack_start = start,
              .stack_end = hi - start > kGoroutineStackBytes
                               ? start + kGoroutineStackBytes
                               : hi};
    }
    return {};
  }
  return {};
}

void WriteMemory(Encoder* out, uint64_t start, uint64_t length) {
  out->LengthField(Capture::kMemoryFieldNumber,
                   1 + Encoder::VarintSize(start) + 1 +
                       Encoder::VarintSize(length) + length);
  out->VarintField(MemoryRange::kAddressFieldNumber, start);
  out->LengthField(MemoryRange::kDataFieldNumber, length);
  out->Memory(start, length);
}

// The g of the goroutine whose cgo call the thread is in, its m and the
// goroutine's stack, when each reads whole.
void WriteCgoCaller(Encoder* out, const unwind::NativeFrame* frames, int n) {
  const CgoCaller caller = FindCgoCaller(frames, n);
  if (caller.g == 0) return;
  const uint64_t stack_length = caller.stack_end - caller.stack_start;
  if (!ReadableRange(caller.g, g_cgo.g_bytes) ||
      !ReadableRange(caller.m, g_cgo.m_bytes) ||
      !ReadableRange(caller.stack_start, stack_length)) {
    return;
  }
  WriteMemory(out, caller.g, g_cgo.g_bytes);
  WriteMemory(out, caller.m, g_cgo.m_bytes);
  WriteMemory(out, caller.stack_start, stack_length);
  out->VarintField(Capture::kGoroutineFieldNumber, caller.g);
}

std::atomic<int> g_crash_fd{-1};
std::atomic<int> g_minidump_fd{-1};
std::atomic<bool> g_installed{false};
std::atomic<void (*)(int)> g_after_capture{nullptr};
std::atomic<bool> g_handling{false};
std::atomic<bool> g_running{false};
constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
struct sigaction g_previous[NSIG];

void CrashHandler(int signal, siginfo_t* info, void* context) {
  // One capture per process: a second crashing thread goes straight on.
  if (!g_handling.exchange(true)) {
    g_running = true;
    const CaptureRequest request{.signal_context = context,
                                 .signal_info = info};
    if (const int fd = g_crash_fd.load(); fd >= 0) {
      CaptureCurrentThread(fd, request);
    }
    if (const int fd = g_minidump_fd.load(); fd >= 0) {
      WriteMinidumpOfCurrentThread(fd, request);
    }
    if (void (*after)(int) = g_after_capture.load()) after(signal);
    g_running = false;
  }
  const struct sigaction& previous = g_previous[signal];
  if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(signal, info, context);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN &&
      previous.sa_handler != nullptr) {
    previous.sa_handler(signal);
    return;
  }
  // The default action: a fault happens again on return; a sent signal
  // (abort, kill) is sent again, and arrives once this handler returns.
  sigaction(signal, &previous, nullptr);
  if (info == nullptr || info->si_code <= 0 || signal == SIGABRT) {
    raise(signal);
  }
}

}  // namespace

bool CaptureCurrentThread(int fd, const CaptureRequest& request) {
  // The registers come from the host's ucontext, in the order its row of
  // the architecture table describes; a host without one is not captured.
  const arch::ArchInfo* host = arch::HostArch();
  if (host == nullptr) return false;
  const arch::SignalContextLayout& layout = host->signal_context;
  if (layout.registers_pointer >= 0 || layout.general_registers < 0 ||
      layout.general_register_names.empty()) {
    return false;
  }
  ucontext_t here;
  const void* context = request.signal_context;
  if (context == nullptr) {
    getcontext(&here);
    context = &here;
  }
  const symtab::ByteReader ucontext(
      absl::MakeConstSpan(static_cast<const uint8_t*>(context),
                          sizeof(ucontext_t)),
      host->byte_order);
  if (g_scratch.busy.exchange(true)) return false;
  Encoder out(fd, g_scratch.encoder);
  out.StringField(Capture::kArchFieldNumber, host->goarch.data(),
                  host->goarch.size());
  const auto& names = layout.general_register_names;
  for (size_t i = 0; i < names.size(); ++i) {
    const uint64_t value =
        ucontext
            .Word(layout.general_registers + layout.value_size * i,
                  layout.value_size)
            .value_or(0);
    // One map entry: key (1) and value (2) of the registers map.
    out.LengthField(Capture::kRegistersFieldNumber,
                    1 + Encoder::VarintSize(names[i].size()) + names[i].size() +
                        1 + Encoder::VarintSize(value));
    out.StringField(1, names[i].data(), names[i].size());
    out.VarintField(2, value);
  }

  const uint64_t sp = ucontext.Word(layout.sp, layout.value_size).value_or(0);
  const StackRange stack = StackAbove(sp, *host, request.stack_bytes);
  if (stack.end > stack.start) {
    WriteMemory(&out, stack.start, stack.end - stack.start);
  }

  unwind::NativeFrame* frames = g_scratch.frames;
  const int n = unwind::UnwindLocalNative(const_cast<void*>(context),
                                          absl::MakeSpan(g_scratch.frames));
  for (int i = 0; i < n; ++i) {
    out.LengthField(Capture::kNativeFramesFieldNumber,
                    1 + Encoder::VarintSize(frames[i].pc) + 1 +
                        Encoder::VarintSize(frames[i].sp));
    out.VarintField(NativeFrameRecord::kPcFieldNumber, frames[i].pc);
    out.VarintField(NativeFrameRecord::kSpFieldNumber, frames[i].sp);
  }
  WriteCgoCaller(&out, frames, n);
  WriteModules(&out);
  if (request.signal_info != nullptr) {
    out.VarintField(Capture::kSignalFieldNumber,
                    static_cast<uint64_t>(request.signal_info->si_signo));
    out.VarintField(Capture::kFaultAddressFieldNumber,
                    reinterpret_cast<uint64_t>(request.signal_info->si_addr));
  }
  out.VarintField(Capture::kTidFieldNumber,
                  static_cast<uint64_t>(syscall(SYS_gettid)));
  out.VarintField(Capture::kPidFieldNumber, static_cast<uint64_t>(getpid()));
  const bool written = out.Flush();
  g_scratch.busy = false;
  return written;
}

namespace {

namespace md = ::gentrace::target::minidump;

// The streams the crash handler writes.
constexpr uint32_t kStreams = 7;
// MDRawContextAMD64: its size and flags (CONTROL: rip, rsp, eflags;
// INTEGER: the other general registers).
constexpr uint32_t kAmd64ContextSize = 1232;
constexpr uint32_t kAmd64ContextFlags = 0x00100003;
constexpr uint32_t kAmd64ContextFlagsOffset = 48;
constexpr uint32_t kAmd64EflagsOffset = 68;

// The length of an MDString of `s`: UTF-16, and its terminating NUL.
uint32_t MinidumpStringSize(const char* s) {
  return 4 + 2 * static_cast<uint32_t>(StringLength(s)) + 2;
}

}  // namespace

bool WriteMinidumpOfCurrentThread(int fd, const CaptureRequest& request) {
  const arch::ArchInfo* host = arch::HostArch();
  if (host == nullptr || host->minidump.cpu != 9 /* AMD64 */) return false;
  const arch::SignalContextLayout& layout = host->signal_context;
  ucontext_t here;
  const void* context = request.signal_context;
  if (context == nullptr) {
    getcontext(&here);
    context = &here;
  }
  const symtab::ByteReader ucontext(
      absl::MakeConstSpan(static_cast<const uint8_t*>(context),
                          sizeof(ucontext_t)),
      host->byte_order);
  // A general register of the interrupted thread, by name.
  const auto reg = [&](absl::string_view name) -> uint64_t {
    const auto& names = layout.general_register_names;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) {
        return ucontext
            .Word(layout.general_registers + layout.value_size * i,
                  layout.value_size)
            .value_or(0);
      }
    }
    return 0;
  };
  if (g_scratch.busy.exchange(true)) return false;

  // What goes in, gathered first: every offset is known before writing.
  const StackRange stack =
      StackAbove(reg(host->sp), *host, request.stack_bytes);
  const size_t maps_size =
      ReadProcFile("/proc/self/maps", g_scratch.maps, sizeof(g_scratch.maps));
  const size_t auxv_size =
      ReadProcFile("/proc/self/auxv", g_scratch.auxv, sizeof(g_scratch.auxv));
  size_t modules = 0;
  PendingModule& pending = g_scratch.module;
  pending = {};
  const auto add_module = [&](const PendingModule& m) {
    if (modules == sizeof(g_scratch.modules) / sizeof(g_scratch.modules[0]) ||
        StringLength(m.path) >= sizeof(g_scratch.modules[0].path)) {
      return;
    }
    MinidumpModule& out = g_scratch.modules[modules++];
    out.start = m.start;
    out.end = m.end;
    std::memcpy(out.path, m.path, StringLength(m.path) + 1);
    out.build_id_size =
        GnuBuildId(m.start, m.bias, out.build_id, sizeof(out.build_id));
  };
  for (size_t at = 0; at < maps_size;) {
    size_t end = at;
    while (end < maps_size && g_scratch.maps[end] != '\n') ++end;
    const size_t length = end - at;
    if (length < sizeof(g_scratch.maps_line)) {
      std::memcpy(g_scratch.maps_line, g_scratch.maps + at, length);
      g_scratch.maps_line[length] = '\0';
      TakeMapsLine(g_scratch.maps_line, &pending, add_module);
    }
    at = end + 1;
  }
  if (pending.open) add_module(pending);

  uint32_t offset = 32 + kStreams * 12;
  const uint32_t system_rva = offset;
  offset += md::kSystemInfoSize;
  const uint32_t csd_rva = offset;  // an empty service-pack string
  offset += 6;
  const uint32_t threads_rva = offset;
  offset += 4 + md::kThreadSize;
  const uint32_t exception_rva = offset;
  offset += md::kExceptionSize;
  const uint32_t context_rva = offset;
  offset += kAmd64ContextSize;
  const uint32_t memory_rva = offset;
  offset += 4 + 16;
  const uint32_t modules_rva = offset;
  offset += 4 + md::kModuleSize * static_cast<uint32_t>(modules);
  const uint32_t names_rva = offset;
  for (size_t i = 0; i < modules; ++i) {
    offset += MinidumpStringSize(g_scratch.modules[i].path) + 4 +
              static_cast<uint32_t>(g_scratch.modules[i].build_id_size);
  }
  const uint32_t maps_rva = offset;
  offset += static_cast<uint32_t>(maps_size);
  const uint32_t auxv_rva = offset;
  offset += static_cast<uint32_t>(auxv_size);
  const uint32_t stack_rva = offset;

  FdWriter out(fd, g_scratch.encoder);
  out.Le(md::kSignature, 4);
  out.Le(md::kVersion, 4);
  out.Le(kStreams, 4);
  out.Le(32, 4);  // the directory
  out.Le(0, 4);   // checksum
  out.Le(static_cast<uint64_t>(time(nullptr)), 4);
  out.Le(0, 8);  // flags
  const auto entry = [&out](uint32_t type, uint32_t size, uint32_t rva) {
    out.Le(type, 4);
    out.Le(size, 4);
    out.Le(rva, 4);
  };
  entry(md::kSystemInfoStream, md::kSystemInfoSize, system_rva);
  entry(md::kThreadListStream, 4 + md::kThreadSize, threads_rva);
  entry(md::kExceptionStream, md::kExceptionSize, exception_rva);
  entry(md::kMemoryListStream, 4 + 16, memory_rva);
  entry(md::kModuleListStream,
        4 + md::kModuleSize * static_cast<uint32_t>(modules), modules_rva);
  entry(md::kLinuxMapsStream, static_cast<uint32_t>(maps_size), maps_rva);
  entry(md::kLinuxAuxvStream, static_cast<uint32_t>(auxv_size), auxv_rva);

  // MDRawSystemInfo: the processor, one CPU, Linux.
  out.Le(host->minidump.cpu, 2);
  out.Zeros(4);   // level, revision
  out.Le(1, 1);   // processors
  out.Le(0, 1);   // product type
  out.Zeros(12);  // OS version
  out.Le(md::kPlatformLinux, 4);
  out.Le(csd_rva, 4);
  out.Zeros(4 + 24);  // suite mask, reserved, CPU information
  out.Zeros(6);       // the empty MDString

  // One thread: this one, its stack and its context.
  const uint64_t tid = static_cast<uint64_t>(syscall(SYS_gettid));
  out.Le(1, 4);
  out.Le(tid, 4);
  out.Zeros(12 + 8);  // suspend count, priority class, priority, TEB
  out.Le(stack.start, 8);
  out.Le(stack.end - stack.start, 4);
  out.Le(stack_rva, 4);
  out.Le(kAmd64ContextSize, 4);
  out.Le(context_rva, 4);

  // The exception: the signal, its code and address, the same context.
  out.Le(tid, 4);
  out.Zeros(4);
  out.Le(request.signal_info != nullptr ? request.signal_info->si_signo : 0, 4);
  out.Le(request.signal_info != nullptr
             ? static_cast<uint32_t>(request.signal_info->si_code)
             : 0,
         4);
  out.Zeros(8);  // exception record
  out.Le(request.signal_info != nullptr
             ? reinterpret_cast<uint64_t>(request.signal_info->si_addr)
             : 0,
         8);
  out.Zeros(4 + 4 + 15 * 8);  // parameters
  out.Le(kAmd64ContextSize, 4);
  out.Le(context_rva, 4);

  // MDRawContextAMD64: flags, eflags, then the registers from rax.
  out.Zeros(kAmd64ContextFlagsOffset);
  out.Le(kAmd64ContextFlags, 4);
  out.Zeros(kAmd64EflagsOffset - kAmd64ContextFlagsOffset - 4);
  out.Le(reg("eflags"), 4);
  out.Zeros(host->minidump.first_register - kAmd64EflagsOffset - 4);
  for (absl::string_view name : host->minidump.registers) {
    out.Le(name.empty() ? 0 : reg(name), 8);
  }
  out.Zeros(kAmd64ContextSize - host->minidump.first_register -
            8 * host->minidump.registers.size());

  // The memory: the stack.
  out.Le(1, 4);
  out.Le(stack.start, 8);
  out.Le(stack.end - stack.start, 4);
  out.Le(stack_rva, 4);

  // The modules, then their names and CodeView records.
  out.Le(modules, 4);
  uint32_t rva = names_rva;
  for (size_t i = 0; i < modules; ++i) {
    const MinidumpModule& m = g_scratch.modules[i];
    out.Le(m.start, 8);
    out.Le(m.end - m.start, 4);
    out.Zeros(8);  // checksum, time stamp
    out.Le(rva, 4);
    rva += MinidumpStringSize(m.path);
    out.Zeros(52);  // version information
    out.Le(4 + m.build_id_size, 4);
    out.Le(rva, 4);
    rva += 4 + static_cast<uint32_t>(m.build_id_size);
    out.Zeros(8 + 16);  // misc record, reserved
  }
  for (size_t i = 0; i < modules; ++i) {
    const MinidumpModule& m = g_scratch.modules[i];
    const size_t length = StringLength(m.path);
    out.Le(2 * length, 4);
    for (size_t c = 0; c < length; ++c) {
      out.Le(static_cast<uint8_t>(m.path[c]), 2);  // bytes as code units
    }
    out.Zeros(2);
    out.Le(md::kCodeViewElf, 4);
    out.Bytes(m.build_id, m.build_id_size);
  }
  out.Bytes(g_scratch.maps, maps_size);
  out.Bytes(g_scratch.auxv, auxv_size);
  out.Memory(stack.start, stack.end - stack.start);
  const bool written = out.Flush();
  g_scratch.busy = false;
  return written;
}

absl::Status InstallCrashHandler(int fd, void (*after_capture)(int signal),
                                 int minidump_fd) {
  for (int given : {fd, minidump_fd}) {
    if (given >= 0 && fcntl(given, F_GETFD) < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("crash handler: fd ", given, " is not open"));
    }
  }
  if (fd < 0 && minidump_fd < 0) {
    return absl::InvalidArgumentError(
        "crash handler: neither a capture nor a minidump descriptor");
  }
  g_after_capture = after_capture;
  g_crash_fd = fd;
  g_minidump_fd = minidump_fd;
  if (g_installed.exchange(true)) return absl::OkStatus();
  if (const arch::ArchInfo* host = arch::HostArch(); host != nullptr) {
    g_cgo = ReadCgoCallerFacts(*host);
  }
  // An alternate stack, so that a stack overflow can be handled, unless
  // the thread has one (a Go program's threads have the runtime's, which
  // its own handler expects to run on).
  constexpr size_t kAltStack = 256 << 10;
  stack_t current{};
  const bool has_stack = sigaltstack(nullptr, &current) == 0 &&
                         (current.ss_flags & SS_DISABLE) == 0;
  void* stack = has_stack ? MAP_FAILED
                          : mmap(nullptr, kAltStack, PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (stack != MAP_FAILED) {
    stack_t alt{};
    alt.ss_sp = stack;
    alt.ss_size = kAltStack;
    sigaltstack(&alt, nullptr);
  }
  struct sigaction action {};
  action.sa_sigaction = CrashHandler;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (int signal : kSignals) {
    if (sigaction(signal, &action, &g_previous[signal]) != 0) {
      return absl::InternalError(absl::StrCat(
          "crash handler: sigaction(", signal, "): ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

bool CrashHandlerRunning() { return g_running.load(); }

}  // namespace gentrace::capture
