#ifndef GENTRACE_SYMTAB_PER_THREAD_CACHE_H_
#define GENTRACE_SYMTAB_PER_THREAD_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <memory>

namespace gentrace::symtab {

// The calling thread's slot for `pc` in a direct-mapped cache of 2^kBits
// `Slot`s, one cache per Slot type: what a lookup by PC remembers of the PCs
// a thread has met (walks meet the same return addresses again). A slot
// holds its own key, and the id of the table it came from (Pclntab::id())
// so that a destroyed table's entries never match a new one.
template <typename Slot, int kBits>
Slot& PerThreadSlotFor(uint64_t pc) {
  // Every call reads a plain pointer; its owner, a thread_local with a
  // destructor (which frees the slots when the thread ends, and whose
  // every access goes through a guarded wrapper), only on a thread's first.
  thread_local Slot* cache = nullptr;
  if (cache == nullptr) [[unlikely]] {
    thread_local std::unique_ptr<Slot[]> owner;
    owner = std::make_unique<Slot[]>(size_t{1} << kBits);
    cache = owner.get();
  }
  // Fibonacci hashing spreads nearby PCs over the slots. The analyzer does
  // not model thread_local storage, which outlives this call.
  const uint64_t slot = (pc * 0x9E3779B97F4A7C15u) >> (64 - kBits);
  return cache[slot];  // NOLINT(clang-analyzer-cplusplus.NewDelete)
}

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_PER_THREAD_CACHE_H_
