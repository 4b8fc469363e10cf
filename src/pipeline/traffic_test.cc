#include "pipeline/traffic.h"

#include <gtest/gtest.h>

#include <set>

#include "enrich/enrich.h"

namespace footfall::pipeline {
namespace {

TrafficOptions Options(uint64_t seed, uint64_t events) {
  TrafficOptions o;
  o.seed = seed;
  o.events = events;
  o.start = 1764115200000000;
  return o;
}

TEST(Traffic, SameSeedSameBytes) {
  TrafficGenerator a(Options(7, 500)), b(Options(7, 500)), c(Options(8, 500));
  rawlog::CollectorPayload pa, pb, pc;
  bool differs = false;
  while (a.Next(&pa)) {
    ASSERT_TRUE(b.Next(&pb));
    ASSERT_TRUE(c.Next(&pc));
    EXPECT_EQ(rawlog::EncodePayload(pa), rawlog::EncodePayload(pb));
    differs |= pa.query != pc.query;
  }
  EXPECT_FALSE(b.Next(&pb));
  EXPECT_TRUE(differs);
  EXPECT_EQ(a.produced(), 500u);
}

TEST(Traffic, EveryPayloadEnrichesIntoAPlausibleEvent) {
  TrafficGenerator gen(Options(3, 5000));
  rawlog::CollectorPayload p;
  enrich::EnrichConfig config;
  config.user_agent = false;
  auto enricher = enrich::Enricher::Create(config, nullptr, nullptr);
  ASSERT_TRUE(enricher.ok());
  enrich::EnrichOutput out;
  while (gen.Next(&p)) enricher->Enrich(p, &out);
  ASSERT_TRUE(out.bad_rows.empty()) << enrich::BadRowToJson(out.bad_rows[0]);
  ASSERT_EQ(out.events.size(), 5000u);
  std::set<std::string> sessions, users, event_ids;
  size_t page_views = 0;
  for (const auto& e : out.events) {
    sessions.insert(e.domain_sessionid);
    users.insert(e.domain_userid);
    event_ids.insert(e.event_id);
    page_views += e.event == "page_view";
    EXPECT_GE(*e.derived_tstamp, 1764115200000000 - 1000000);
    EXPECT_LT(*e.derived_tstamp, 1764115200000000 + 2 * kMicrosPerDay);
  }
  EXPECT_EQ(event_ids.size(), 5000u);
  // Roughly nine events per session, several sessions per visitor, pings beside page views.
  EXPECT_GT(sessions.size(), 300u);
  EXPECT_LT(sessions.size(), 1000u);
  EXPECT_LT(users.size(), sessions.size());
  EXPECT_GT(page_views, 1500u);
  EXPECT_LT(page_views, 3500u);
}

}  // namespace
}  // namespace footfall::pipeline
