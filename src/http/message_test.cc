#include "http/message.h"

#include <gtest/gtest.h>

#include <string>

namespace footfall::http {
namespace {

TEST(MessageTest, HeaderValuesWithALineBreakAreUnsafe) {
  EXPECT_TRUE(IsHeaderValueSafe(""));
  EXPECT_TRUE(IsHeaderValueSafe("sp=abc; Path=/; SameSite=None; Secure; HttpOnly"));
  EXPECT_TRUE(IsHeaderValueSafe("tab\tand \x7f and \xc3\xa9"));
  EXPECT_FALSE(IsHeaderValueSafe("a\r\nSet-Cookie: x=1"));
  EXPECT_FALSE(IsHeaderValueSafe("lone\rcarriage return"));
  EXPECT_FALSE(IsHeaderValueSafe("lone line feed\n"));
  EXPECT_FALSE(IsHeaderValueSafe(std::string(300, 'x') + "\n"));
}

TEST(MessageTest, AddHeaderKeepsOnlyTokenNames) {
  Response r;
  r.AddHeader("Access-Control-Allow-Origin", "*");
  r.AddHeader("X-Odd_But.Valid!#$%&'*+^`|~9", "1");
  for (const char separator : std::string("\"(),/:;<=>?@[\\]{} \t")) {
    r.AddHeader(std::string("X-") + separator + "Bad", "dropped");
  }
  r.AddHeader("", "dropped");
  r.AddHeader("X-\x01", "dropped");
  r.AddHeader("X-\x7f", "dropped");
  r.AddHeader("X-\xc3\xa9", "dropped");
  EXPECT_EQ(r.header_lines(),
            "Access-Control-Allow-Origin: *\r\n"
            "X-Odd_But.Valid!#$%&'*+^`|~9: 1\r\n");
}

TEST(MessageTest, AddHeaderDropsFramingHeadersAndUnsafeValues) {
  Response r;
  r.AddHeader("content-length", "5");
  r.AddHeader("Transfer-Encoding", "chunked");
  r.AddHeader("X-Evil", "a\nb");
  r.AddHeader("Connection", "keep-alive, Close");
  EXPECT_EQ(r.header_lines(), "");
  EXPECT_TRUE(r.wants_close());
}

}  // namespace
}  // namespace footfall::http
