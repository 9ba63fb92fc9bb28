#ifndef GENTRACE_SYMTAB_BYTE_WRITER_H_
#define GENTRACE_SYMTAB_BYTE_WRITER_H_

#include <cstdint>
#include <string>

namespace gentrace::symtab {

// Little-endian integers written into byte strings: the writing side of
// ByteReader, for the file gentrace makes (the symbolization index) and the
// files its tests and fuzzers build byte by byte (ELF images, cores,
// minidumps).

// Appends the low `size` bytes of `value`.
inline void AppendLittleEndian(std::string& out, uint64_t value, int size) {
  for (int i = 0; i < size; ++i) {
    out.push_back(static_cast<char>(value >> (8 * i)));
  }
}

// Overwrites out[at, at + size) with the low `size` bytes of `value`; the
// caller has made those bytes.
inline void WriteLittleEndian(std::string& out, uint64_t at, uint64_t value,
                              int size) {
  for (int i = 0; i < size; ++i) {
    out[at + i] = static_cast<char>(value >> (8 * i));
  }
}

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_BYTE_WRITER_H_
