#include "enrich/enrich.h"

#include <gtest/gtest.h>

namespace footfall::enrich {
namespace {

rawlog::CollectorPayload Get(std::string query) {
  rawlog::CollectorPayload p;
  p.timestamp = 1764148502000000;
  p.method = "GET";
  p.path = "/i";
  p.query = std::move(query);
  p.ip = "203.0.113.9";
  p.user_agent = "Mozilla/5.0 (X11; Linux x86_64)";
  p.network_userid = "11111111-1111-4111-8111-111111111111";
  p.collector = "footfall-0.1.0";
  return p;
}

rawlog::CollectorPayload Post(std::string body) {
  rawlog::CollectorPayload p = Get("");
  p.method = "POST";
  p.path = "/com.snowplowanalytics.snowplow/tp2";
  p.content_type = "application/json; charset=utf-8";
  p.body = std::move(body);
  return p;
}

EnrichOutput Enrich(const rawlog::CollectorPayload& p) {
  EnrichOutput out;
  EnrichPayload(p, &out);
  return out;
}

TEST(Enrich, PageViewFromQueryString) {
  const auto out = Enrich(
      Get("e=pv&eid=6E0B1C3A-2D4F-4A5B-8C6D-7E8F9A0B1C2D&aid=shop&p=web&tv=js-4.0.0&duid=u1&sid="
          "s1&vid=3&url=https%3A%2F%2Fshop.example%2Fwomen%3Fc%3Dred&page=Women&dtm=1764148501000&"
          "stm=1764148501500&nuid=22222222-2222-4222-8222-222222222222"));
  ASSERT_TRUE(out.bad_rows.empty()) << out.bad_rows[0].message;
  ASSERT_EQ(out.events.size(), 1u);
  const event::Event& e = out.events[0];
  EXPECT_EQ(e.event, "page_view");
  EXPECT_EQ(e.event_id, "6e0b1c3a-2d4f-4a5b-8c6d-7e8f9a0b1c2d");
  EXPECT_EQ(e.app_id, "shop");
  EXPECT_EQ(e.domain_userid, "u1");
  EXPECT_EQ(e.domain_sessionid, "s1");
  EXPECT_EQ(e.domain_sessionidx, 3);
  EXPECT_EQ(e.page_urlhost, "shop.example");
  EXPECT_EQ(e.page_urlpath, "/women");
  EXPECT_EQ(e.page_urlquery, "c=red");
  EXPECT_EQ(e.page_title, "Women");
  EXPECT_EQ(e.network_userid, "22222222-2222-4222-8222-222222222222") << "nuid beats the cookie";
  EXPECT_EQ(e.collector_tstamp, 1764148502000000);
  // created < sent: collector time minus the device's send delay.
  EXPECT_EQ(e.derived_tstamp, 1764148502000000 - 500000);
  EXPECT_EQ(e.user_ipaddress, "203.0.113.9");
}

TEST(Enrich, TrueTimestampWinsAndCookieIsDefault) {
  const auto out = Enrich(Get("e=pv&ttm=1764148400000&dtm=1764148501000&stm=1764148501500"));
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].derived_tstamp, 1764148400000000);
  EXPECT_EQ(out.events[0].network_userid, "11111111-1111-4111-8111-111111111111");
}

TEST(Enrich, MissingEventIdIsDerivedDeterministically) {
  const auto a = Enrich(Get("e=pv&aid=x"));
  const auto b = Enrich(Get("e=pv&aid=x"));
  const auto c = Enrich(Get("e=pv&aid=y"));
  ASSERT_EQ(a.events.size(), 1u);
  EXPECT_EQ(a.events[0].event_id, b.events[0].event_id);
  EXPECT_NE(a.events[0].event_id, c.events[0].event_id);
  EXPECT_EQ(a.events[0].event_id.size(), 36u);
}

TEST(Enrich, ProtocolViolationsBecomeBadRows) {
  for (const char* q : {"aid=no-type", "e=zz", "e=pv&eid=not-a-uuid", "e=pv&dtm=yesterday",
                        "e=se&se_ca=only-category", "e=pv&url=relative/path", "e=pv&vid=x",
                        "e=se&se_ca=a&se_ac=b&se_va=ten"}) {
    const auto out = Enrich(Get(q));
    EXPECT_TRUE(out.events.empty()) << q;
    ASSERT_EQ(out.bad_rows.size(), 1u) << q;
    EXPECT_EQ(out.bad_rows[0].type, BadRowType::kTrackerProtocolViolations) << q;
    EXPECT_NE(out.bad_rows[0].payload.find(q), std::string::npos) << "payload kept";
  }
  EXPECT_EQ(Enrich(Get("")).bad_rows.size(), 1u);
}

TEST(Enrich, PostBatchWithQueryParametersWinning) {
  auto p = Post(R"({"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",)"
                R"("data":[{"e":"pv","p":"web","tv":"node-4.8.0","aid":"a"},)"
                R"({"e":"se","p":"web","tv":"node-4.8.0","se_ca":"c","se_ac":"x","aid":"b"}]})");
  p.query = "aid=override";
  const auto out = Enrich(p);
  ASSERT_TRUE(out.bad_rows.empty()) << out.bad_rows[0].message;
  ASSERT_EQ(out.events.size(), 2u);
  EXPECT_EQ(out.events[0].event, "page_view");
  EXPECT_EQ(out.events[1].event, "struct");
  EXPECT_EQ(out.events[0].app_id, "override");
  EXPECT_EQ(out.events[1].app_id, "override");
  EXPECT_NE(out.events[0].event_id, out.events[1].event_id);
}

TEST(Enrich, BadPostBodies) {
  EXPECT_EQ(Enrich(Post("{not json")).bad_rows.at(0).type, BadRowType::kAdapterFailures);
  EXPECT_EQ(Enrich(Post(R"({"schema":"iglu:x/y/jsonschema/1-0-0","data":[{"e":"pv"}]})"))
                .bad_rows.at(0)
                .type,
            BadRowType::kTrackerProtocolViolations);
  // One bad item does not spoil the good one.
  const auto out = Enrich(
      Post(R"({"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",)"
           R"("data":[{"e":"pv","vid":1},{"e":"pv"}]})"));
  EXPECT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.bad_rows.size(), 1u);
  auto text = Post("{}");
  text.content_type = "text/plain";
  EXPECT_EQ(Enrich(text).bad_rows.at(0).type, BadRowType::kAdapterFailures);
}

TEST(Enrich, UnknownPathAndSizeViolation) {
  auto p = Get("e=pv");
  p.path = "/com.acme/v9";
  EXPECT_EQ(Enrich(p).bad_rows.at(0).type, BadRowType::kAdapterFailures);
  auto big = Get("e=pv");
  big.headers.emplace_back("X-Footfall-Size-Violation", "3000000");
  EXPECT_EQ(Enrich(big).bad_rows.at(0).type, BadRowType::kSizeViolation);
}

TEST(Enrich, UndecodableRecord) {
  EnrichOutput out;
  EnrichRecord("garbage", &out);
  ASSERT_EQ(out.bad_rows.size(), 1u);
  EXPECT_EQ(out.bad_rows[0].type, BadRowType::kCollectorPayloadFormatViolation);
}

}  // namespace
}  // namespace footfall::enrich
