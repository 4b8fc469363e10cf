#include "rawlog/payload.h"

#include <gtest/gtest.h>

namespace footfall::rawlog {
namespace {

// The same request as an owned payload or as a view of these literals.
template <class Payload = CollectorPayload>
Payload Sample() {
  Payload p;
  p.timestamp = 1764148502123456;
  p.ip = "203.0.113.7";
  p.method = "GET";
  p.path = "/i";
  p.query = "e=pv&url=https%3A%2F%2Fshop.example%2F&aid=web";
  p.body = std::string_view("{\"data\":[]}\0", 12);
  p.user_agent = "Mozilla/5.0";
  p.hostname = "collector.example";
  p.network_userid = "c5f3a09c-75a4-4d8e-9b6e-1f2a3b4c5d6e";
  p.collector = "footfall-0.1.0";
  p.headers = {{"Origin", "https://shop.example"}, {"Accept-Language", "fr"}};
  return p;
}

TEST(Payload, RoundTrips) {
  const CollectorPayload p = Sample();
  auto decoded = DecodePayload(EncodePayload(p));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, p);
}

TEST(Payload, RoundTripsBinaryBody) {
  CollectorPayload p = Sample();
  p.method = "POST";
  p.body = std::string("\0\x01\xff{\"a\":1}", 11);
  EXPECT_EQ(*DecodePayload(EncodePayload(p)), p);
}

TEST(Payload, ViewEncodesAsTheOwnedPayload) {
  std::string from_view = "prefix";
  EncodePayload(Sample<CollectorPayloadView>(), &from_view);
  EXPECT_EQ(from_view, "prefix" + EncodePayload(Sample()));
}

TEST(Payload, EveryTruncationIsCorruption) {
  const std::string bytes = EncodePayload(Sample());
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(DecodePayload(bytes.substr(0, n)).status().code(), StatusCode::kCorruption) << n;
  }
}

TEST(Payload, RejectsTrailingBytesAndUnknownVersion) {
  std::string bytes = EncodePayload(Sample());
  EXPECT_EQ(DecodePayload(bytes + "x").status().code(), StatusCode::kCorruption);
  bytes[0] = 9;
  EXPECT_EQ(DecodePayload(bytes).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace footfall::rawlog
