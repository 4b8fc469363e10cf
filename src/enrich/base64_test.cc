#include "enrich/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace footfall::enrich {
namespace {

TEST(Base64, DecodesBothAlphabetsPaddedOrNot) {
  // "\xfb\xff\xbf" encodes to "+/+/" in the standard alphabet and "-_-_" in the URL-safe one.
  EXPECT_EQ(DecodeBase64Any("-_-_"), std::string("\xfb\xff\xbf"));
  EXPECT_EQ(DecodeBase64Any("+/+/"), std::string("\xfb\xff\xbf"));
  EXPECT_EQ(DecodeBase64Any("aGk"), "hi");
  EXPECT_EQ(DecodeBase64Any("aGk="), "hi");
  EXPECT_EQ(DecodeBase64Any("aA"), "h");
  EXPECT_EQ(DecodeBase64Any("aA=="), "h");
  EXPECT_EQ(DecodeBase64Any(""), "");
  EXPECT_EQ(DecodeBase64Any("eyJhIjoxfQ"), "{\"a\":1}");
}

TEST(Base64, RejectsWhatNoEncoderProduces) {
  EXPECT_FALSE(DecodeBase64Any("a"));           // one character left over
  EXPECT_FALSE(DecodeBase64Any("aGk*"));        // outside both alphabets
  EXPECT_FALSE(DecodeBase64Any("aG=k"));        // padding inside
  EXPECT_FALSE(DecodeBase64Any("aGk =="));      // spaces are not base64
  EXPECT_FALSE(DecodeBase64Any("aGVsbG8%3D"));  // still percent-encoded
}

TEST(Base64, RoundTripsEveryLengthAndByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= all.size(); n += 7) {
    const std::string in = all.substr(0, n);
    const std::string enc = EncodeBase64Url(in);
    EXPECT_EQ(enc.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(DecodeBase64Any(enc), in) << n;
  }
}

}  // namespace
}  // namespace footfall::enrich
