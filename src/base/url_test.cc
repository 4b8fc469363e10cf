#include "base/url.h"

#include <gtest/gtest.h>

namespace footfall {
namespace {

TEST(Url, DecodesEscapesAndPlus) {
  EXPECT_EQ(PercentDecode("a%20b+c"), "a b c");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("%E2%9C%93"), "\xE2\x9C\x93");
}

TEST(Url, KeepsMalformedEscapes) {
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz"), "%zz");
  EXPECT_EQ(PercentDecode("%4"), "%4");
}

TEST(Url, EncodeRoundTrips) {
  const std::string s = "https://shop.example/p?q=red dress&x=✓";
  EXPECT_EQ(PercentDecode(PercentEncode(s)), s);
  EXPECT_EQ(PercentEncode("a b/c"), "a%20b%2Fc");
}

TEST(Url, ParsesQueryStrings) {
  const auto q = ParseQueryString("e=pv&url=http%3A%2F%2Fa.b%2F&&flag&page=A+B");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0], (std::pair<std::string, std::string>{"e", "pv"}));
  EXPECT_EQ(q[1].second, "http://a.b/");
  EXPECT_EQ(q[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(q[3].second, "A B");
}

}  // namespace
}  // namespace footfall
