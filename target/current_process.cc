#include "target/current_process.h"

#include <sys/auxv.h>
#include <time.h>

#include <utility>

#include "absl/status/status.h"
#include "target/proc_maps.h"

namespace gentrace::target {

absl::StatusOr<std::unique_ptr<CurrentProcess>> CurrentProcess::Create() {
  const arch::ArchInfo* host = arch::HostArch();
  if (host == nullptr) {
    return absl::UnimplementedError("the current process: unsupported host");
  }
  absl::StatusOr<std::vector<MapsEntry>> maps = ReadProcMaps("self");
  if (!maps.ok()) return maps.status();
  auto process = std::unique_ptr<CurrentProcess>(
      new CurrentProcess(ProcessMemory::FromMaps(*maps)));
  process->facts().arch = host;
  if (const uint64_t entry = getauxval(AT_ENTRY); entry != 0) {
    process->facts().entry = entry;
  }
  if (const uint64_t page_size = getauxval(AT_PAGESZ); page_size != 0) {
    process->facts().page_size = page_size;
  }
  process->facts().file_mappings = FileMappingsOf(*maps);
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  process->facts().nanotime = int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
  return process;
}

}  // namespace gentrace::target
