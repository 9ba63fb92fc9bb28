#include "tests/testing/crashed_program.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gentrace::testing {

absl::StatusOr<CrashedProgram> OpenCrashedProgram(
    const std::string& binary_path, const std::string& core_path) {
  absl::StatusOr<std::unique_ptr<symtab::Binary>> binary =
      symtab::Binary::Open(binary_path);
  if (!binary.ok()) return binary.status();
  absl::StatusOr<std::unique_ptr<target::CoreFile>> core =
      target::CoreFile::Open(core_path);
  if (!core.ok()) return core.status();
  absl::StatusOr<target::LoadedExecutable> loaded =
      (*core)->LoadExecutable(**binary);
  if (!loaded.ok()) return loaded.status();
  return CrashedProgram{*std::move(binary), *std::move(loaded),
                        *std::move(core)};
}

std::optional<StackWindow> ReadStackWindow(const target::CoreFile& core,
                                           const target::Thread& thread,
                                           uint64_t size) {
  std::optional<uint64_t> sp = thread.registers.sp();
  if (!sp) return std::nullopt;
  std::optional<symtab::ByteReader> stack = core.memory().ReadToEnd(*sp);
  if (!stack) return std::nullopt;
  return StackWindow{
      *sp, std::string(reinterpret_cast<const char*>(stack->data().data()),
                       std::min<uint64_t>(stack->size(), size))};
}

std::string CaptureJson(const arch::ArchInfo& arch,
                        const arch::Registers& registers,
                        const StackWindow& stack,
                        std::optional<uint64_t> entry) {
  std::vector<std::string> regs;
  bool hex = true;
  for (const auto& [name, value] : registers.all()) {
    regs.push_back(
        hex ? absl::StrCat("\"", name, "\": \"0x", absl::Hex(value), "\"")
            : absl::StrCat("\"", name, "\": \"", value, "\""));
    hex = !hex;
  }
  return absl::StrCat(
      "{\"arch\": \"", arch.goarch, "\", ",
      entry ? absl::StrCat("\"entry\": \"0x", absl::Hex(*entry), "\", ") : "",
      "\"registers\": {", absl::StrJoin(regs, ", "),
      "}, \"memory\": [{\"address\": \"0x", absl::Hex(stack.start),
      "\", \"data\": \"", absl::Base64Escape(stack.bytes), "\"}]}");
}

Capture CaptureMessage(const arch::ArchInfo& arch,
                       const arch::Registers& registers,
                       const StackWindow& stack,
                       std::optional<uint64_t> entry) {
  Capture message;
  message.set_arch(std::string(arch.goarch));
  for (const auto& [name, value] : registers.all()) {
    (*message.mutable_registers())[std::string(name)] = value;
  }
  MemoryRange* range = message.add_memory();
  range->set_address(stack.start);
  range->set_data(stack.bytes);
  if (entry) message.set_entry(*entry);
  return message;
}

}  // namespace gentrace::testing
