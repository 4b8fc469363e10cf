#include "enrich/url_parts.h"

#include <gtest/gtest.h>

namespace footfall::enrich {
namespace {

TEST(SplitUrl, AllParts) {
  auto u = SplitUrl("HTTPS://Shop.Example:8443/women/dresses?colour=red&size=m#reviews");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "shop.example");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->path, "/women/dresses");
  EXPECT_EQ(u->query, "colour=red&size=m");
  EXPECT_EQ(u->fragment, "reviews");
}

TEST(SplitUrl, DefaultPortsAndRootPath) {
  EXPECT_EQ(SplitUrl("https://shop.example")->port, 443);
  EXPECT_EQ(SplitUrl("http://shop.example?q=1")->port, 80);
  EXPECT_EQ(SplitUrl("http://shop.example?q=1")->path, "/");
  EXPECT_EQ(SplitUrl("http://user:pw@[::1]:81/x")->host, "[::1]");
  EXPECT_EQ(SplitUrl("http://user:pw@[::1]:81/x")->port, 81);
}

TEST(SplitUrl, RejectsRelativeAndBadPorts) {
  EXPECT_FALSE(SplitUrl("/just/a/path"));
  EXPECT_FALSE(SplitUrl("https://"));
  EXPECT_FALSE(SplitUrl("http://host:99999/"));
  EXPECT_FALSE(SplitUrl("http://host:8x/"));
}

}  // namespace
}  // namespace footfall::enrich
