#include "enrich/ip_address.h"

#include <gtest/gtest.h>

namespace footfall::enrich {
namespace {

TEST(AnonymizeIp, Ipv4LastOctets) {
  EXPECT_EQ(AnonymizeIp("203.0.113.9", 1, 5), "203.0.113.x");
  EXPECT_EQ(AnonymizeIp("203.0.113.9", 2, 5), "203.0.x.x");
  EXPECT_EQ(AnonymizeIp("203.0.113.9", 4, 5), "x.x.x.x");
  EXPECT_EQ(AnonymizeIp("203.0.113.9", 0, 5), "203.0.113.9");
  EXPECT_EQ(AnonymizeIp("203.0.113.9", 9, 5), "x.x.x.x") << "clamped";
}

TEST(AnonymizeIp, Ipv6LastSegmentsOfTheExpandedAddress) {
  EXPECT_EQ(AnonymizeIp("2001:db8::1", 1, 5), "2001:db8:0:x:x:x:x:x");
  EXPECT_EQ(AnonymizeIp("2001:db8:85a3:8d3:1319:8a2e:370:7348", 1, 2),
            "2001:db8:85a3:8d3:1319:8a2e:x:x");
  EXPECT_EQ(AnonymizeIp("::1", 1, 8), "x:x:x:x:x:x:x:x");
}

TEST(AnonymizeIp, NotAnAddressIsKept) {
  EXPECT_EQ(AnonymizeIp("", 1, 5), "");
  EXPECT_EQ(AnonymizeIp("unknown", 1, 5), "unknown");
  EXPECT_EQ(AnonymizeIp("1.2.3", 1, 5), "1.2.3");
}

}  // namespace
}  // namespace footfall::enrich
