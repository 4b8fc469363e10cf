#include "base/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace footfall {
namespace {

TEST(Crc32c, KnownVectors) {
  // RFC 3720 B.4 test vectors.
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8a9136aau);
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62a8ab43u);
  EXPECT_EQ(Crc32c("123456789"), 0xe3069283u);
  EXPECT_EQ(Crc32c(""), 0u);
}

TEST(Crc32c, ExtendEqualsWhole) {
  const std::string s = "hello, footfall: the quick brown fox jumps over the lazy dog";
  for (size_t cut = 0; cut <= s.size(); ++cut) {
    const uint32_t a = Crc32cExtend(0, s.data(), cut);
    EXPECT_EQ(Crc32cExtend(a, s.data() + cut, s.size() - cut), Crc32c(s)) << cut;
  }
}

// Lengths from 0 to past several blocks of the hardware version's three lanes (1,536 bytes),
// from a zero and a non-zero starting CRC.
TEST(Crc32c, HardwareAndPortableAgree) {
  std::string s;
  for (int i = 0; i < 6000; ++i) {
    s.push_back(static_cast<char>(i * 131 + 7));
    for (const uint32_t start : {0u, 0x9e3779b9u}) {
      ASSERT_EQ(Crc32cExtendPortable(start, s.data(), s.size()),
                Crc32cExtend(start, s.data(), s.size()))
          << s.size() << " bytes from " << start;
    }
  }
}

TEST(Crc32c, MaskRoundTrips) {
  for (uint32_t v : {0u, 1u, 0xdeadbeefu, 0xffffffffu}) {
    EXPECT_NE(MaskCrc(v), v);
    EXPECT_EQ(UnmaskCrc(MaskCrc(v)), v);
  }
}

}  // namespace
}  // namespace footfall
