#include "parquet/compression.h"

#include <gtest/gtest.h>

#include <random>

#include "parquet/crc32.h"

namespace footfall::parquet {
namespace {

std::string SampleText() {
  std::string s;
  for (int i = 0; i < 5000; ++i)
    s += "page_view https://example.com/p/" + std::to_string(i % 97) + "\n";
  return s;
}

class CodecTest : public testing::TestWithParam<Codec> {};

TEST_P(CodecTest, RoundTrips) {
  Compressor c(GetParam(), 3);
  Decompressor d;
  for (const std::string& in : {std::string(), std::string("x"), SampleText()}) {
    std::string packed, back;
    ASSERT_TRUE(c.Compress(in, &packed).ok());
    ASSERT_TRUE(d.Decompress(GetParam(), packed, in.size(), &back).ok());
    EXPECT_EQ(back, in);
  }
}

TEST_P(CodecTest, WrongStatedSizeIsCorruption) {
  Compressor c(GetParam(), 3);
  Decompressor d;
  const std::string in = SampleText();
  std::string packed, back;
  ASSERT_TRUE(c.Compress(in, &packed).ok());
  EXPECT_EQ(d.Decompress(GetParam(), packed, in.size() + 1, &back).code(), StatusCode::kCorruption);
  EXPECT_EQ(d.Decompress(GetParam(), packed, in.size() - 1, &back).code(), StatusCode::kCorruption);
}

TEST_P(CodecTest, DamagedDataNeverCrashes) {
  Compressor c(GetParam(), 3);
  Decompressor d;
  const std::string in = SampleText();
  std::string packed;
  ASSERT_TRUE(c.Compress(in, &packed).ok());
  std::mt19937 rng(1);
  for (int i = 0; i < 300; ++i) {
    std::string damaged = packed;
    damaged[rng() % damaged.size()] ^= static_cast<char>(1 + rng() % 255);
    if (rng() % 3 == 0) damaged.resize(rng() % damaged.size());
    std::string back;
    const Status s = d.Decompress(GetParam(), damaged, in.size(), &back);
    EXPECT_TRUE(s.ok() || s.code() == StatusCode::kCorruption) << s.ToString();
  }
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, CodecTest,
                         testing::Values(Codec::kUncompressed, Codec::kSnappy, Codec::kZstd),
                         [](const auto& info) { return std::string(CodecName(info.param)); });

TEST(CompressionTest, GarbageIsCorruption) {
  Decompressor d;
  std::string back;
  EXPECT_EQ(d.Decompress(Codec::kZstd, "not zstd at all", 100, &back).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(d.Decompress(Codec::kSnappy, "\xff\xff\xff\xff\xff\xff", 100, &back).code(),
            StatusCode::kCorruption);
}

TEST(CompressionTest, UnsupportedCodecIsUnimplemented) {
  Decompressor d;
  std::string back;
  EXPECT_EQ(d.Decompress(Codec::kGzip, "x", 1, &back).code(), StatusCode::kUnimplemented);
  EXPECT_FALSE(CodecSupported(Codec::kLz4Raw));
}

TEST(Crc32Test, MatchesTheGzipCheckValue) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32(""), 0u);
  const std::string long_input = SampleText();
  // Extending piecewise equals one pass (exercises the 8-byte and byte-wise loops together).
  uint32_t crc = 0;
  for (size_t i = 0; i < long_input.size(); i += 13) {
    crc = Crc32Extend(crc, std::string_view(long_input).substr(i, 13));
  }
  EXPECT_EQ(crc, Crc32(long_input));
}

}  // namespace
}  // namespace footfall::parquet
