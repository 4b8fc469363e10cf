#include "base/time.h"

#include <gtest/gtest.h>

namespace footfall {
namespace {

TEST(Time, FormatsUtc) {
  EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIso8601(1764148502123000), "2025-11-26T09:15:02.123Z");
  EXPECT_EQ(FormatIso8601(1764148502000001), "2025-11-26T09:15:02.000001Z");
  EXPECT_EQ(FormatDate(1764148502123000), "2025-11-26");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatTimestampSql(1764148502123000), "2025-11-26 09:15:02.123000");
  EXPECT_EQ(FormatTimestampSql(-1), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(FormatTimestampSql(0), "1970-01-01 00:00:00.000000");
  EXPECT_EQ(FormatDate(253402300800000000), "10000-01-01");  // beyond four digits
}

TEST(Time, ParsesForms) {
  EXPECT_EQ(*ParseIso8601("2025-11-26"), 1764115200000000);
  EXPECT_EQ(*ParseIso8601("2025-11-26T09:15:02.123Z"), 1764148502123000);
  EXPECT_EQ(*ParseIso8601("2025-11-26 09:15"), 1764148500000000);
  EXPECT_EQ(*ParseIso8601("2025-11-26T10:15:02+01:00"), 1764148502000000);
  EXPECT_EQ(*ParseIso8601("2025-11-26 09:15:02.123000"), 1764148502123000);
}

TEST(Time, RejectsGarbage) {
  for (const char* s : {"", "2025", "2025-13-01", "2025-11-26T25:00", "2025-11-26Tx", "yesterday",
                        "2025-11-26T09:15:02.Z", "2025-11-26T09:15:02Zjunk"}) {
    EXPECT_EQ(ParseIso8601(s).status().code(), StatusCode::kInvalidArgument) << s;
  }
}

TEST(Time, RoundTrips) {
  for (Micros t : {Micros{0}, Micros{1764148502123000}, Micros{951782400000000}}) {
    EXPECT_EQ(*ParseIso8601(FormatIso8601(t)), t);
  }
}

}  // namespace
}  // namespace footfall
