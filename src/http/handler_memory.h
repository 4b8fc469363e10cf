// HandlerMemory: a few fixed blocks for the asynchronous operations of one connection, so that a
// request's read, write, timer and posts take no memory from the heap. Asio allocates each
// operation through the handler's associated allocator; HandlerAllocator (bound to a handler with
// asio::bind_allocator) hands out these blocks, and falls back to the heap when all are in use or
// an operation is larger than a block.
//
// Blocks are taken and given back with atomic flags: an operation's memory may be freed on a
// thread other than the one that took it (an operation completed for a strand is freed before
// its handler is handed to the strand).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <new>

namespace footfall::http {

template <size_t kBlocks, size_t kBlockBytes>
class HandlerMemory {
 public:
  HandlerMemory() = default;
  HandlerMemory(const HandlerMemory&) = delete;
  HandlerMemory& operator=(const HandlerMemory&) = delete;

  void* Allocate(size_t bytes) {
    if (bytes <= kBlockBytes) {
      for (size_t i = 0; i < kBlocks; ++i) {
        if (!in_use_[i].exchange(true, std::memory_order_acquire)) return blocks_[i].bytes;
      }
    }
    return ::operator new(bytes);
  }

  void Deallocate(void* p) {
    for (size_t i = 0; i < kBlocks; ++i) {
      if (p == blocks_[i].bytes) {
        in_use_[i].store(false, std::memory_order_release);
        return;
      }
    }
    ::operator delete(p);
  }

 private:
  struct Block {
    alignas(std::max_align_t) unsigned char bytes[kBlockBytes];
  };
  std::array<Block, kBlocks> blocks_;
  std::array<std::atomic<bool>, kBlocks> in_use_{};
};

// The standard allocator interface over a HandlerMemory, which must outlive every operation
// allocated through it.
template <class T, class Memory>
class HandlerAllocator {
 public:
  using value_type = T;

  explicit HandlerAllocator(Memory* memory) noexcept : memory_(memory) {}
  template <class U>
  HandlerAllocator(const HandlerAllocator<U, Memory>& other) noexcept  // NOLINT: rebinding
      : memory_(other.memory_) {}

  T* allocate(size_t n) { return static_cast<T*>(memory_->Allocate(sizeof(T) * n)); }
  void deallocate(T* p, size_t) noexcept { memory_->Deallocate(p); }

  template <class U>
  bool operator==(const HandlerAllocator<U, Memory>& other) const noexcept {
    return memory_ == other.memory_;
  }

 private:
  template <class, class>
  friend class HandlerAllocator;
  Memory* memory_;
};

}  // namespace footfall::http
