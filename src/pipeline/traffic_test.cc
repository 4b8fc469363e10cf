#include "pipeline/traffic.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "base/temp_dir.h"
#include "enrich/enrich.h"
#include "enrich/ua_parser.h"
#include "iglu/registry.h"
#include "pipeline/gen.h"
#include "pipeline/traffic_catalog.h"
#include "pipeline/traffic_geo.h"

namespace footfall::pipeline {
namespace {

constexpr Micros kStart = 1764115200000000;  // 2025-11-26T00:00:00Z, a Wednesday

TrafficOptions Options(uint64_t seed, uint64_t events) {
  TrafficOptions o;
  o.seed = seed;
  o.events = events;
  o.start = kStart;
  return o;
}

TEST(Traffic, SameSeedSameBytes) {
  TrafficGenerator a(Options(7, 500)), b(Options(7, 500)), c(Options(8, 500));
  rawlog::CollectorPayload pa, pb, pc;
  bool differs = false;
  while (a.Next(&pa)) {
    ASSERT_TRUE(b.Next(&pb));
    differs |= !c.Next(&pc) || pa.query != pc.query;
    EXPECT_EQ(rawlog::EncodePayload(pa), rawlog::EncodePayload(pb));
  }
  EXPECT_FALSE(b.Next(&pb));
  EXPECT_TRUE(differs);
  EXPECT_EQ(a.produced(), 500u);
}

// Every payload through the real enrichment: the user-agent parser, the built-in schemas.
TEST(Traffic, EveryPayloadEnrichesIntoAPlausibleEvent) {
  TrafficOptions options = Options(3, 20'000);
  options.span = 2 * kMicrosPerDay;
  TrafficGenerator gen(options);
  auto registry = iglu::SchemaRegistry::Load("");
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  auto parser = enrich::UaParser::Load();
  ASSERT_TRUE(parser.ok()) << parser.status().ToString();
  auto enricher =
      enrich::Enricher::Create(enrich::EnrichConfig(), &*registry,
                               std::shared_ptr<const enrich::UaParser>(std::move(*parser)));
  ASSERT_TRUE(enricher.ok()) << enricher.status().ToString();
  rawlog::CollectorPayload p;
  enrich::EnrichOutput out;
  uint64_t requests = 0, batched = 0;
  std::set<std::string> ips;  // as sent: the enriched ones are anonymized
  while (gen.Next(&p)) {
    const size_t before = out.events.size();
    enricher->Enrich(p, &out);
    ++requests;
    ips.insert(p.ip);
    batched += out.events.size() - before > 1;
  }
  ASSERT_TRUE(out.bad_rows.empty()) << enrich::BadRowToJson(out.bad_rows[0]);
  ASSERT_EQ(out.events.size(), 20'000u);  // exactly the events asked, batches or not
  EXPECT_LT(requests, 20'000u);
  EXPECT_GT(batched, 100u);

  std::set<std::string> sessions, users, event_ids, time_zones, browsers;
  std::map<std::string, int> devices, kinds;
  std::map<std::string, int> body_models;  // per user
  size_t page_views = 0;
  for (const auto& e : out.events) {
    event_ids.insert(e.event_id);
    EXPECT_GE(*e.derived_tstamp, kStart - kMicrosPerSecond);
    EXPECT_LT(*e.derived_tstamp, kStart + 3 * kMicrosPerDay);
    if (e.app_id == "studio") continue;
    sessions.insert(e.domain_sessionid);
    users.insert(e.domain_userid);
    time_zones.insert(e.os_timezone);
    browsers.insert(e.br_family);
    ++devices[e.dvce_type];
    ++kinds[e.event_name];
    page_views += e.event == "page_view";
    body_models[e.domain_userid] += e.event_name == "body_model";
  }
  EXPECT_EQ(event_ids.size(), 20'000u);
  // Roughly nine events per session, several sessions per visitor, pings beside page views.
  EXPECT_GT(sessions.size(), 1200u);
  EXPECT_LT(sessions.size(), 4000u);
  EXPECT_LT(users.size(), sessions.size());
  EXPECT_GT(page_views, 5000u);
  EXPECT_LT(page_views, 12'000u);
  // Several devices, browsers and countries.
  EXPECT_GT(devices["Computer"], 4000);
  EXPECT_GT(devices["Mobile"], 4000);
  EXPECT_GT(devices["Tablet"], 300);
  EXPECT_GE(browsers.size(), 6u);
  EXPECT_EQ(time_zones.size(), catalog::Countries().size());
  EXPECT_GT(ips.size(), 200u);
  // A body model before the first try-on, once per visitor.
  EXPECT_GT(kinds["try_on"], kinds["body_model"]);
  EXPECT_GT(kinds["body_model"], 50);
  for (const auto& [user, n] : body_models) EXPECT_LE(n, 1) << user;
  EXPECT_GT(kinds["add_to_cart"] + kinds["event"], 0);
  EXPECT_GT(kinds["transaction"], 20);
}

// The demo's geo database places every web visitor in one of the catalog's countries.
TEST(Traffic, GeoDatabasePlacesEveryVisitor) {
  TempDir tmp;
  const std::string path = tmp.Sub("geo.mmdb");
  ASSERT_TRUE(WriteTrafficGeoDatabase(path).ok());
  struct stat first {};
  ASSERT_EQ(::stat(path.c_str(), &first), 0);
  ASSERT_TRUE(WriteTrafficGeoDatabase(path).ok());  // the same bytes: the file is left alone
  struct stat second {};
  ASSERT_EQ(::stat(path.c_str(), &second), 0);
  EXPECT_EQ(first.st_ino, second.st_ino);
  EXPECT_EQ(first.st_mtim.tv_nsec, second.st_mtim.tv_nsec);

  enrich::EnrichConfig config;
  config.user_agent = false;
  config.geo_database = path;
  auto enricher = enrich::Enricher::Create(config, nullptr, nullptr);
  ASSERT_TRUE(enricher.ok()) << enricher.status().ToString();
  TrafficOptions options = Options(4, 5000);
  options.studio_cases_per_day = 0;
  TrafficGenerator gen(options);
  rawlog::CollectorPayload p;
  enrich::EnrichOutput out;
  while (gen.Next(&p)) enricher->Enrich(p, &out);
  ASSERT_EQ(out.events.size(), 5000u);
  std::map<std::string, std::string> time_zone_of;  // country -> the visitors' tz
  for (const auto& e : out.events) {
    ASSERT_FALSE(e.geo_country.empty()) << e.user_ipaddress;
    EXPECT_FALSE(e.geo_city.empty());
    EXPECT_EQ(e.geo_timezone, e.os_timezone);  // placed where the browser's clock says
    time_zone_of[e.geo_country] = e.geo_timezone;
  }
  EXPECT_EQ(time_zone_of.size(), catalog::Countries().size());
}

TEST(Traffic, SessionsFollowTheDailyAndWeeklyRhythm) {
  TrafficOptions options = Options(5, 2'000'000);
  options.span = 28 * kMicrosPerDay;
  options.studio_cases_per_day = 0;
  TrafficPlanner planner(options);
  PlanItem item;
  std::array<int64_t, 24> by_hour{};
  std::array<int64_t, 7> by_weekday{};  // from Monday
  Micros last = 0;
  while (planner.Next(&item)) {
    ASSERT_FALSE(item.studio);
    const Micros t = item.session.start;
    ASSERT_GE(t, kStart);
    ASSERT_LT(t, kStart + options.span);
    EXPECT_GT(t, last - 2 * 60 * kMicrosPerSecond);  // in order, but for the jitter
    last = t;
    const Micros days = (t - kStart) / kMicrosPerDay;
    ++by_hour[static_cast<size_t>((t - kStart) % kMicrosPerDay / (kMicrosPerDay / 24))];
    ++by_weekday[static_cast<size_t>((days + 2) % 7)];  // the start is a Wednesday
  }
  EXPECT_EQ(planner.planned(), options.events);
  // Evenings are busy, nights quiet; Sundays the busiest day.
  EXPECT_GT(by_hour[20], 8 * by_hour[3]);
  EXPECT_GT(by_hour[12], by_hour[9]);
  EXPECT_GT(by_weekday[6], by_weekday[1] * 13 / 10);
  EXPECT_GT(by_weekday[5], by_weekday[1]);
}

TEST(Traffic, RawLogIsTheSameBytesForAnyNumberOfThreads) {
  TempDir tmp;
  TrafficOptions options = Options(9, 30'000);
  std::map<int, std::map<std::string, std::string>> files;
  for (const int threads : {1, 3}) {
    const std::string dir = tmp.Sub("raw" + std::to_string(threads));
    auto written = WriteTrafficToRawLog(options, dir, 256 << 10, nullptr, threads);
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    EXPECT_EQ(written->events, 30'000u);
    EXPECT_GT(written->segments, 50u);
    uint64_t bytes = 0;
    for (const auto& f : std::filesystem::directory_iterator(dir)) {
      if (f.path().extension() != ".seg") continue;
      std::ifstream in(f.path(), std::ios::binary);
      std::string content((std::istreambuf_iterator<char>(in)), {});
      // Sealed at the first record that reaches the size limit, never later.
      EXPECT_LT(content.size(), (256u << 10) + 16'384) << f.path();
      bytes += content.size();
      files[threads][f.path().filename()] = std::move(content);
    }
    EXPECT_GT(bytes, written->bytes);  // the records, plus a header per segment
    EXPECT_EQ(files[threads].size(), written->segments);
  }
  EXPECT_TRUE(files[1] == files[3]);
}

}  // namespace
}  // namespace footfall::pipeline
