// Counts allocations while a test asks for it, so that tests can check that validating valid
// data allocates nothing. Replaces the global allocation functions of the test binary it is
// linked into (all the unaligned forms, so that every new is paired with its delete, including
// in shared libraries); kept in a file of its own so that no caller sees both halves inlined.
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

std::atomic<bool> g_count_allocations{false};
std::atomic<size_t> g_allocations{0};

namespace {
void* Allocate(size_t size) noexcept {
  if (g_count_allocations.load(std::memory_order_relaxed)) ++g_allocations;
  return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

void* operator new(size_t size) {
  if (void* p = Allocate(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t size) {
  if (void* p = Allocate(size)) return p;
  throw std::bad_alloc();
}
void* operator new(size_t size, const std::nothrow_t&) noexcept { return Allocate(size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return Allocate(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
