#include "goruntime/open_coded.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gentrace::goruntime {
namespace {

// The compiler open-codes at most 8 defers per function (one deferBits byte).
constexpr uint64_t kMaxOpenDefers = 8;
// Any argument list longer than this is not a real one.
constexpr uint64_t kMaxArguments = 1024;

class VarintReader {
 public:
  explicit VarintReader(symtab::ByteReader data) : data_(data) {}
  // An unsigned LEB128 number of at most 32 bits, as the runtime reads them.
  absl::StatusOr<uint64_t> Next() {
    uint64_t value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      std::optional<uint8_t> byte = data_.U8(offset_++);
      if (!byte) {
        return absl::DataLossError("open-coded defer info is truncated");
      }
      value |= uint64_t{*byte & 0x7fu} << shift;
      if ((*byte & 0x80) == 0) return value;
    }
    return absl::DataLossError("open-coded defer info has an overlong number");
  }

 private:
  symtab::ByteReader data_;
  uint64_t offset_ = 0;
};

}  // namespace

std::optional<uint64_t> OpenCodedDefers::ClosureSlot(uint64_t varp, int i,
                                                     int ptr_size) const {
  if (i < 0 || i >= static_cast<int>(kMaxOpenDefers)) return std::nullopt;
  if (contiguous_slots) {
    return varp - slots_offset + static_cast<uint64_t>(i) * ptr_size;
  }
  if (i >= static_cast<int>(closure_offsets.size())) return std::nullopt;
  return varp - closure_offsets[i];
}

int OpenCodedDeferInfoIndex(const symtab::GoVersion& version) {
  if (!version.AtLeast(14)) return -1;
  return version.AtLeast(16) ? 4 : 5;
}

absl::StatusOr<OpenCodedDefers> DecodeOpenCodedDeferInfo(
    symtab::ByteReader data, const symtab::GoVersion& version) {
  VarintReader in(data);
  OpenCodedDefers out;
  if (!version.AtLeast(18)) {
    if (absl::StatusOr<uint64_t> max_arg_size = in.Next(); !max_arg_size.ok()) {
      return max_arg_size.status();
    }
  }
  absl::StatusOr<uint64_t> bits = in.Next();
  if (!bits.ok()) return bits.status();
  out.defer_bits_offset = *bits;
  if (version.AtLeast(22)) {
    absl::StatusOr<uint64_t> slots = in.Next();
    if (!slots.ok()) return slots.status();
    out.slots_offset = *slots;
    out.contiguous_slots = true;
    return out;
  }
  absl::StatusOr<uint64_t> count = in.Next();
  if (!count.ok()) return count.status();
  if (*count > kMaxOpenDefers) {
    return absl::DataLossError(
        absl::StrCat("open-coded defer info claims ", *count, " defers"));
  }
  out.closure_offsets.resize(*count);
  // Records come last defer statement first.
  for (uint64_t n = 0; n < *count; ++n) {
    uint64_t& closure = out.closure_offsets[*count - 1 - n];
    if (version.AtLeast(18)) {
      absl::StatusOr<uint64_t> offset = in.Next();
      if (!offset.ok()) return offset.status();
      closure = *offset;
      continue;
    }
    // argWidth, closureOffset, nArgs, then (offset, length, call offset)
    // for each argument.
    absl::StatusOr<uint64_t> width = in.Next();
    absl::StatusOr<uint64_t> offset = width.ok() ? in.Next() : width;
    absl::StatusOr<uint64_t> args = offset.ok() ? in.Next() : offset;
    if (!args.ok()) return args.status();
    if (*args > kMaxArguments) {
      return absl::DataLossError(
          absl::StrCat("open-coded defer info claims ", *args, " arguments"));
    }
    closure = *offset;
    for (uint64_t a = 0; a < 3 * *args; ++a) {
      if (absl::StatusOr<uint64_t> skip = in.Next(); !skip.ok()) {
        return skip.status();
      }
    }
  }
  return out;
}

}  // namespace gentrace::goruntime
