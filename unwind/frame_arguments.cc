#include "unwind/frame_arguments.h"

#include <cstdint>

#include "symtab/hex_text.h"
#include "symtab/per_thread_cache.h"

namespace gentrace::unwind {
namespace {

// The ArgInfo byte program (runtime/traceback.go printArgs).
constexpr uint8_t kEndSeq = 0xff;
constexpr uint8_t kStartAgg = 0xfe;
constexpr uint8_t kEndAgg = 0xfd;
constexpr uint8_t kDotDotDot = 0xfc;
constexpr uint8_t kOffsetTooLarge = 0xfb;
// The compiler writes at most (5 levels * 3 + 2) * 10 components + 1 bytes.
constexpr uint64_t kMaxArgInfoLength = (5 * 3 + 2) * 10 + 1;
// Before ArgInfo the runtime printed at most 10 argument words.
constexpr uint64_t kMaxArgWords = 10;
// The argument size of a function that declares none (runtime/funcdata.h).
constexpr int32_t kArgsSizeUnknown = INT32_MIN;

// The `size`-byte value `offset` bytes above argp, as the runtime reads it:
// eight bytes, masked to the value's own. `area` is the memory from argp
// on, read once per frame (nullopt if unreadable); a value past its end is
// read from `stack` itself.
std::optional<uint64_t> ReadValue(const symtab::AddressSpace& stack,
                                  const std::optional<symtab::ByteReader>& area,
                                  const arch::ArchInfo& arch, uint64_t argp,
                                  uint8_t offset, uint8_t size) {
  if (size == 0 || size > 8) return std::nullopt;
  std::optional<symtab::ByteReader> bytes =
      area ? area->Sub(offset, size) : std::nullopt;
  if (!bytes) bytes = stack.Read(argp + offset, size);
  if (!bytes) return std::nullopt;
  if (bytes->order() == arch.byte_order) {
    switch (size) {
      case 8:
        return bytes->U64(0);
      case 4:
        return bytes->U32(0);
      case 2:
        return bytes->U16(0);
      case 1:
        return bytes->U8(0);
    }
  }
  uint64_t value = 0;
  for (uint8_t i = 0; i < size; ++i) {
    const int at =
        arch.byte_order == symtab::ByteOrder::kLittle ? size - 1 - i : i;
    value = value << 8 | *bytes->U8(at);
  }
  return value;
}

// One piece of the printed argument list.
struct ArgumentToken {
  enum Kind { kValue, kStartAggregate, kEndAggregate, kDotDotDot, kTooLarge };
  Kind kind;
  std::optional<uint64_t> value;  // kValue; nullopt if unreadable
  bool live = true;               // kValue: false prints "?"
};

// A token as the function's metadata gives it at a pc, before the stack is
// read: for a value, where it lies above argp and its size (0: the
// metadata ends before saying).
struct ArgumentStep {
  ArgumentToken::Kind kind;
  uint8_t offset = 0;
  uint8_t size = 0;
  bool live = true;
};

// The steps of the frame at (pc, trace_pc), as the runtime's printArgs
// walks its ArgInfo (or the argument words before Go 1.17).
void PlanArguments(const symtab::Pclntab& table,
                   const symtab::AddressSpace& binary,
                   const arch::ArchInfo& arch, const GoFrame& frame,
                   std::vector<ArgumentStep>* steps) {
  absl::StatusOr<symtab::Func> func = table.FindFunc(frame.pc);
  if (!func.ok()) return;
  const symtab::PclntabLayout& layout = table.layout();

  if (layout.funcdata_arg_info < 0) {
    // Before 1.17: the argument area's words, at most ten; an assembly
    // function that declares no size (ArgsSizeUnknown) gets all ten.
    const int32_t size = func->args_size();
    const uint64_t words = size == kArgsSizeUnknown ? kMaxArgWords + 1
                           : size > 0
                               ? static_cast<uint64_t>(size) / arch.ptr_size
                               : 0;
    for (uint64_t i = 0; i < words; ++i) {
      if (i == kMaxArgWords) {
        steps->push_back({ArgumentToken::kDotDotDot});
        return;
      }
      steps->push_back({ArgumentToken::kValue,
                        static_cast<uint8_t>(i * arch.ptr_size),
                        static_cast<uint8_t>(arch.ptr_size)});
    }
    return;
  }

  std::optional<uint64_t> info_at = func->FuncData(layout.funcdata_arg_info);
  std::optional<symtab::ByteReader> info =
      info_at ? binary.ReadToEnd(*info_at) : std::nullopt;
  if (!info) return;
  // Liveness of register-spilled arguments: a bitmap per PCDATA index,
  // looked up (a pc-value table walk) only for a frame that has such
  // arguments.
  std::optional<symtab::ByteReader> live_info;
  if (layout.funcdata_arg_live_info >= 0) {
    if (std::optional<uint64_t> at =
            func->FuncData(layout.funcdata_arg_live_info)) {
      live_info = binary.ReadToEnd(*at);
    }
  }
  std::optional<int32_t> live_index;
  auto index_at_pc = [&] {
    uint64_t trace_pc = frame.trace_pc;
    // Up to Go 1.20 the runtime looked liveness up where its inline walk
    // ended: at the outermost inlined call's site.
    if (!table.go_version() || !table.go_version()->AtLeast(21)) {
      trace_pc = table.OutermostCallPc(*func, trace_pc);
    }
    return func->PcData(layout.pcdata_arg_live_index, trace_pc).value_or(-1);
  };
  const uint8_t start_offset =
      live_info ? live_info->U8(0).value_or(0xff) : 0xff;
  auto is_live = [&](uint8_t offset, uint8_t slot) {
    if (!live_info || offset < start_offset) return true;
    if (!live_index) live_index = index_at_pc();
    if (*live_index <= 0) return true;
    std::optional<uint8_t> bits = live_info->U8(
        static_cast<uint64_t>(*live_index) + static_cast<uint64_t>(slot / 8));
    return !bits || (*bits & (1 << (slot % 8))) != 0;
  };
  uint8_t slot = 0;
  for (uint64_t pi = 0; pi < kMaxArgInfoLength;) {
    std::optional<uint8_t> op = info->U8(pi++);
    if (!op || *op == kEndSeq) return;
    switch (*op) {
      case kStartAgg:
        steps->push_back({ArgumentToken::kStartAggregate});
        break;
      case kEndAgg:
        steps->push_back({ArgumentToken::kEndAggregate});
        break;
      case kDotDotDot:
        steps->push_back({ArgumentToken::kDotDotDot});
        break;
      case kOffsetTooLarge:
        steps->push_back({ArgumentToken::kTooLarge});
        break;
      default: {
        std::optional<uint8_t> size = info->U8(pi++);
        steps->push_back(
            {ArgumentToken::kValue, *op, size.value_or(0), is_live(*op, slot)});
        if (*op >= start_offset) ++slot;
        break;
      }
    }
  }
}

// PlanArguments remembered per thread for the frames it has met: a core's
// goroutines wait in the same few places, and a profile repeats its
// stacks. Only a plan read from the table's own image (Binary::image()) is
// remembered: another address space, a target's memory, may hold other
// bytes, and another object may later sit at its address. Such a plan is
// made into `uncached`.
struct PlanSlot {
  uint64_t table_id = 0;
  uint64_t pc = 0;
  uint64_t trace_pc = 0;
  std::vector<ArgumentStep> steps;
};
constexpr int kPlanCacheBits = 10;

const std::vector<ArgumentStep>& CachedPlan(
    const symtab::Pclntab& table, const symtab::AddressSpace& binary,
    const arch::ArchInfo& arch, const GoFrame& frame,
    std::vector<ArgumentStep>* uncached) {
  if (&binary != table.memory()) {
    PlanArguments(table, binary, arch, frame, uncached);
    return *uncached;
  }
  PlanSlot& slot = symtab::PerThreadSlotFor<PlanSlot, kPlanCacheBits>(frame.pc);
  if (slot.table_id != table.id() || slot.pc != frame.pc ||
      slot.trace_pc != frame.trace_pc) {
    slot.table_id = table.id();
    slot.pc = frame.pc;
    slot.trace_pc = frame.trace_pc;
    slot.steps.clear();
    PlanArguments(table, binary, arch, frame, &slot.steps);
  }
  return slot.steps;
}

// Walks the frame's argument list as the runtime's printArgs does, calling
// `emit` for each token.
template <typename Emit>
void ForEachArgument(const symtab::Pclntab& table,
                     const symtab::AddressSpace& binary,
                     const symtab::AddressSpace& stack,
                     const arch::ArchInfo& arch, const GoFrame& frame,
                     Emit emit) {
  // The runtime's frame.argp: above the caller's saved LR on LR machines.
  const uint64_t argp = frame.fp + (arch.uses_lr ? arch.min_frame_size : 0);
  std::vector<ArgumentStep> uncached;
  const std::vector<ArgumentStep>& plan =
      CachedPlan(table, binary, arch, frame, &uncached);
  if (plan.empty()) return;
  const std::optional<symtab::ByteReader> area = stack.ReadToEnd(argp);
  for (const ArgumentStep& step : plan) {
    emit(step.kind == ArgumentToken::kValue
             ? ArgumentToken{ArgumentToken::kValue,
                             ReadValue(stack, area, arch, argp, step.offset,
                                       step.size),
                             step.live}
             : ArgumentToken{step.kind, std::nullopt});
  }
}

}  // namespace

std::string FrameArguments(const symtab::Pclntab& table,
                           const symtab::AddressSpace& binary,
                           const symtab::AddressSpace& stack,
                           const arch::ArchInfo& arch, const GoFrame& frame) {
  std::string out;
  bool start = true;  // no ", " before the first item of a list
  ForEachArgument(table, binary, stack, arch, frame,
                  [&](const ArgumentToken& token) {
                    if (token.kind != ArgumentToken::kEndAggregate && !start) {
                      out += ", ";
                    }
                    start = false;
                    switch (token.kind) {
                      case ArgumentToken::kValue:
                        if (token.value) {
                          symtab::AppendHex(*token.value, &out);
                        } else {
                          out += '_';
                        }
                        if (!token.live) out += '?';
                        break;
                      case ArgumentToken::kStartAggregate:
                        out += "{";
                        start = true;
                        break;
                      case ArgumentToken::kEndAggregate:
                        out += "}";
                        break;
                      case ArgumentToken::kDotDotDot:
                        out += "...";
                        break;
                      case ArgumentToken::kTooLarge:
                        out += "_";
                        break;
                    }
                  });
  return out;
}

std::vector<std::optional<uint64_t>> ArgumentValues(
    const symtab::Pclntab& table, const symtab::AddressSpace& binary,
    const symtab::AddressSpace& stack, const arch::ArchInfo& arch,
    const GoFrame& frame) {
  std::vector<std::optional<uint64_t>> values;
  ForEachArgument(table, binary, stack, arch, frame,
                  [&](const ArgumentToken& token) {
                    if (token.kind == ArgumentToken::kValue) {
                      values.push_back(token.value);
                    }
                  });
  return values;
}

}  // namespace gentrace::unwind
