#include "parquet/rle.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace footfall::parquet {
namespace {

TEST(BitPackTest, MatchesTheSpecificationExample) {
  // Encodings.md: 0..7 with bit width 3 pack to 10001000 11000110 11111010.
  const std::vector<uint32_t> values = {0, 1, 2, 3, 4, 5, 6, 7};
  std::string out;
  BitPack(values.data(), values.size(), 3, &out);
  EXPECT_EQ(out, std::string("\x88\xc6\xfa"));
}

TEST(BitWidthTest, CountsBits) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(2), 2);
  EXPECT_EQ(BitWidth(255), 8);
  EXPECT_EQ(BitWidth(256), 9);
  EXPECT_EQ(BitWidth(0xffffffffu), 32);
}

TEST(RleTest, LongRunsBecomeRleRuns) {
  std::vector<uint8_t> levels(1000, 1);
  std::string out;
  RleEncode(levels.data(), levels.size(), 1, &out);
  // One RLE run: header varint(1000 << 1) = 0xd0 0x0f, value byte 1.
  EXPECT_EQ(out, std::string("\xd0\x0f\x01"));
}

TEST(RleTest, ShortTailIsOneRun) {
  std::vector<uint32_t> values = {5, 5, 5};
  std::string out;
  RleEncode(values.data(), values.size(), 3, &out);
  EXPECT_EQ(out, std::string("\x06\x05"));
}

template <typename T>
void RoundTrip(const std::vector<T>& values, int width) {
  std::string out;
  RleEncode(values.data(), values.size(), width, &out);
  std::vector<T> back(values.size());
  RleDecoder d(out, width);
  ASSERT_TRUE(d.Decode(back.data(), back.size()).ok()) << "width " << width;
  EXPECT_EQ(back, values) << "width " << width;
}

TEST(RleTest, RoundTripsEveryWidthAndMixOfRuns) {
  std::mt19937 rng(3);
  for (int width = 0; width <= 32; ++width) {
    const uint64_t limit = width == 32 ? 0xffffffffull : (1ull << width) - 1;
    for (int trial = 0; trial < 5; ++trial) {
      std::vector<uint32_t> values;
      const size_t n = rng() % 3000;
      while (values.size() < n) {
        const uint32_t v = limit == 0 ? 0 : static_cast<uint32_t>(rng() % (limit + 1));
        const size_t run = rng() % 4 == 0 ? rng() % 100 : 1;
        values.insert(values.end(), std::min(run, n - values.size()) + (run == 0), v);
      }
      values.resize(n);
      RoundTrip(values, width);
    }
  }
}

TEST(RleTest, RoundTripsLevels) {
  std::mt19937 rng(5);
  std::vector<uint8_t> levels(10001);
  for (auto& l : levels) l = rng() % 10 == 0 ? 0 : 1;
  RoundTrip(levels, 1);
  std::vector<uint8_t> alternating(777);
  for (size_t i = 0; i < alternating.size(); ++i) alternating[i] = i % 2;
  RoundTrip(alternating, 1);
}

TEST(RleTest, DecodesInPieces) {
  std::vector<uint32_t> values(5000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = (i / 37) % 9;
  std::string out;
  RleEncode(values.data(), values.size(), 4, &out);
  RleDecoder d(out, 4);
  std::vector<uint32_t> back(values.size());
  size_t done = 0;
  for (size_t step = 1; done < back.size(); step = step * 3 % 101 + 1) {
    const size_t k = std::min(step, back.size() - done);
    ASSERT_TRUE(d.Decode(back.data() + done, k).ok());
    done += k;
  }
  EXPECT_EQ(back, values);
}

TEST(RleTest, ReadsPaddedAndUnpaddedLastBitPackedRun) {
  // One bit-packed group (header 0x03) of width 8 holding 3 values and padding; a reader asks
  // for only the 3 values.
  std::string padded = std::string("\x03\x0a\x0b\x0c") + std::string(5, '\0');
  uint32_t out[3];
  RleDecoder d(padded, 8);
  ASSERT_TRUE(d.Decode(out, 3).ok());
  EXPECT_EQ(out[2], 0x0cu);
  // Some writers cut the padding off; the values that are there still decode.
  std::string cut("\x03\x0a\x0b\x0c", 4);
  RleDecoder d2(cut, 8);
  ASSERT_TRUE(d2.Decode(out, 3).ok());
  EXPECT_EQ(out[0], 0x0au);
  uint32_t more;
  EXPECT_EQ(d2.Decode(&more, 1).code(), StatusCode::kCorruption);
}

TEST(RleTest, TruncatedOrMalformedStreamsAreCorruption) {
  // Whole groups of eight, so that the stream has no padding a cut could remove harmlessly.
  std::vector<uint32_t> values(96);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<uint32_t>(i * 7 % 13);
  std::string out;
  RleEncode(values.data(), values.size(), 4, &out);
  for (size_t n = 0; n < out.size(); ++n) {
    RleDecoder d(std::string_view(out).substr(0, n), 4);
    std::vector<uint32_t> back(values.size());
    EXPECT_EQ(d.Decode(back.data(), back.size()).code(), StatusCode::kCorruption) << n;
  }
  uint32_t v;
  RleDecoder zero_run(std::string_view("\x00", 1), 4);  // a run of no values
  EXPECT_EQ(zero_run.Decode(&v, 1).code(), StatusCode::kCorruption);
  RleDecoder wide(std::string_view("\x02\x1f", 2), 4);  // value 31 does not fit 4 bits
  EXPECT_EQ(wide.Decode(&v, 1).code(), StatusCode::kCorruption);
  const std::string ff(8, '\xff');
  RleDecoder endless(ff, 4);  // a header that never ends
  EXPECT_EQ(endless.Decode(&v, 1).code(), StatusCode::kCorruption);
}

TEST(RleTest, GarbageNeverReadsOutOfBounds) {
  std::mt19937 rng(9);
  std::vector<uint32_t> out(4096);
  for (int round = 0; round < 20000; ++round) {
    std::string in(rng() % 40, '\0');
    for (char& c : in) c = static_cast<char>(rng());
    const int width = static_cast<int>(rng() % 33);
    RleDecoder d(in, width);
    const Status s = d.Decode(out.data(), rng() % out.size());
    EXPECT_TRUE(s.ok() || s.code() == StatusCode::kCorruption);
  }
}

}  // namespace
}  // namespace footfall::parquet
