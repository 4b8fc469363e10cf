#include "http/date.h"

#include <gtest/gtest.h>

namespace footfall::http {
namespace {

TEST(FormatHttpDateTest, Epoch) { EXPECT_EQ(FormatHttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT"); }

TEST(FormatHttpDateTest, RfcExample) {
  EXPECT_EQ(FormatHttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(FormatHttpDateTest, LeapDay) {
  EXPECT_EQ(FormatHttpDate(1709251199), "Thu, 29 Feb 2024 23:59:59 GMT");
}

TEST(FormatHttpDateTest, AppendKeepsWhatWasThere) {
  std::string cookie = "sp=x; Expires=";
  AppendHttpDate(784111777, &cookie);
  EXPECT_EQ(cookie, "sp=x; Expires=Sun, 06 Nov 1994 08:49:37 GMT");
}

}  // namespace
}  // namespace footfall::http
