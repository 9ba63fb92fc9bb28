#ifndef GENTRACE_SYMTAB_BYTE_READER_H_
#define GENTRACE_SYMTAB_BYTE_READER_H_

#include <cstdint>
#include <cstring>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "arch/byte_order.h"

namespace gentrace::symtab {

using ByteOrder = arch::ByteOrder;

// A bounds-checked, byte-order-aware view over untrusted bytes. Every read
// returns std::nullopt instead of reading past the end, so callers turn a
// truncated or lying file into an error instead of undefined behaviour.
//
// Thread-safe (immutable); async-signal-safe; never allocates.
class ByteReader {
 public:
  ByteReader() = default;
  ByteReader(absl::Span<const uint8_t> data, ByteOrder order)
      : data_(data), order_(order) {}

  absl::Span<const uint8_t> data() const { return data_; }
  uint64_t size() const { return data_.size(); }
  ByteOrder order() const { return order_; }

  bool Contains(uint64_t offset, uint64_t length) const {
    return offset <= data_.size() && length <= data_.size() - offset;
  }

  std::optional<uint8_t> U8(uint64_t offset) const {
    if (!Contains(offset, 1)) return std::nullopt;
    return data_[offset];
  }
  std::optional<uint16_t> U16(uint64_t offset) const {
    return Unsigned<uint16_t>(offset);
  }
  std::optional<uint32_t> U32(uint64_t offset) const {
    return Unsigned<uint32_t>(offset);
  }
  std::optional<uint64_t> U64(uint64_t offset) const {
    return Unsigned<uint64_t>(offset);
  }
  // A target pointer-sized word (4 or 8 bytes), zero-extended.
  std::optional<uint64_t> Word(uint64_t offset, int ptr_size) const {
    if (ptr_size == 8) return U64(offset);
    if (ptr_size == 4) return U32(offset);
    return std::nullopt;
  }

  // `length` bytes at `offset`, or nullopt if they are not all inside.
  std::optional<ByteReader> Sub(uint64_t offset, uint64_t length) const {
    if (!Contains(offset, length)) return std::nullopt;
    return ByteReader(data_.subspan(offset, length), order_);
  }
  // Everything from `offset` to the end.
  std::optional<ByteReader> Tail(uint64_t offset) const {
    if (offset > data_.size()) return std::nullopt;
    return ByteReader(data_.subspan(offset), order_);
  }

  // A NUL-terminated string starting at `offset`; the terminator must lie
  // within the data. The view points into the data (zero-copy).
  std::optional<absl::string_view> CString(uint64_t offset) const {
    if (offset >= data_.size()) return std::nullopt;
    const void* start = data_.data() + offset;
    const void* nul = std::memchr(start, 0, data_.size() - offset);
    if (nul == nullptr) return std::nullopt;
    return absl::string_view(
        static_cast<const char*>(start),
        static_cast<const char*>(nul) - static_cast<const char*>(start));
  }

  // A name in a fixed field of `width` bytes at `offset`, up to its first
  // NUL (Mach-O's 16-byte and PE's 8-byte names).
  std::optional<absl::string_view> FixedString(uint64_t offset,
                                               uint64_t width) const {
    if (!Contains(offset, width)) return std::nullopt;
    const char* start = reinterpret_cast<const char*>(data_.data() + offset);
    const void* nul = std::memchr(start, 0, width);
    return absl::string_view(
        start, nul == nullptr ? width : static_cast<const char*>(nul) - start);
  }

 private:
  template <typename T>
  std::optional<T> Unsigned(uint64_t offset) const {
    if (!Contains(offset, sizeof(T))) return std::nullopt;
    T value;
    std::memcpy(&value, data_.data() + offset, sizeof(T));
    const bool host_little = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
    if ((order_ == ByteOrder::kLittle) != host_little) value = Swap(value);
    return value;
  }
  static uint16_t Swap(uint16_t v) { return __builtin_bswap16(v); }
  static uint32_t Swap(uint32_t v) { return __builtin_bswap32(v); }
  static uint64_t Swap(uint64_t v) { return __builtin_bswap64(v); }

  absl::Span<const uint8_t> data_;
  ByteOrder order_ = ByteOrder::kLittle;
};

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_BYTE_READER_H_
