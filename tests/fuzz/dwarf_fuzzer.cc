// libFuzzer target: DWARF type reading (symtab/dwarf_types, over elfutils'
// libdw) and the runtime layout read from it: an ELF file with DWARF, its
// structs indexed (every unit's, or those of units named "runtime", as the
// goroutine reader asks, by the input's first byte), then every member
// path of the runtime's layout looked up (goruntime/runtime_layout). Seeded
// with a small executable whose DWARF declares the runtime's structs
// (tests/fuzz/dwarf_seed.c). Build and run with tests/fuzz/run_fuzzer.sh.
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "goruntime/runtime_layout.h"
#include "symtab/dwarf_types.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  absl::StatusOr<gentrace::symtab::DwarfTypes> types =
      gentrace::symtab::DwarfTypes::FromBytes(
          std::string(reinterpret_cast<const char*>(data) + 1, size - 1),
          data[0] & 1 ? "runtime" : "");
  if (!types.ok()) return 0;
  (void)gentrace::goruntime::RuntimeLayoutFromDwarf(*types);
  for (const gentrace::goruntime::RuntimeLayoutField& field :
       gentrace::goruntime::RuntimeLayoutFields()) {
    (void)types->MemberOffset(field.type_name, field.path);
  }
  (void)types->MemberOffset("runtime.g", "sched.sp");
  return 0;
}
