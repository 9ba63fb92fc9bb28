// libFuzzer target: goroutine enumeration, the report's head and pending
// defers over a real core's memory with the runtime's structures damaged.
// At start it reads the goroutines of a core ($GENTRACE_FUZZ_CORE, dumped
// by $GENTRACE_FUZZ_BINARY) once and keeps copies of the memory they are
// made of: each g and its M, each frame's stack, each _defer record. An
// input is a list of patches to those copies, each [region, offset (2
// bytes, little-endian), length, bytes], so mutations land in g structs,
// stacks and defer chains rather than in memory nothing reads; then every
// goroutine is read again, defers included, over the patched memory. The
// walk must end (bounded loops) and every error must be a status. Build and
// run with tests/fuzz/run_fuzzer.sh.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "goruntime/runtime_layout.h"
#include "proto/convert.h"
#include "proto/gentrace.pb.h"
#include "symtab/address_space.h"
#include "symtab/binary.h"
#include "target/core_file.h"
#include "target/target.h"
#include "tests/testing/crashed_program.h"
#include "traceback/goroutines.h"

namespace {

using ::gentrace::symtab::AddressSpace;
using ::gentrace::symtab::ByteReader;

// A copy of the target's bytes at `address`, which patches change.
struct Region {
  uint64_t address;
  std::string bytes;
};

// How much of each structure is copied: more than a g or an m of any
// release, a frame's stack up to this much, a _defer record.
constexpr uint64_t kGBytes = 0x200;
constexpr uint64_t kMBytes = 0x400;
constexpr uint64_t kFrameBytes = 0x400;
constexpr uint64_t kDeferBytes = 0x80;

// The regions (each ending at its first unreadable byte or at the next
// region: a read across its end fails, where the core's would not), then
// the core's memory.
class PatchedMemory : public AddressSpace {
 public:
  PatchedMemory(const AddressSpace& base, const std::vector<Region>& regions,
                gentrace::symtab::ByteOrder order)
      : base_(base), regions_(regions), order_(order) {}

  std::optional<ByteReader> ReadToEnd(uint64_t address) const override {
    for (const Region& region : regions_) {
      if (address >= region.address &&
          address - region.address < region.bytes.size()) {
        const auto* data =
            reinterpret_cast<const uint8_t*>(region.bytes.data());
        return ByteReader(absl::MakeConstSpan(
                              data + (address - region.address),
                              region.bytes.size() - (address - region.address)),
                          order_);
      }
    }
    return base_.ReadToEnd(address);
  }

 private:
  const AddressSpace& base_;
  const std::vector<Region>& regions_;
  gentrace::symtab::ByteOrder order_;
};

// The core with its memory patched; everything else as the core has it.
class PatchedTarget : public gentrace::target::Target {
 public:
  PatchedTarget(const gentrace::target::Target& core,
                const std::vector<Region>& regions)
      : memory_(core.memory(), regions, core.arch().byte_order) {
    Facts& f = facts();
    f.arch = &core.arch();
    f.threads.assign(core.threads().begin(), core.threads().end());
    f.entry = core.entry();
    f.file_mappings.assign(core.file_mappings().begin(),
                           core.file_mappings().end());
    f.nanotime = core.nanotime();
    f.page_size = core.page_size();
  }
  const AddressSpace& memory() const override { return memory_; }

 private:
  PatchedMemory memory_;
};

gentrace::testing::CrashedProgram* g_program = nullptr;
// The release's row of the layout table, so that no input pays for reading
// the binary's DWARF.
gentrace::goruntime::RuntimeLayout* g_layout = nullptr;
std::vector<Region>* g_pristine = nullptr;
std::vector<Region>* g_patched = nullptr;

// Adds a copy of up to `size` readable bytes at `address`, unless a region
// already starts there.
void AddRegion(uint64_t address, uint64_t size) {
  if (address == 0) return;
  for (const Region& region : *g_pristine) {
    if (region.address == address) return;
  }
  std::optional<ByteReader> bytes =
      g_program->core->memory().ReadToEnd(address);
  if (!bytes || bytes->size() == 0) return;
  const auto data = bytes->data();
  const size_t n = std::min<uint64_t>(size, data.size());
  g_pristine->push_back(
      {address, std::string(reinterpret_cast<const char*>(data.data()), n)});
}

void ReadAll(const gentrace::target::Target& target,
             const std::function<void(const gentrace::Goroutine&)>& seen) {
  std::vector<std::string> notes;
  gentrace::traceback::ReportHead head;
  gentrace::traceback::GoroutineReadOptions options;
  options.pending_defers = true;
  options.report_head = &head;
  options.layout.forced = *g_layout;
  (void)gentrace::traceback::ForEachGoroutine(
      *g_program->binary, target,
      [&](gentrace::Goroutine& goroutine) { seen(goroutine); }, &notes,
      options);
  for (gentrace::traceback::Goroutine& g : head.runtime_stacks) {
    gentrace::Goroutine message;
    gentrace::ToProto(std::move(g), &message);
    seen(message);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* binary = std::getenv("GENTRACE_FUZZ_BINARY");
  const char* core = std::getenv("GENTRACE_FUZZ_CORE");
  if (binary == nullptr || core == nullptr) {
    std::fprintf(stderr,
                 "set GENTRACE_FUZZ_BINARY and GENTRACE_FUZZ_CORE to a Go "
                 "program and its core\n");
    std::abort();
  }
  auto program = gentrace::testing::OpenCrashedProgram(binary, core);
  if (!program.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(program.status().message()).c_str());
    std::abort();
  }
  g_program = new gentrace::testing::CrashedProgram(*std::move(program));
  absl::StatusOr<gentrace::goruntime::RuntimeLayout> layout =
      gentrace::goruntime::RuntimeLayoutFor(*g_program->binary->go_version(),
                                            g_program->core->arch());
  if (!layout.ok()) std::abort();
  g_layout = new gentrace::goruntime::RuntimeLayout(*layout);
  g_pristine = new std::vector<Region>();
  g_patched = new std::vector<Region>();
  ReadAll(*g_program->core, [](const gentrace::Goroutine& g) {
    AddRegion(g.address(), kGBytes);
    AddRegion(g.m_address(), kMBytes);
    for (const gentrace::Frame& frame : g.frames()) {
      AddRegion(frame.sp(), std::min(kFrameBytes, frame.fp() > frame.sp()
                                                      ? frame.fp() - frame.sp()
                                                      : kFrameBytes));
      for (const gentrace::DeferredCall& call : frame.defers()) {
        AddRegion(call.record(), kDeferBytes);
      }
    }
  });
  // Regions in address order; where two overlap the first is cut short,
  // so that each byte has one copy.
  std::sort(
      g_pristine->begin(), g_pristine->end(),
      [](const Region& a, const Region& b) { return a.address < b.address; });
  for (size_t i = 0; i + 1 < g_pristine->size(); ++i) {
    Region& region = (*g_pristine)[i];
    const uint64_t room = (*g_pristine)[i + 1].address - region.address;
    if (region.bytes.size() > room) region.bytes.resize(room);
  }
  if (g_pristine->empty()) {
    std::fprintf(stderr, "the core has no goroutines to fuzz\n");
    std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  *g_patched = *g_pristine;
  // Each patch: region, 2-byte offset, length, then that many bytes.
  for (size_t at = 0; at + 4 <= size;) {
    Region& region = (*g_patched)[data[at] % g_patched->size()];
    const size_t offset =
        (data[at + 1] | size_t{data[at + 2]} << 8) % region.bytes.size();
    const size_t length = std::min<size_t>(data[at + 3], size - at - 4);
    at += 4;
    for (size_t i = 0; i < length && offset + i < region.bytes.size(); ++i) {
      region.bytes[offset + i] = static_cast<char>(data[at + i]);
    }
    at += length;
  }
  const PatchedTarget target(*g_program->core, *g_patched);
  size_t frames = 0;
  ReadAll(target,
          [&](const gentrace::Goroutine& g) { frames += g.frames_size(); });
  (void)frames;
  return 0;
}
