// The API over a version the real batch built from generated traffic (with the demo funnels and
// flows): every endpoint answers, and the answers agree with each other and with SQL over the
// same tables.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <deque>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "pipeline/batch.h"
#include "pipeline/config.h"
#include "pipeline/gen.h"
#include "serving/api.h"
#include "serving/api_test_data.h"

namespace footfall::serving {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr uint64_t kEvents = 1500;
#else
constexpr uint64_t kEvents = 4000;
#endif
// 2025-11-26T00:00:00Z; three days of sessions.
constexpr Micros kStart = 1764115200000000;
constexpr const char* kRange = "from=2025-11-26&to=2025-11-30";

class ApiBatchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    pipeline::TrafficOptions traffic;
    traffic.seed = 5;
    traffic.events = kEvents;
    traffic.start = kStart;
    traffic.span = 3 * kMicrosPerDay;
    auto written = pipeline::WriteTrafficToRawLog(traffic, dir_->Sub("raw"), 256 << 10, nullptr);
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    pipeline::Config config;
    config.data_dir = dir_->path();
    pipeline::AddDemoDefinitions(&config);
    pipeline::BatchOptions options = pipeline::BatchOptionsFrom(config);
    options.enrich.threads = 2;
    options.threads = 2;
    auto report = pipeline::RunBatch(options);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    ApiOptions o;
    o.serving_dir = dir_->Sub("serving");
    o.bad_dir = dir_->Sub("bad");
    api_ = std::make_unique<Api>(std::move(o));
  }

  simdjson::dom::element Get(const std::string& target) {
    http::Response r = testing::Call(*api_, "GET", target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    parsers_.emplace_back();
    bodies_.push_back(r.body);
    simdjson::dom::element e;
    EXPECT_EQ(parsers_.back().parse(bodies_.back()).get(e), simdjson::SUCCESS) << r.body;
    return e;
  }

  int64_t Sql(const std::string& sql) {
    http::Response r = testing::Call(*api_, "POST", "/api/v1/sql?format=csv", sql);
    EXPECT_EQ(r.status, 200) << sql << ": " << r.body;
    // A header line, then the one value.
    const size_t nl = r.body.find('\n');
    return std::strtoll(r.body.c_str() + nl + 1, nullptr, 10);
  }

  static int64_t Int(simdjson::dom::element e, const char* pointer) {
    int64_t v = -1;
    EXPECT_EQ(e.at_pointer(pointer).get(v), simdjson::SUCCESS) << pointer;
    return v;
  }
  static int64_t SumOf(simdjson::dom::element e, const char* array, const char* field) {
    int64_t sum = 0;
    simdjson::dom::array items;
    EXPECT_EQ(e.at_pointer(array).get(items), simdjson::SUCCESS) << array;
    for (simdjson::dom::element item : items) sum += int64_t(item[field]);
    return sum;
  }

  static TempDir* dir_;
  std::unique_ptr<Api> api_;
  std::deque<simdjson::dom::parser> parsers_;
  std::deque<std::string> bodies_;
};

TempDir* ApiBatchTest::dir_ = nullptr;

TEST_F(ApiBatchTest, OverviewAgreesWithSqlAndTheOtherEndpoints) {
  auto o = Get(std::string("/api/v1/overview?") + kRange);
  const int64_t page_views = Int(o, "/page_views"), sessions = Int(o, "/sessions");
  EXPECT_GT(page_views, 0);
  EXPECT_GT(sessions, 0);
  EXPECT_EQ(page_views, Sql("SELECT count(*) FROM page_views"));
  EXPECT_EQ(Int(o, "/events"), Sql("SELECT count(*) FROM events"));
  EXPECT_EQ(sessions, Sql("SELECT count(*) FROM sessions"));
  EXPECT_EQ(Int(o, "/users"),
            Sql("SELECT count(DISTINCT coalesce(domain_userid, network_userid)) FROM sessions"));
  EXPECT_EQ(Int(o, "/watermark"), Sql("SELECT max(watermark_segment) FROM pipeline_versions"));

  auto hourly = Get(std::string("/api/v1/timeseries?metric=page_views&") + kRange);
  EXPECT_EQ(SumOf(hourly, "/points", "value"), page_views);
  auto daily = Get(std::string("/api/v1/timeseries?metric=sessions&granularity=day&") + kRange);
  EXPECT_EQ(SumOf(daily, "/points", "value"), sessions);
  auto events = Get(std::string("/api/v1/timeseries?metric=events&granularity=day&") + kRange);
  EXPECT_EQ(SumOf(events, "/points", "value"), Int(o, "/events"));

  for (const char* dimension :
       {"page", "referrer", "medium", "source", "campaign", "country", "browser", "os", "device"}) {
    auto pv =
        Get(std::string("/api/v1/top?metric=page_views&dimension=") + dimension + "&" + kRange);
    EXPECT_EQ(Int(pv, "/total"), page_views) << dimension;
    auto s = Get(std::string("/api/v1/top?metric=sessions&dimension=") + dimension + "&" + kRange);
    EXPECT_EQ(Int(s, "/total"), sessions) << dimension;
  }
  auto acquisition = Get(std::string("/api/v1/acquisition?by=medium&limit=50&") + kRange);
  EXPECT_EQ(SumOf(acquisition, "/series", "sessions"), sessions);
}

TEST_F(ApiBatchTest, FiltersAreSubsets) {
  auto all = Get(std::string("/api/v1/overview?") + kRange);
  auto meta = Get("/api/v1/meta");
  simdjson::dom::array devices;
  ASSERT_EQ(meta.at_pointer("/filters/device").get(devices), simdjson::SUCCESS);
  ASSERT_GT(devices.size(), 0u);
  std::vector<std::string> values = {"(none)"};
  for (simdjson::dom::element d : devices) values.emplace_back(std::string_view(d));
  int64_t sessions = 0, page_views = 0;
  for (const std::string& device : values) {
    auto o = Get("/api/v1/overview?device=" + device + "&" + kRange);
    sessions += Int(o, "/sessions");
    page_views += Int(o, "/page_views");
  }
  // The values and "(none)" split the sessions, and the page views by their own device.
  EXPECT_EQ(sessions, Int(all, "/sessions"));
  EXPECT_EQ(page_views, Int(all, "/page_views"));
}

TEST_F(ApiBatchTest, FunnelsJourneysFlowsAndMeta) {
  auto meta = Get("/api/v1/meta");
  EXPECT_EQ(Int(meta, "/versions/0/version"), 1);
  simdjson::dom::array funnels, flows;
  ASSERT_EQ(meta.at_pointer("/funnels").get(funnels), simdjson::SUCCESS);
  ASSERT_EQ(meta.at_pointer("/flows").get(flows), simdjson::SUCCESS);
  ASSERT_GT(funnels.size(), 0u);
  ASSERT_GT(flows.size(), 0u);

  Get("/api/v1/funnels");
  for (simdjson::dom::element name : funnels) {
    const std::string n{std::string_view(name)};
    auto one = Get("/api/v1/funnels?name=" + n);
    EXPECT_EQ(Int(one, "/funnels/0/steps/0/sessions"),
              Sql("SELECT sessions FROM funnel_steps WHERE step = 1 AND funnel = '" + n + "'"));
  }
  for (simdjson::dom::element name : flows) {
    const std::string n{std::string_view(name)};
    auto one = Get("/api/v1/flows/" + n);
    EXPECT_EQ(Int(one, "/cases"), Sql("SELECT count(*) FROM flow_cases WHERE flow = '" + n + "'"));
    EXPECT_EQ(SumOf(one, "/cycle_time/histogram", "cases"), Int(one, "/cases"));
  }
  auto list = Get("/api/v1/flows");
  EXPECT_EQ(SumOf(list, "/flows", "cases"), Sql("SELECT count(*) FROM flow_cases"));

  auto j = Get("/api/v1/journeys?depth=4&limit=100");
  EXPECT_GT(SumOf(j, "/links", "value"), 0);
  // Every session with a page view has a path, counted once under its landing page.
  auto all = Get("/api/v1/journeys?depth=1&limit=100");
  EXPECT_EQ(SumOf(all, "/nodes", "sessions"), Sql("SELECT sum(sessions) FROM journey_paths"));
  Get("/api/v1/bad_rows");
  Get("/api/v1/live");
}

}  // namespace
}  // namespace footfall::serving
