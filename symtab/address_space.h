#ifndef GENTRACE_SYMTAB_ADDRESS_SPACE_H_
#define GENTRACE_SYMTAB_ADDRESS_SPACE_H_

#include <cstdint>
#include <optional>

#include "symtab/byte_reader.h"

namespace gentrace::symtab {

// Read access to a target's virtual memory: a binary's loadable segments, a
// core file, a live process. The pclntab reaches data outside itself (inline
// trees, funcdata) through absolute addresses; this is how they are read.
class AddressSpace {
 public:
  virtual ~AddressSpace() = default;
  // Everything readable from `address` up to the end of the contiguous
  // region holding it (for tables whose length is not stored). The bytes
  // stay valid as long as the address space does.
  virtual std::optional<ByteReader> ReadToEnd(uint64_t address) const = 0;

  // `length` bytes at `address`, or nullopt if any of them is unreadable.
  std::optional<ByteReader> Read(uint64_t address, uint64_t length) const {
    std::optional<ByteReader> tail = ReadToEnd(address);
    if (!tail) return std::nullopt;
    return tail->Sub(0, length);
  }
  // The target's pointer-sized word (4 or 8 bytes, in `order`) at
  // `address`, or nullopt if unreadable.
  std::optional<uint64_t> ReadWord(uint64_t address, int ptr_size,
                                   ByteOrder order) const {
    std::optional<ByteReader> bytes = Read(address, ptr_size);
    if (!bytes) return std::nullopt;
    return ByteReader(bytes->data(), order).Word(0, ptr_size);
  }
  // The unsigned `size`-byte value (1, 2, 4 or 8) at `address`, in `order`;
  // nullopt if unreadable or another size.
  std::optional<uint64_t> ReadUnsigned(uint64_t address, int size,
                                       ByteOrder order) const {
    std::optional<ByteReader> bytes = Read(address, size);
    if (!bytes) return std::nullopt;
    const ByteReader value(bytes->data(), order);
    switch (size) {
      case 1:
        return value.U8(0);
      case 2:
        return value.U16(0);
      case 4:
        return value.U32(0);
      case 8:
        return value.U64(0);
      default:
        return std::nullopt;
    }
  }
};

// Another address space seen `shift` bytes higher: what a binary's own
// segments (at link addresses) look like where a program loaded them.
class ShiftedAddressSpace : public AddressSpace {
 public:
  // `base` must outlive this.
  ShiftedAddressSpace(const AddressSpace& base, uint64_t shift)
      : base_(base), shift_(shift) {}
  std::optional<ByteReader> ReadToEnd(uint64_t address) const override {
    if (address < shift_) return std::nullopt;
    return base_.ReadToEnd(address - shift_);
  }

 private:
  const AddressSpace& base_;
  uint64_t shift_;
};

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_ADDRESS_SPACE_H_
