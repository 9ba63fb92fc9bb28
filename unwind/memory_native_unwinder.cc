// MemoryNativeUnwinder: libdwfl's frame unwinder (DWARF CFI, with each
// backend's own fallbacks) driven through its thread callbacks, which read
// the program's memory and hand over the registers a walk starts from.
#include "unwind/memory_native_unwinder.h"

#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <unistd.h>

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gentrace::unwind {

// libdwfl's session over one program, and the walk under way.
struct MemoryNativeUnwinder::Session {
  ~Session() {
    if (dwfl != nullptr) dwfl_end(dwfl);
  }

  const arch::ArchInfo* arch = nullptr;
  const symtab::AddressSpace* memory = nullptr;
  Dwfl* dwfl = nullptr;
  int sp_number = -1;  // the stack pointer's DWARF number

  // The walk under way (guarded by the unwinder's mutex).
  const arch::Registers* start = nullptr;
  std::vector<NativeFrame>* frames = nullptr;
  int max_frames = 0;
};

namespace {

using Session = MemoryNativeUnwinder::Session;

// The one thread a session's walks run on, as libdwfl numbers it.
constexpr pid_t kThread = 1;

// Separate debug files are not looked for: the CFI that matters is in the
// objects themselves (.eh_frame), and looking could reach the network.
int NoSeparateDebuginfo(Dwfl_Module*, void**, const char*, Dwarf_Addr,
                        const char*, const char*, GElf_Word, char**) {
  return -1;
}

constexpr Dwfl_Callbacks kModuleCallbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = NoSeparateDebuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = nullptr,
};

pid_t NextThread(Dwfl*, void* session, void** thread_arg) {
  if (*thread_arg != nullptr) return 0;
  *thread_arg = session;
  return kThread;
}

bool GetThread(Dwfl*, pid_t tid, void* session, void** thread_arg) {
  *thread_arg = session;
  return tid == kThread;
}

bool MemoryRead(Dwfl*, Dwarf_Addr address, Dwarf_Word* result, void* arg) {
  const auto* session = static_cast<const Session*>(arg);
  std::optional<uint64_t> word = session->memory->ReadWord(
      address, session->arch->ptr_size, session->arch->byte_order);
  if (!word) return false;
  *result = *word;
  return true;
}

bool SetInitialRegisters(Dwfl_Thread* thread, void* arg) {
  const auto* session = static_cast<const Session*>(arg);
  const absl::Span<const absl::string_view> names =
      session->arch->dwarf_registers;
  for (size_t number = 0; number < names.size(); ++number) {
    if (names[number].empty()) continue;
    std::optional<uint64_t> value = session->start->Get(names[number]);
    if (!value) continue;
    const Dwarf_Word word = *value;
    // A number past the backend's frame registers is refused: harmless.
    dwfl_thread_state_registers(thread, static_cast<int>(number), 1, &word);
  }
  std::optional<uint64_t> pc = session->start->pc();
  if (!pc) return false;
  dwfl_thread_state_register_pc(thread, *pc);
  return true;
}

int OnFrame(Dwfl_Frame* state, void* arg) {
  auto* session = static_cast<Session*>(arg);
  Dwarf_Addr pc = 0;
  if (!dwfl_frame_pc(state, &pc, nullptr) || pc == 0) return DWARF_CB_ABORT;
  Dwarf_Word sp = 0;
  if (dwfl_frame_reg(state, session->sp_number, &sp) != 0) sp = 0;
  std::vector<NativeFrame>& frames = *session->frames;
  // A frame below its callee's is a corrupt stack: never loop.
  if (!frames.empty() && sp != 0 && sp < frames.back().sp) {
    return DWARF_CB_ABORT;
  }
  frames.push_back({.pc = pc, .sp = sp});
  return static_cast<int>(frames.size()) < session->max_frames ? DWARF_CB_OK
                                                               : DWARF_CB_ABORT;
}

constexpr Dwfl_Thread_Callbacks kThreadCallbacks = {
    .next_thread = NextThread,
    .get_thread = GetThread,
    .memory_read = MemoryRead,
    .set_initial_registers = SetInitialRegisters,
    .detach = nullptr,
    .thread_detach = nullptr,
};

}  // namespace

absl::StatusOr<std::unique_ptr<MemoryNativeUnwinder>>
MemoryNativeUnwinder::Create(const arch::ArchInfo& arch,
                             const symtab::AddressSpace& memory,
                             absl::Span<const NativeObject> objects) {
  int sp_number = -1;
  for (size_t number = 0; number < arch.dwarf_registers.size(); ++number) {
    if (arch.dwarf_registers[number] == arch.sp) sp_number = number;
  }
  if (sp_number < 0) {
    return absl::UnimplementedError(
        absl::StrCat("no native unwinding for ", arch.goarch));
  }
  auto session = std::make_unique<Session>();
  session->arch = &arch;
  session->memory = &memory;
  session->sp_number = sp_number;
  session->dwfl = dwfl_begin(&kModuleCallbacks);
  if (session->dwfl == nullptr) {
    return absl::InternalError(dwfl_errmsg(-1));
  }
  dwfl_report_begin(session->dwfl);
  int reported = 0;
  for (const NativeObject& object : objects) {
    // libdwfl owns the descriptor of a module it accepts.
    const int fd = open(object.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    if (dwfl_report_elf(session->dwfl, object.path.c_str(), object.path.c_str(),
                        fd, object.load_bias,
                        /*add_p_vaddr=*/true) == nullptr) {
      close(fd);
      continue;
    }
    ++reported;
  }
  dwfl_report_end(session->dwfl, nullptr, nullptr);
  if (reported == 0) {
    return absl::FailedPreconditionError(
        "none of the program's files opens as ELF");
  }
  // The backend (the architecture's register set and unwinder) comes from
  // the objects; one of another architecture is refused here.
  if (!dwfl_attach_state(session->dwfl, nullptr, kThread, &kThreadCallbacks,
                         session.get())) {
    return absl::UnimplementedError(absl::StrCat(
        "no native unwinding for ", arch.goarch, ": ", dwfl_errmsg(-1)));
  }
  std::unique_ptr<MemoryNativeUnwinder> unwinder(new MemoryNativeUnwinder());
  unwinder->session_ = std::move(session);
  // A backend without an unwinder (elfutils 0.188's MIPS and LoongArch)
  // attaches, then reports not even the frame of a bare pc.
  arch::Registers bare(arch);
  bare.Set(arch.pc, 1);
  if (absl::StatusOr<std::vector<NativeFrame>> probe =
          unwinder->Unwind(bare, 1);
      !probe.ok()) {
    return absl::UnimplementedError(absl::StrCat("no native unwinding for ",
                                                 arch.goarch, ": ",
                                                 probe.status().message()));
  }
  return unwinder;
}

MemoryNativeUnwinder::~MemoryNativeUnwinder() = default;

absl::StatusOr<std::vector<NativeFrame>> MemoryNativeUnwinder::Unwind(
    const arch::Registers& registers, int max_frames) const {
  if (registers.arch() != session_->arch) {
    return absl::InvalidArgumentError("registers of another architecture");
  }
  std::vector<NativeFrame> frames;
  if (max_frames <= 0) return frames;
  absl::MutexLock lock(&mu_);
  session_->start = &registers;
  session_->frames = &frames;
  session_->max_frames = max_frames;
  // Ends with an error where the CFI ends (or the stack does): the frames
  // up to there are the answer; with none, the error is.
  const int walked =
      dwfl_getthread_frames(session_->dwfl, kThread, OnFrame, session_.get());
  session_->start = nullptr;
  session_->frames = nullptr;
  if (walked != 0 && frames.empty()) {
    return absl::FailedPreconditionError(dwfl_errmsg(-1));
  }
  return frames;
}

}  // namespace gentrace::unwind
