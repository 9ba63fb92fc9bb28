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
#include "absl/types/span.h"
#include "arch/arch.h"
#include "symtab/address_space.h"
#include "target/target.h"

namespace gentrace::target {

// A running process of the host architecture, held still for reading, as
// a Target: Attach seizes and interrupts every thread with ptrace, reads
// each one's registers, AT_ENTRY (/proc/PID/auxv) and file mappings
// (/proc/PID/maps), and serves memory from /proc/PID/mem; Detach (or
// destruction) lets every thread go on where it was. The process is not
// otherwise disturbed: no signal reaches it, nothing is written. An
// attached executable must have the build ID notes the process has mapped.
//
// Memory is read in 2 KiB blocks, each with the next 512 bytes, cached for
// the object's life: any read of up to 512 bytes succeeds when its bytes are
// mapped (small blocks keep 10,000 goroutines' stacks in a few tens of MB).
// Thread-safe (reads lock the cache). Not async-signal-safe.
class LiveProcess : public Target {
 public:
  static absl::StatusOr<std::unique_ptr<LiveProcess>> Attach(pid_t pid);
  ~LiveProcess() override;
  LiveProcess(const LiveProcess&) = delete;
  LiveProcess& operator=(const LiveProcess&) = delete;

  // Lets the process run again; reads fail afterwards.
  void Detach();

  pid_t pid() const { return pid_; }
  // /proc/PID/exe, for opening the executable.
  std::string executable_path() const;

  const symtab::AddressSpace& memory() const override { return memory_; }

 private:
  // /proc/PID/mem through the block cache.
  class Memory : public symtab::AddressSpace {
   public:
    explicit Memory(const LiveProcess& process) : process_(process) {}
    std::optional<symtab::ByteReader> ReadToEnd(
        uint64_t address) const override;

   private:
    const LiveProcess& process_;
  };

  explicit LiveProcess(pid_t pid) : pid_(pid) {}
  absl::Status StopAllThreads();
  absl::Status ReadRegisters();
  void ReadAuxv();

  const pid_t pid_;
  std::vector<pid_t> stopped_;  // threads seized and stopped
  int mem_fd_ = -1;
  mutable absl::Mutex mutex_;
  mutable absl::flat_hash_map<uint64_t, std::unique_ptr<std::string>> blocks_
      ABSL_GUARDED_BY(mutex_);
  Memory memory_{*this};
};

}  // namespace gentrace::target

#endif  // GENTRACE_TARGET_LIVE_PROCESS_H_
