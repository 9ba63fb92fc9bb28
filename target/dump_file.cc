#include "target/dump_file.h"

#include <array>
#include <cstdint>
#include <fstream>
#include <string>

#include "target/core_file.h"
#include "target/minidump.h"

namespace gentrace::target {

absl::StatusOr<std::unique_ptr<Target>> OpenDumpFile(absl::string_view path) {
  std::array<uint8_t, 4> magic{};
  std::ifstream(std::string(path), std::ios::binary)
      .read(reinterpret_cast<char*>(magic.data()), magic.size());
  if (Minidump::LooksLikeOne(magic)) {
    absl::StatusOr<std::unique_ptr<Minidump>> dump = Minidump::Open(path);
    if (!dump.ok()) return dump.status();
    return std::unique_ptr<Target>(*std::move(dump));
  }
  absl::StatusOr<std::unique_ptr<CoreFile>> core = CoreFile::Open(path);
  if (!core.ok()) return core.status();
  return std::unique_ptr<Target>(*std::move(core));
}

}  // namespace gentrace::target
