#include "capture/in_process_capture.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "arch/arch.h"
#include "proto/gentrace.pb.h"
#include "symtab/byte_reader.h"
#include "unwind/native_unwinder.h"

namespace gentrace::capture {
namespace {

// Protobuf wire format, written as it is encoded: a fixed buffer flushed
// with write(2), never an allocation.
class Encoder {
 public:
  explicit Encoder(int fd) : fd_(fd) {}

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
  void Bytes(const void* data, size_t length) {
    if (length > sizeof(buffer_) - used_) {
      Flush();
      Write(data, length);  // large (the stack): straight from memory
      return;
    }
    std::memcpy(buffer_ + used_, data, length);
    used_ += length;
  }
  void StringField(int field, const char* s, size_t length) {
    LengthField(field, length);
    Bytes(s, length);
  }
  bool Flush() {
    Write(buffer_, used_);
    used_ = 0;
    return ok_;
  }

 private:
  void Byte(uint8_t b) {
    if (used_ == sizeof(buffer_)) Flush();
    buffer_[used_++] = b;
  }
  void Write(const void* data, size_t length) {
    const char* p = static_cast<const char*>(data);
    while (ok_ && length > 0) {
      const ssize_t n = write(fd_, p, length);
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
  uint8_t buffer_[4096];
  size_t used_ = 0;
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
// readable mapping of an ELF file at offset 0 starts a module; the file's
// following mappings extend it. A second maps reader beside target/
// proc_maps on purpose: this one runs in a signal handler, so it parses in
// place without allocating.
void TakeMapsLine(Encoder* out, const char* line, PendingModule* m) {
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
  EmitModule(out, *m);
  std::memcpy(m->path, path, length + 1);
  m->start = start;
  m->end = end;
  m->bias = bias;
  m->open = true;
}

void WriteModules(Encoder* out) {
  const int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char chunk[4096];
  char line[4200] = {};
  PendingModule module;
  size_t length = 0;
  ssize_t n;
  while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
    for (ssize_t i = 0; i < n; ++i) {
      if (chunk[i] != '\n') {
        if (length + 1 < sizeof(line)) line[length++] = chunk[i];
        continue;
      }
      line[length] = '\0';
      TakeMapsLine(out, line, &module);
      length = 0;
    }
  }
  close(fd);
  EmitModule(out, module);
}

std::atomic<int> g_crash_fd{-1};
std::atomic<void (*)(int)> g_after_capture{nullptr};
std::atomic<bool> g_handling{false};
std::atomic<bool> g_running{false};
constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
struct sigaction g_previous[NSIG];

void CrashHandler(int signal, siginfo_t* info, void* context) {
  // One capture per process: a second crashing thread goes straight on.
  if (!g_handling.exchange(true)) {
    g_running = true;
    CaptureCurrentThread(g_crash_fd.load(),
                         {.signal_context = context, .signal_info = info});
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
  Encoder out(fd);
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

  // The stack from the red zone below SP up to where its mapping ends.
  const uint64_t sp = ucontext.Word(layout.sp, layout.value_size).value_or(0);
  uint64_t start = sp - host->red_zone;
  if (!Mapped(start)) start = sp;
  uint64_t end = start;
  const uint64_t limit = sp + request.stack_bytes;
  while (end < limit && Mapped(end)) end = (end & ~(kPage - 1)) + kPage;
  if (end > limit) end = limit;
  if (end > start && Mapped(start)) {
    const uint64_t length = end - start;
    out.LengthField(Capture::kMemoryFieldNumber,
                    1 + Encoder::VarintSize(start) + 1 +
                        Encoder::VarintSize(length) + length);
    out.VarintField(MemoryRange::kAddressFieldNumber, start);
    out.LengthField(MemoryRange::kDataFieldNumber, length);
    out.Bytes(
        reinterpret_cast<const void*>(  // NOLINT(performance-no-int-to-ptr)
            start),
        length);
  }

  unwind::NativeFrame frames[256];
  const int n = unwind::UnwindLocalNative(const_cast<void*>(context), frames);
  for (int i = 0; i < n; ++i) {
    out.LengthField(Capture::kNativeFramesFieldNumber,
                    1 + Encoder::VarintSize(frames[i].pc) + 1 +
                        Encoder::VarintSize(frames[i].sp));
    out.VarintField(NativeFrameRecord::kPcFieldNumber, frames[i].pc);
    out.VarintField(NativeFrameRecord::kSpFieldNumber, frames[i].sp);
  }
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
  return out.Flush();
}

absl::Status InstallCrashHandler(int fd, void (*after_capture)(int signal)) {
  if (fcntl(fd, F_GETFD) < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("crash handler: fd ", fd, " is not open"));
  }
  g_after_capture = after_capture;
  const bool first = g_crash_fd.exchange(fd) < 0;
  if (!first) return absl::OkStatus();
  // An alternate stack, so that a stack overflow can be handled.
  constexpr size_t kAltStack = 256 << 10;
  void* stack = mmap(nullptr, kAltStack, PROT_READ | PROT_WRITE,
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
