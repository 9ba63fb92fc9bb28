// libFuzzer target: any bytes read as a Mach-O (thin, or fat for each
// architecture) and as a PE file, and what they model read back: every
// section, every segment's bytes and file offsets, a symbol. Small inputs
// (the headers), so mutations reach the load commands and section tables
// at thousands of executions a second. Build and run with
// tests/fuzz/run_fuzzer.sh.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "symtab/elf_file.h"
#include "symtab/macho_file.h"
#include "symtab/pe_file.h"

namespace {

void Exercise(
    const absl::StatusOr<std::unique_ptr<gentrace::symtab::ElfFile>>& parsed) {
  if (!parsed.ok()) return;
  const gentrace::symtab::ElfFile& file = **parsed;
  for (const gentrace::symtab::ElfSection& section : file.sections()) {
    (void)file.SectionData(section);
    (void)file.Read(section.addr, section.size);
  }
  for (const gentrace::symtab::ElfSegment& segment : file.segments()) {
    (void)file.ReadToEnd(segment.vaddr);
    (void)file.FileOffsetOfAddress(segment.vaddr + segment.filesz / 2);
    (void)file.AddressOfFileOffset(segment.offset);
  }
  (void)file.FindSymbol("runtime.text");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Span<const uint8_t> image(data, size);
  Exercise(gentrace::symtab::ParseMachO(image, ""));
  Exercise(gentrace::symtab::ParseMachO(image, "amd64"));
  Exercise(gentrace::symtab::ParseMachO(image, "arm64"));
  Exercise(gentrace::symtab::ParsePe(image));
  return 0;
}
