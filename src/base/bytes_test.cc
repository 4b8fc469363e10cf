#include "base/bytes.h"

#include <gtest/gtest.h>

#include <limits>

namespace footfall {
namespace {

TEST(Bytes, VarintRoundTrip) {
  std::string buf;
  const uint64_t values[] = {0, 1, 127, 128, 300, 1ull << 32, std::numeric_limits<uint64_t>::max()};
  for (uint64_t v : values) PutVarint64(&buf, v);
  ByteReader r(buf);
  for (uint64_t v : values) EXPECT_EQ(r.Varint64(), v);
  EXPECT_TRUE(r.empty());
}

TEST(Bytes, TruncatedVarintFails) {
  std::string buf;
  PutVarint64(&buf, 1ull << 40);
  buf.pop_back();
  ByteReader r(buf);
  EXPECT_FALSE(r.Varint64().has_value());
}

TEST(Bytes, OverlongVarintFails) {
  const std::string buf(11, '\xff');
  ByteReader r(buf);
  EXPECT_FALSE(r.Varint64().has_value());
}

TEST(Bytes, LengthPrefixedBeyondEndFails) {
  std::string buf;
  PutVarint64(&buf, 10);
  buf += "short";
  ByteReader r(buf);
  EXPECT_FALSE(r.LengthPrefixed().has_value());
}

TEST(Bytes, FixedRoundTrip) {
  std::string buf;
  PutFixed32(&buf, 0xa1b2c3d4u);
  PutFixed64(&buf, 0x0102030405060708ull);
  EXPECT_EQ(DecodeFixed32(buf.data()), 0xa1b2c3d4u);
  EXPECT_EQ(DecodeFixed64(buf.data() + 4), 0x0102030405060708ull);
  EXPECT_EQ(buf[0], '\xd4');  // little-endian on disk
}

}  // namespace
}  // namespace footfall
