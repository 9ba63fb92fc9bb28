#ifndef GENTRACE_TARGET_LIVE_PROCESS_H_
#define GENTRACE_TARGET_LIVE_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "arch/arch.h"
#include "symtab/address_space.h"
#include "target/core_file.h"

namespace gentrace::target {

// A running process of the host architecture, held still for reading:
// Attach seizes and interrupts every thread with ptrace, reads each one's
// registers, and serves memory from /proc/PID/mem; Detach (or destruction)
// lets every thread go on where it was. The process is not otherwise
// disturbed: no signal reaches it, nothing is written.
//
// Memory is read in 2 KiB blocks, each with the next 512 bytes, cached for
// the object's life: any read of up to 512 bytes succeeds when its bytes are
// mapped (small blocks keep 10,000 goroutines' stacks in a few tens of MB).
// Thread-safe (reads lock the cache). Not async-signal-safe.
class LiveProcess : public symtab::AddressSpace {
 public:
  static absl::StatusOr<std::unique_ptr<LiveProcess>> Attach(pid_t pid);
  ~LiveProcess() override;
  LiveProcess(const LiveProcess&) = delete;
  LiveProcess& operator=(const LiveProcess&) = delete;

  // Lets the process run again; reads fail afterwards.
  void Detach();

  pid_t pid() const { return pid_; }
  const arch::ArchInfo& arch() const { return *arch_; }
  const std::vector<CoreThread>& threads() const { return threads_; }
  // AT_ENTRY from /proc/PID/auxv.
  std::optional<uint64_t> entry() const { return entry_; }
  // /proc/PID/exe, for opening the executable.
  std::string executable_path() const;
  // CLOCK_MONOTONIC when every thread had stopped: the Go runtime's
  // nanotime() at the moment the process was held.
  int64_t stopped_at_nanotime() const { return stopped_at_nanotime_; }

  std::optional<symtab::ByteReader> ReadToEnd(uint64_t address) const override;

 private:
  explicit LiveProcess(pid_t pid) : pid_(pid) {}
  absl::Status StopAllThreads();
  absl::Status ReadRegisters();
  void ReadAuxv();

  const pid_t pid_;
  const arch::ArchInfo* arch_ = nullptr;
  std::vector<pid_t> stopped_;  // threads seized and stopped
  std::vector<CoreThread> threads_;
  std::optional<uint64_t> entry_;
  int64_t stopped_at_nanotime_ = 0;
  int mem_fd_ = -1;
  mutable absl::Mutex mutex_;
  mutable absl::flat_hash_map<uint64_t, std::unique_ptr<std::string>> blocks_
      ABSL_GUARDED_BY(mutex_);
};

}  // namespace gentrace::target

#endif  // GENTRACE_TARGET_LIVE_PROCESS_H_
