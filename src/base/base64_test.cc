#include "base/base64.h"

#include <gtest/gtest.h>

#include "base/random.h"

namespace footfall {
namespace {

TEST(Base64, EncodesRfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> cases[] = {{"", ""},
                                                                 {"f", "Zg=="},
                                                                 {"fo", "Zm8="},
                                                                 {"foo", "Zm9v"},
                                                                 {"foob", "Zm9vYg=="},
                                                                 {"fooba", "Zm9vYmE="},
                                                                 {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : cases) {
    EXPECT_EQ(Base64Encode(plain, Base64Alphabet::kStandard), encoded);
    std::string unpadded(encoded);
    while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
    EXPECT_EQ(Base64Encode(plain, Base64Alphabet::kUrlSafe), unpadded);
  }
}

TEST(Base64, DecodesBothAlphabetsPaddedOrNot) {
  const std::string bytes = "\xfb\xff\xbf?>";
  const std::string standard = Base64Encode(bytes, Base64Alphabet::kStandard);
  const std::string url = Base64Encode(bytes, Base64Alphabet::kUrlSafe);
  EXPECT_NE(standard.find_first_of("+/"), std::string::npos);
  EXPECT_NE(url.find_first_of("-_"), std::string::npos);
  EXPECT_EQ(Base64Decode(standard), bytes);
  EXPECT_EQ(Base64Decode(url), bytes);
  EXPECT_EQ(Base64Decode(url + "="), bytes);
  EXPECT_EQ(Base64Decode("Zm9vYg"), "foob");
  EXPECT_EQ(Base64Decode("Zm9vYg=="), "foob");
}

TEST(Base64, RejectsWhatNoEncoderProduces) {
  for (const std::string_view bad :
       {"Zm9vY", "Zm9v!g==", "Zg=", "Z===", "Zm=v", "=", "Zm9vYg===", "Zm 9v", "aGVsbG8%3D"}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
  EXPECT_EQ(Base64Decode("Zh=="), "f");  // unused bits of the last character are ignored
}

TEST(Base64, RoundTripsRandomBytes) {
  Rng rng(7);
  for (int n = 0; n < 200; ++n) {
    std::string bytes(rng.Uniform(40), '\0');
    for (char& c : bytes) c = static_cast<char>(rng.Uniform(256));
    for (const auto a : {Base64Alphabet::kStandard, Base64Alphabet::kUrlSafe}) {
      EXPECT_EQ(Base64Decode(Base64Encode(bytes, a)), bytes);
    }
  }
}

}  // namespace
}  // namespace footfall
