#ifndef GENTRACE_SYMTAB_LAZY_SLOTS_H_
#define GENTRACE_SYMTAB_LAZY_SLOTS_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>

namespace gentrace::symtab {

// One value per index (a function's decoded tables, say), built on first
// need and then read without locks. Builders may race; the first to publish
// wins and the others' copies are dropped. Values live as long as the slots.
// The slot array itself is allocated on first publication.
//
// Thread-safe.
template <typename T>
class LazySlots {
 public:
  LazySlots() = default;
  LazySlots(const LazySlots&) = delete;
  LazySlots& operator=(const LazySlots&) = delete;
  ~LazySlots() {
    if (slots_ == nullptr) return;
    for (size_t i = 0; i < size_; ++i) delete slots_[i].load();
  }

  // The number of slots; set once, before any Get or Publish (an owner that
  // learns its size after construction, from validated data).
  void set_size(size_t size) { size_ = size; }

  // The published value at `index` (< size), or nullptr.
  const T* Get(size_t index) const {
    if (!allocated_.load(std::memory_order_acquire)) return nullptr;
    return slots_[index].load(std::memory_order_acquire);
  }

  // Publishes `value` at `index` unless another is there already; returns
  // the one that stays.
  const T& Publish(size_t index, std::unique_ptr<T> value) const {
    std::call_once(allocate_once_, [this] {
      slots_ = std::make_unique<std::atomic<T*>[]>(size_);
      allocated_.store(true, std::memory_order_release);
    });
    T* expected = nullptr;
    if (slots_[index].compare_exchange_strong(expected, value.get(),
                                              std::memory_order_acq_rel)) {
      return *value.release();
    }
    return *expected;
  }

 private:
  size_t size_ = 0;
  mutable std::once_flag allocate_once_;
  mutable std::atomic<bool> allocated_{false};
  mutable std::unique_ptr<std::atomic<T*>[]> slots_;
};

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_LAZY_SLOTS_H_
