#include "target/live_process.h"

#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "target/proc_maps.h"

namespace gentrace::target {
namespace {

constexpr uint64_t kBlockSize = 2048;
constexpr uint64_t kBlockOverlap = 512;
// Threads may start while others are being stopped; list them again until
// no new one appears, this many times at most.
constexpr int kMaxThreadListings = 16;

absl::Status Errno(absl::string_view what) {
  return absl::Status(absl::ErrnoToStatusCode(errno),
                      absl::StrCat(what, ": ", std::strerror(errno)));
}

std::vector<pid_t> ListThreads(pid_t pid) {
  std::vector<pid_t> tids;
  DIR* dir = opendir(absl::StrCat("/proc/", pid, "/task").c_str());
  if (dir == nullptr) return tids;
  while (dirent* entry = readdir(dir)) {
    pid_t tid = 0;
    if (absl::SimpleAtoi(entry->d_name, &tid)) tids.push_back(tid);
  }
  closedir(dir);
  return tids;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LiveProcess>> LiveProcess::Attach(pid_t pid) {
  auto process = std::unique_ptr<LiveProcess>(new LiveProcess(pid));
  // ptrace reads registers in the host's own layout.
  process->facts().arch = arch::HostArch();
  if (process->facts().arch == nullptr) {
    return absl::UnimplementedError("live processes: unsupported host");
  }
  if (absl::Status s = process->StopAllThreads(); !s.ok()) return s;
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  process->facts().nanotime = int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
  if (absl::Status s = process->ReadRegisters(); !s.ok()) return s;
  process->ReadAuxv();
  absl::StatusOr<std::vector<MapsEntry>> maps = ReadProcMaps(absl::StrCat(pid));
  if (!maps.ok()) return maps.status();
  process->facts().file_mappings = FileMappingsOf(*maps);
  process->mem_fd_ =
      open(absl::StrCat("/proc/", pid, "/mem").c_str(), O_RDONLY | O_CLOEXEC);
  if (process->mem_fd_ < 0) return Errno("opening /proc/PID/mem");
  return process;
}

absl::Status LiveProcess::StopAllThreads() {
  absl::flat_hash_set<pid_t> seen;
  for (int round = 0; round < kMaxThreadListings; ++round) {
    bool added = false;
    for (pid_t tid : ListThreads(pid_)) {
      if (!seen.insert(tid).second) continue;
      added = true;
      // SEIZE, unlike ATTACH, stops the thread without a signal the
      // process could notice.
      if (ptrace(PTRACE_SEIZE, tid, nullptr, nullptr) != 0) {
        if (errno == ESRCH) continue;  // the thread exited meanwhile
        return Errno(absl::StrCat("ptrace(SEIZE) of thread ", tid));
      }
      stopped_.push_back(tid);
      if (ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr) != 0) {
        return Errno(absl::StrCat("ptrace(INTERRUPT) of thread ", tid));
      }
      int status = 0;
      if (waitpid(tid, &status, __WALL) != tid) {
        return Errno(absl::StrCat("waiting for thread ", tid, " to stop"));
      }
    }
    if (!added) {
      if (seen.empty()) {
        return absl::NotFoundError(absl::StrCat("no process ", pid_));
      }
      return absl::OkStatus();
    }
  }
  return absl::UnavailableError("the process keeps starting threads");
}

absl::Status LiveProcess::ReadRegisters() {
  const arch::ArchInfo& arch = *facts().arch;
  for (pid_t tid : stopped_) {
    std::string regs(arch.prstatus_slots.size() * arch.prstatus_slot_size, 0);
    iovec io{regs.data(), regs.size()};
    if (ptrace(PTRACE_GETREGSET, tid, reinterpret_cast<void*>(NT_PRSTATUS),
               &io) != 0) {
      return Errno(absl::StrCat("reading the registers of thread ", tid));
    }
    // The register set is laid out as a core's NT_PRSTATUS pr_reg.
    symtab::ByteReader reader(
        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(regs.data()),
                            io.iov_len),
        arch.byte_order);
    Thread thread{.tid = tid, .registers = arch::Registers(arch)};
    for (size_t i = 0; i < arch.prstatus_slots.size(); ++i) {
      if (arch.prstatus_slots[i].empty()) continue;
      if (auto value = reader.Word(i * arch.prstatus_slot_size,
                                   arch.prstatus_slot_size)) {
        thread.registers.SetSlot(i, *value);
      }
    }
    facts().threads.push_back(thread);
  }
  return absl::OkStatus();
}

void LiveProcess::ReadAuxv() {
  std::ifstream file(absl::StrCat("/proc/", pid_, "/auxv"), std::ios::binary);
  const std::string auxv((std::istreambuf_iterator<char>(file)),
                         std::istreambuf_iterator<char>());
  symtab::ByteReader reader(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(auxv.data()),
                          auxv.size()),
      facts().arch->byte_order);
  facts().entry = AuxvValue(reader, kAuxvEntry, facts().arch->ptr_size);
  facts().page_size = AuxvValue(reader, kAuxvPageSize, facts().arch->ptr_size);
}

std::string LiveProcess::executable_path() const {
  return absl::StrCat("/proc/", pid_, "/exe");
}

void LiveProcess::Detach() {
  for (pid_t tid : stopped_) ptrace(PTRACE_DETACH, tid, nullptr, nullptr);
  stopped_.clear();
  if (mem_fd_ >= 0) close(mem_fd_);
  mem_fd_ = -1;
}

LiveProcess::~LiveProcess() { Detach(); }

std::optional<symtab::ByteReader> LiveProcess::Memory::ReadToEnd(
    uint64_t address) const {
  const uint64_t block = address & ~(kBlockSize - 1);
  absl::MutexLock lock(&process_.mutex_);
  auto [it, added] = process_.blocks_.try_emplace(block);
  const int mem_fd = process_.mem_fd_;
  if (added) {
    auto bytes = std::make_unique<std::string>(kBlockSize + kBlockOverlap, 0);
    ssize_t n = mem_fd < 0 ? -1
                           : pread(mem_fd, bytes->data(), bytes->size(),
                                   static_cast<off_t>(block));
    // The overlap may run into an unmapped page: then the block alone.
    if (n < static_cast<ssize_t>(kBlockSize) && mem_fd >= 0) {
      n = pread(mem_fd, bytes->data(), kBlockSize, static_cast<off_t>(block));
    }
    bytes->resize(n > 0 ? static_cast<size_t>(n) : 0);
    it->second = std::move(bytes);
  }
  const std::string& bytes = *it->second;
  const uint64_t offset = address - block;
  if (offset >= bytes.size()) return std::nullopt;
  return symtab::ByteReader(
      absl::MakeConstSpan(
          reinterpret_cast<const uint8_t*>(bytes.data()) + offset,
          bytes.size() - offset),
      process_.arch().byte_order);
}

}  // namespace gentrace::target
