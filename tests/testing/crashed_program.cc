#include "tests/testing/crashed_program.h"

namespace gentrace::testing {

absl::StatusOr<CrashedProgram> OpenCrashedProgram(
    const std::string& binary_path, const std::string& core_path) {
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(binary_path);
  if (!binary.ok()) return binary.status();
  absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
      target::CoreFile::Open(core_path);
  if (!core.ok()) return core.status();
  if (absl::Status loaded = (*core)->LoadExecutable(&*binary); !loaded.ok()) {
    return loaded;
  }
  return CrashedProgram{*std::move(binary), *std::move(core)};
}

}  // namespace gentrace::testing
