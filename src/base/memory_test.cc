#include "base/memory.h"

#include <gtest/gtest.h>
#include <malloc.h>
#include <sys/resource.h>

#include <cstdlib>

namespace footfall {
namespace {

long MinorFaults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

// Allocates `bytes`, writes a byte in every page, frees it.
void TouchAndFree(size_t bytes) {
  auto* p = static_cast<volatile char*>(std::malloc(bytes));
  ASSERT_NE(p, nullptr);
  for (size_t i = 0; i < bytes; i += 4096) p[i] = 1;
  std::free(const_cast<char*>(p));
}

TEST(Memory, FreedBlocksAreReusedWithoutFaultingThenReturned) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "the sanitizer's allocator replaces glibc's";
#endif
  KeepFreedMemory();
  constexpr size_t kBlock = 16 << 20;  // above glibc's default thresholds, below ours
  constexpr long kPages = kBlock / 4096;
  TouchAndFree(kBlock);
  const long before = MinorFaults();
  for (int i = 0; i < 8; ++i) TouchAndFree(kBlock);
  // By default each round faults every page in again (8 * kPages); kept, none do.
  EXPECT_LT(MinorFaults() - before, kPages / 2);

  EXPECT_GE(mallinfo2().keepcost, kBlock);
  ReturnFreedMemory();
  EXPECT_LT(mallinfo2().keepcost, kBlock / 4);
}

}  // namespace
}  // namespace footfall
