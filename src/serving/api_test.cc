#include "serving/api.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <cstdlib>
#include <deque>
#include <map>
#include <string>

#include "base/files.h"
#include "base/temp_dir.h"
#include "serving/api_test_data.h"
#include "serving/layout.h"
#include "serving/live_source.h"

namespace footfall::serving {
namespace {

using testing::Call;
using testing::PublishFixture;

// The speed layer as a test sets it up: fixed minutes, and the watermark it was last asked about.
class FakeLive : public LiveSource {
 public:
  LiveSnapshot Snapshot(int64_t watermark_segment, Micros from, Micros to) const override {
    std::lock_guard<std::mutex> l(mu_);
    last_watermark_ = watermark_segment;
    LiveSnapshot s;
    s.sample_rate = rate;
    s.since_segment = watermark_segment + 1;
    s.newest_event = newest;
    s.lag_ms = 250;
    for (const auto& [t, m] : minutes) {
      if (t >= from && t < to) s.minutes[t] = m;
    }
    return s;
  }
  int64_t last_watermark() const {
    std::lock_guard<std::mutex> l(mu_);
    return last_watermark_;
  }

  double rate = 1.0;
  Micros newest = 0;
  std::map<Micros, views::BucketMetrics> minutes;

 private:
  mutable std::mutex mu_;
  mutable int64_t last_watermark_ = -100;
};

Micros At(const char* iso) {
  auto t = ParseIso8601(iso);
  EXPECT_TRUE(t.ok()) << iso;
  return t.ok() ? *t : 0;
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    serving_dir_ = dir_.Sub("serving");
    PublishFixture(serving_dir_, 1);
  }

  ApiOptions Options() {
    ApiOptions o;
    o.serving_dir = serving_dir_;
    o.bad_dir = dir_.Sub("bad");
    o.now = [] { return At("2026-11-20T11:06:10Z"); };
    return o;
  }

  // Parses the body of a 200 answer; the element lives as long as the test.
  simdjson::dom::element Get(Api& api, const std::string& target, int status = 200) {
    http::Response r = Call(api, "GET", target);
    EXPECT_EQ(r.status, status) << target << ": " << r.body;
    parsers_.emplace_back();
    bodies_.push_back(r.body);
    simdjson::dom::element e;
    EXPECT_EQ(parsers_.back().parse(bodies_.back()).get(e), simdjson::SUCCESS) << r.body;
    return e;
  }

  static int64_t Int(simdjson::dom::element e, const char* pointer) {
    int64_t v = -1;
    EXPECT_EQ(e.at_pointer(pointer).get(v), simdjson::SUCCESS) << pointer;
    return v;
  }
  static double Real(simdjson::dom::element e, const char* pointer) {
    double v = -1;
    EXPECT_EQ(e.at_pointer(pointer).get(v), simdjson::SUCCESS) << pointer;
    return v;
  }
  static std::string Str(simdjson::dom::element e, const char* pointer) {
    std::string_view v;
    EXPECT_EQ(e.at_pointer(pointer).get(v), simdjson::SUCCESS) << pointer;
    return std::string(v);
  }
  static bool IsNull(simdjson::dom::element e, const char* pointer) {
    simdjson::dom::element v;
    return e.at_pointer(pointer).get(v) == simdjson::SUCCESS && v.is_null();
  }
  static bool Has(simdjson::dom::element e, const char* pointer) {
    simdjson::dom::element v;
    return e.at_pointer(pointer).get(v) == simdjson::SUCCESS;
  }
  static size_t Size(simdjson::dom::element e, const char* pointer) {
    simdjson::dom::array a;
    EXPECT_EQ(e.at_pointer(pointer).get(a), simdjson::SUCCESS) << pointer;
    return a.size();
  }

  TempDir dir_;
  std::string serving_dir_;
  std::deque<simdjson::dom::parser> parsers_;
  std::deque<std::string> bodies_;
};

TEST_F(ApiTest, OverviewDefaultRangeIsTheWeekBeforeTheEndOfTheData) {
  Api api(Options());
  auto o = Get(api, "/api/v1/overview");
  // The last event is at 10:50; the range ends at the next hour.
  EXPECT_EQ(Str(o, "/range/from"), "2026-11-13T11:00:00Z");
  EXPECT_EQ(Str(o, "/range/to"), "2026-11-20T11:00:00Z");
  EXPECT_EQ(Int(o, "/version"), 1);
  EXPECT_EQ(Int(o, "/watermark"), 7);
  EXPECT_EQ(Str(o, "/exact_until"), "2026-11-20T10:50:00Z");
  EXPECT_EQ(Int(o, "/sessions"), 4);
  EXPECT_EQ(Int(o, "/users"), 3);
  EXPECT_EQ(Int(o, "/page_views"), 7);
  EXPECT_EQ(Int(o, "/events"), 13);  // with the event that belongs to no session
  EXPECT_EQ(Int(o, "/engaged_sessions"), 2);
  EXPECT_DOUBLE_EQ(Real(o, "/bounce_rate"), 0.5);
  EXPECT_DOUBLE_EQ(Real(o, "/avg_engaged_time_s"), 20.0);
  EXPECT_TRUE(IsNull(o, "/speed"));
  EXPECT_FALSE(Has(o, "/live_filtered_out"));
  EXPECT_EQ(Int(o, "/previous/sessions"), 0);
  EXPECT_TRUE(IsNull(o, "/previous/bounce_rate"));
  EXPECT_EQ(Str(o, "/previous/range/to"), "2026-11-13T11:00:00Z");
}

TEST_F(ApiTest, OverviewRangeAndFilters) {
  Api api(Options());
  auto day = Get(api, "/api/v1/overview?from=2026-11-20&to=2026-11-21");
  EXPECT_EQ(Int(day, "/sessions"), 3);
  EXPECT_EQ(Int(day, "/events"), 11);
  EXPECT_EQ(Int(day, "/page_views"), 6);
  EXPECT_EQ(Int(day, "/users"), 2);
  EXPECT_EQ(Int(day, "/previous/sessions"), 1);
  EXPECT_EQ(Int(day, "/previous/events"), 2);

  auto web = Get(api, "/api/v1/overview?app_id=web");
  EXPECT_EQ(Int(web, "/sessions"), 3);
  EXPECT_EQ(Int(web, "/users"), 3);
  EXPECT_EQ(Int(web, "/events"), 8);  // events of the matching sessions
  EXPECT_EQ(Int(web, "/page_views"), 5);
  EXPECT_EQ(Int(web, "/engaged_sessions"), 1);

  auto de = Get(api, "/api/v1/overview?country=DE&device=Computer");
  EXPECT_EQ(Int(de, "/sessions"), 2);
  EXPECT_EQ(Int(de, "/users"), 1);
  EXPECT_EQ(Int(de, "/page_views"), 5);

  auto none = Get(api, "/api/v1/overview?campaign=(none)");
  EXPECT_EQ(Int(none, "/sessions"), 2);  // s1 and s4 have no campaign
  // A time with an offset, rounded outward to whole hours.
  auto offset = Get(api, "/api/v1/overview?from=2026-11-20T10:30%2B01:00&to=2026-11-20T09:30Z");
  EXPECT_EQ(Str(offset, "/range/from"), "2026-11-20T09:00:00Z");
  EXPECT_EQ(Str(offset, "/range/to"), "2026-11-20T10:00:00Z");
  EXPECT_EQ(Int(offset, "/sessions"), 2);
}

TEST_F(ApiTest, Timeseries) {
  Api api(Options());
  auto h =
      Get(api, "/api/v1/timeseries?metric=page_views&from=2026-11-20T09:00Z&to=2026-11-20T12:00Z");
  EXPECT_EQ(Str(h, "/metric"), "page_views");
  EXPECT_EQ(Str(h, "/granularity"), "hour");
  ASSERT_EQ(Size(h, "/points"), 3u);
  EXPECT_EQ(Str(h, "/points/0/t"), "2026-11-20T09:00:00Z");
  EXPECT_EQ(Int(h, "/points/0/value"), 4);
  EXPECT_EQ(Int(h, "/points/1/value"), 2);
  EXPECT_EQ(Int(h, "/points/2/value"), 0);  // an empty bucket in range
  bool live = true;
  EXPECT_EQ(h.at_pointer("/points/0/live").get(live), simdjson::SUCCESS);
  EXPECT_FALSE(live);

  auto d =
      Get(api, "/api/v1/timeseries?metric=events&granularity=day&from=2026-11-19&to=2026-11-21");
  ASSERT_EQ(Size(d, "/points"), 2u);
  EXPECT_EQ(Str(d, "/points/0/t"), "2026-11-19T00:00:00Z");
  EXPECT_EQ(Int(d, "/points/0/value"), 2);
  EXPECT_EQ(Int(d, "/points/1/value"), 11);

  auto shop = Get(api,
                  "/api/v1/timeseries?metric=sessions&app_id=shop&from=2026-11-20T09:00Z"
                  "&to=2026-11-20T11:00Z");
  ASSERT_EQ(Size(shop, "/points"), 2u);
  EXPECT_EQ(Int(shop, "/points/0/value"), 0);
  EXPECT_EQ(Int(shop, "/points/1/value"), 1);

  auto users = Get(api,
                   "/api/v1/timeseries?metric=users&granularity=day&country=DE"
                   "&from=2026-11-20&to=2026-11-21");
  EXPECT_EQ(Int(users, "/points/0/value"), 1);
  auto pv = Get(api,
                "/api/v1/timeseries?metric=page_views&granularity=day&app_id=web"
                "&from=2026-11-19&to=2026-11-21");
  EXPECT_EQ(Int(pv, "/points/0/value"), 1);
  EXPECT_EQ(Int(pv, "/points/1/value"), 4);
}

TEST_F(ApiTest, Top) {
  Api api(Options());
  auto pages = Get(api, "/api/v1/top?dimension=page&metric=page_views");
  EXPECT_EQ(Int(pages, "/total"), 7);
  ASSERT_EQ(Size(pages, "/rows"), 4u);
  EXPECT_EQ(Str(pages, "/rows/0/key"), "/products");
  EXPECT_EQ(Int(pages, "/rows/0/value"), 3);
  EXPECT_DOUBLE_EQ(Real(pages, "/rows/0/share"), 3.0 / 7);
  EXPECT_EQ(Str(pages, "/rows/1/key"), "/");
  EXPECT_EQ(Str(pages, "/rows/2/key"), "/blog");  // ties in key order
  EXPECT_EQ(Str(pages, "/rows/3/key"), "/checkout");

  auto limited = Get(api, "/api/v1/top?dimension=page&metric=page_views&limit=1");
  EXPECT_EQ(Size(limited, "/rows"), 1u);
  EXPECT_EQ(Int(limited, "/total"), 7);

  auto landing = Get(api, "/api/v1/top?dimension=page&metric=sessions");
  EXPECT_EQ(Str(landing, "/rows/0/key"), "/");
  EXPECT_EQ(Int(landing, "/rows/0/value"), 2);

  auto media = Get(api, "/api/v1/top?dimension=medium&metric=sessions");
  EXPECT_EQ(Int(media, "/total"), 4);
  EXPECT_EQ(Str(media, "/rows/0/key"), "search");
  EXPECT_EQ(Str(media, "/rows/1/key"), "(none)");
  EXPECT_EQ(Str(media, "/rows/2/key"), "social");

  auto countries = Get(api, "/api/v1/top?dimension=country&metric=sessions&device=Computer");
  ASSERT_EQ(Size(countries, "/rows"), 1u);
  EXPECT_EQ(Str(countries, "/rows/0/key"), "DE");
  EXPECT_EQ(Int(countries, "/rows/0/value"), 2);

  auto campaigns = Get(api, "/api/v1/top?dimension=campaign&metric=page_views");
  EXPECT_EQ(Str(campaigns, "/rows/0/key"), "(none)");
  EXPECT_EQ(Int(campaigns, "/rows/0/value"), 5);
}

TEST_F(ApiTest, Acquisition) {
  Api api(Options());
  auto a = Get(api, "/api/v1/acquisition?by=medium&from=2026-11-19&to=2026-11-21");
  EXPECT_EQ(Str(a, "/by"), "medium");
  EXPECT_EQ(Str(a, "/granularity"), "day");
  ASSERT_EQ(Size(a, "/series"), 3u);
  EXPECT_EQ(Str(a, "/series/0/key"), "search");
  EXPECT_EQ(Int(a, "/series/0/sessions"), 2);
  ASSERT_EQ(Size(a, "/series/0/points"), 2u);
  EXPECT_EQ(Int(a, "/series/0/points/0/sessions"), 0);
  EXPECT_EQ(Int(a, "/series/0/points/1/sessions"), 2);
  EXPECT_EQ(Str(a, "/series/1/key"), "(none)");
  EXPECT_EQ(Int(a, "/series/1/points/0/sessions"), 1);

  auto h = Get(api,
               "/api/v1/acquisition?by=campaign&granularity=hour&limit=1"
               "&from=2026-11-20T09:00Z&to=2026-11-20T11:00Z");
  ASSERT_EQ(Size(h, "/series"), 1u);
  EXPECT_EQ(Str(h, "/series/0/key"), "spring");
  EXPECT_EQ(Int(h, "/series/0/points/0/sessions"), 1);
  EXPECT_EQ(Int(h, "/series/0/points/1/sessions"), 1);
}

TEST_F(ApiTest, Funnels) {
  Api api(Options());
  auto f = Get(api, "/api/v1/funnels");
  ASSERT_EQ(Size(f, "/funnels"), 2u);
  EXPECT_EQ(Str(f, "/funnels/0/name"), "checkout");
  ASSERT_EQ(Size(f, "/funnels/0/steps"), 2u);
  EXPECT_EQ(Int(f, "/funnels/0/steps/0/index"), 1);
  EXPECT_EQ(Str(f, "/funnels/0/steps/0/name"), "product");
  EXPECT_EQ(Int(f, "/funnels/0/steps/0/sessions"), 4);
  EXPECT_TRUE(IsNull(f, "/funnels/0/steps/0/median_time_from_previous_s"));
  ASSERT_EQ(Size(f, "/funnels/0/steps/0/dropoffs"), 2u);
  EXPECT_EQ(Str(f, "/funnels/0/steps/0/dropoffs/0/next"), "/");
  EXPECT_EQ(Int(f, "/funnels/0/steps/0/dropoffs/0/sessions"), 2);
  EXPECT_DOUBLE_EQ(Real(f, "/funnels/0/steps/1/conversion_from_start"), 0.25);
  EXPECT_DOUBLE_EQ(Real(f, "/funnels/0/steps/1/median_time_from_previous_s"), 180);
  EXPECT_EQ(Size(f, "/funnels/0/steps/1/dropoffs"), 0u);
  EXPECT_EQ(Str(f, "/funnels/1/name"), "signup");

  auto one = Get(api, "/api/v1/funnels?name=signup");
  ASSERT_EQ(Size(one, "/funnels"), 1u);
  EXPECT_EQ(Int(one, "/funnels/0/steps/0/sessions"), 2);
  Get(api, "/api/v1/funnels?name=nope", 404);
}

TEST_F(ApiTest, Journeys) {
  Api api(Options());
  auto j = Get(api, "/api/v1/journeys?depth=2");
  EXPECT_TRUE(IsNull(j, "/start"));
  EXPECT_EQ(Int(j, "/depth"), 2);
  ASSERT_EQ(Size(j, "/landing_pages"), 3u);
  EXPECT_EQ(Str(j, "/landing_pages/0/page"), "/");
  EXPECT_EQ(Int(j, "/landing_pages/0/sessions"), 2);
  // Nodes: 1:/ 1:/blog 1:/products 2:/products; one link.
  ASSERT_EQ(Size(j, "/nodes"), 4u);
  EXPECT_EQ(Str(j, "/nodes/0/id"), "1:/");
  EXPECT_EQ(Int(j, "/nodes/3/depth"), 2);
  EXPECT_EQ(Str(j, "/nodes/3/name"), "/products");
  ASSERT_EQ(Size(j, "/links"), 1u);
  EXPECT_EQ(Str(j, "/links/0/source"), "1:/");
  EXPECT_EQ(Str(j, "/links/0/target"), "2:/products");
  EXPECT_EQ(Int(j, "/links/0/value"), 2);

  auto from_root = Get(api, "/api/v1/journeys?start=/&depth=3");
  EXPECT_EQ(Str(from_root, "/start"), "/");
  ASSERT_EQ(Size(from_root, "/links"), 2u);
  EXPECT_EQ(Str(from_root, "/links/1/source"), "2:/products");
  EXPECT_EQ(Str(from_root, "/links/1/target"), "3:/checkout");
  EXPECT_EQ(Int(from_root, "/links/1/value"), 1);

  auto top1 = Get(api, "/api/v1/journeys?depth=2&limit=1");
  EXPECT_EQ(Size(top1, "/nodes"), 2u);
}

TEST_F(ApiTest, Flows) {
  Api api(Options());
  auto list = Get(api, "/api/v1/flows");
  ASSERT_EQ(Size(list, "/flows"), 1u);
  EXPECT_EQ(Str(list, "/flows/0/name"), "studio");
  EXPECT_EQ(Int(list, "/flows/0/cases"), 2);
  EXPECT_EQ(Int(list, "/flows/0/activities"), 2);

  auto f = Get(api, "/api/v1/flows/studio");
  EXPECT_EQ(Str(f, "/name"), "studio");
  ASSERT_EQ(Size(f, "/activities"), 2u);
  EXPECT_EQ(Str(f, "/activities/0/activity"), "intake");
  EXPECT_FALSE(Has(f, "/activities/0/flow"));
  EXPECT_EQ(Int(f, "/transitions/0/count"), 2);
  EXPECT_EQ(Str(f, "/bottlenecks/0/activity"), "shoot");
  EXPECT_EQ(Str(f, "/variants/0/variant"), "intake > shoot");
  EXPECT_DOUBLE_EQ(Real(f, "/cycle_time/p50_s"), 200);
  EXPECT_DOUBLE_EQ(Real(f, "/cycle_time/p90_s"), 280);
  ASSERT_EQ(Size(f, "/cycle_time/histogram"), 20u);
  EXPECT_EQ(Int(f, "/cycle_time/histogram/6/cases"), 1);  // 100 s in (90, 105]
  EXPECT_EQ(Int(f, "/cycle_time/histogram/19/cases"), 1);
  EXPECT_DOUBLE_EQ(Real(f, "/cost/total"), 40);
  EXPECT_DOUBLE_EQ(Real(f, "/cost/per_case"), 20);
  EXPECT_EQ(Str(f, "/cost/by_activity/0/activity"), "shoot");
  EXPECT_EQ(Int(f, "/wip_daily/0/wip"), 1);
  Get(api, "/api/v1/flows/nope", 404);
}

TEST_F(ApiTest, BadRowsWithSamples) {
  ASSERT_TRUE(MakeDirs(dir_.Sub("bad/date=2026-11-20")).ok());
  ASSERT_TRUE(
      WriteFileDurably(
          dir_.Sub("bad/date=2026-11-20/1-abc.jsonl"),
          R"({"type":"adapter_failures","messages":[{"field":"path","value":"/x","expectation":"a known path"}],"payload":"GET /x"})"
          "\n"
          R"({"type":"tracker_protocol_violations","messages":[{"field":"e","value":"zz","expectation":"an event type"}],"payload":"GET /i?e=zz"})"
          "\n")
          .ok());
  Api api(Options());
  auto b = Get(api, "/api/v1/bad_rows");
  EXPECT_EQ(Int(b, "/total"), 4);  // the row of 2026-11-01 is before the default week
  EXPECT_EQ(Str(b, "/by_type/0/type"), "tracker_protocol_violations");
  EXPECT_EQ(Int(b, "/by_type/0/count"), 3);
  EXPECT_EQ(Size(b, "/daily"), 2u);
  ASSERT_EQ(Size(b, "/samples"), 2u);
  EXPECT_EQ(Str(b, "/samples/0/type"), "tracker_protocol_violations");  // newest first
  EXPECT_EQ(Str(b, "/samples/0/date"), "2026-11-20");
  EXPECT_EQ(Str(b, "/samples/0/messages/0/field"), "e");
  EXPECT_EQ(Str(b, "/samples/0/payload"), "GET /i?e=zz");

  auto typed = Get(api, "/api/v1/bad_rows?type=adapter_failures&limit=5&from=2026-11-01");
  EXPECT_EQ(Int(typed, "/total"), 1);
  ASSERT_EQ(Size(typed, "/samples"), 1u);
  EXPECT_EQ(Str(typed, "/samples/0/payload"), "GET /x");
  auto all = Get(api, "/api/v1/bad_rows?from=2026-11-01&limit=0");
  EXPECT_EQ(Int(all, "/total"), 9);
  EXPECT_EQ(Size(all, "/samples"), 0u);
}

TEST_F(ApiTest, Meta) {
  Api api(Options());
  auto m = Get(api, "/api/v1/meta");
  EXPECT_EQ(Int(m, "/version"), 1);
  EXPECT_EQ(Str(m, "/data_range/from"), "2026-11-19T23:00:00Z");
  EXPECT_EQ(Str(m, "/data_range/to"), "2026-11-20T10:50:00Z");
  ASSERT_EQ(Size(m, "/versions"), 1u);
  EXPECT_EQ(Int(m, "/versions/0/watermark"), 7);
  EXPECT_EQ(Str(m, "/versions/0/enrich_config"), "e1");
  EXPECT_EQ(Str(m, "/versions/0/view_config"), "v1");
  ASSERT_EQ(Size(m, "/filters/app_id"), 2u);
  EXPECT_EQ(Str(m, "/filters/app_id/0"), "web");
  EXPECT_EQ(Str(m, "/filters/country/0"), "DE");
  EXPECT_EQ(Size(m, "/filters/campaign"), 1u);
  EXPECT_EQ(Str(m, "/funnels/1"), "signup");
  EXPECT_EQ(Str(m, "/flows/0"), "studio");
}

TEST_F(ApiTest, BadParametersAre400NamingTheParameter) {
  Api api(Options());
  const struct {
    const char* target;
    const char* names;
  } kCases[] = {
      {"/api/v1/overview?nope=1", "nope"},
      {"/api/v1/overview?from=yesterday", "from"},
      {"/api/v1/overview?from=2026-11-21&to=2026-11-20", "after"},
      {"/api/v1/overview?app_id=a&app_id=b", "twice"},
      {"/api/v1/timeseries?metric=clicks", "page_views, sessions, users, engaged_sessions, events"},
      {"/api/v1/timeseries?granularity=week", "hour, day"},
      {"/api/v1/timeseries?from=2020-01-01&to=2026-01-01", "buckets"},
      {"/api/v1/top?dimension=color", "dimension"},
      {"/api/v1/top?limit=0", "limit"},
      {"/api/v1/top?limit=ten", "limit"},
      {"/api/v1/acquisition?by=os", "medium, source, campaign"},
      {"/api/v1/journeys?depth=99", "depth"},
      {"/api/v1/live?minutes=0", "minutes"},
      {"/api/v1/bad_rows?limit=1000", "limit"},
      {"/api/v1/flows?metric=x", "metric"},
  };
  for (const auto& c : kCases) {
    http::Response r = Call(api, "GET", c.target);
    EXPECT_EQ(r.status, 400) << c.target << ": " << r.body;
    EXPECT_NE(r.body.find(c.names), std::string::npos) << c.target << ": " << r.body;
    EXPECT_NE(r.body.find("\"error\""), std::string::npos) << r.body;
  }
}

TEST_F(ApiTest, UnknownEndpointsAndMethods) {
  Api api(Options());
  EXPECT_EQ(Call(api, "GET", "/api/v1/nope").status, 404);
  EXPECT_EQ(Call(api, "GET", "/api/v2/overview").status, 404);
  http::Response post = Call(api, "POST", "/api/v1/overview");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(Call(api, "GET", "/api/v1/sql").status, 405);
  EXPECT_EQ(Call(api, "GET", "/api/v1").status, 200);
  EXPECT_EQ(Call(api, "POST", "/api/v1/batch").status, 503);
  // Every known path names the methods it takes; a flow needs a name.
  const struct {
    const char* method;
    const char* target;
    const char* allow;
  } kWrongMethods[] = {{"POST", "/api/v1/status", "GET, HEAD"},
                       {"GET", "/api/v1/batch", "POST"},
                       {"DELETE", "/api/v1/sql", "POST"},
                       {"POST", "/api/v1/flows/studio", "GET, HEAD"},
                       {"PUT", "/api/v1/live", "GET, HEAD"}};
  for (const auto& c : kWrongMethods) {
    http::Response r = Call(api, c.method, c.target);
    EXPECT_EQ(r.status, 405) << c.method << " " << c.target;
    EXPECT_EQ(r.Header("Allow").value_or(""), c.allow) << c.method << " " << c.target;
  }
  EXPECT_EQ(Call(api, "GET", "/api/v1/flows/").status, 404);
}

TEST_F(ApiTest, SqlAsJsonAndCsv) {
  Api api(Options());
  http::Response csv = Call(api, "POST", "/api/v1/sql?format=csv",
                            "SELECT date, events FROM traffic_daily ORDER BY date");
  EXPECT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body, "date,events\r\n2026-11-19,2\r\n2026-11-20,11\r\n");
  http::Response json = Call(api, "POST", "/api/v1/sql", "SELECT count(*) AS n FROM sessions");
  EXPECT_EQ(json.status, 200);
  EXPECT_NE(json.body.find(R"("columns":["n"],"rows":[[4]])"), std::string::npos) << json.body;
  EXPECT_EQ(Call(api, "POST", "/api/v1/sql?format=xml", "SELECT 1").status, 400);
  EXPECT_EQ(Call(api, "POST", "/api/v1/sql", "DROP TABLE sessions").status, 400);
  EXPECT_EQ(Call(api, "POST", "/api/v1/sql", "").status, 400);
}

TEST_F(ApiTest, NoVersionYet) {
  ApiOptions o = Options();
  o.serving_dir = dir_.Sub("empty");
  Api api(o);
  EXPECT_EQ(Call(api, "GET", "/api/v1/overview").status, 503);
  auto live = Get(api, "/api/v1/live");
  bool available = true;
  EXPECT_EQ(live.at_pointer("/available").get(available), simdjson::SUCCESS);
  EXPECT_FALSE(available);
}

TEST_F(ApiTest, CachePerVersion) {
  Api api(Options());
  Get(api, "/api/v1/funnels");
  const uint64_t misses = api.cache_misses();
  Get(api, "/api/v1/funnels");
  EXPECT_EQ(api.cache_misses(), misses);
  EXPECT_GE(api.cache_hits(), 1u);
  EXPECT_EQ(Int(Get(api, "/api/v1/overview"), "/version"), 1);
  // A new version is answered at once, from its own rows.
  PublishFixture(serving_dir_, 2);
  auto o = Get(api, "/api/v1/overview");
  EXPECT_EQ(Int(o, "/version"), 2);
  EXPECT_EQ(Int(Get(api, "/api/v1/meta"), "/version"), 2);
}

TEST_F(ApiTest, WarmedCacheAnswersTheDefaultsWithoutComputing) {
  ApiOptions o = Options();
  o.warm_cache = true;
  Api api(o);
  api.AwaitWarmed();
  const uint64_t misses = api.cache_misses();
  EXPECT_GE(misses, 10u);
  EXPECT_EQ(Int(Get(api, "/api/v1/overview"), "/sessions"), 4);
  Get(api, "/api/v1/top?dimension=page&metric=page_views");
  Get(api, "/api/v1/funnels");
  EXPECT_EQ(api.cache_misses(), misses);
  // A new version is warmed when it is first used.
  PublishFixture(serving_dir_, 2);
  EXPECT_EQ(Int(Get(api, "/api/v1/meta"), "/version"), 2);
  api.AwaitWarmed();
  const uint64_t misses2 = api.cache_misses();
  EXPECT_EQ(Int(Get(api, "/api/v1/overview"), "/version"), 2);
  EXPECT_EQ(api.cache_misses(), misses2);
}

TEST(ApiTokenTest, ConfiguredTokenElseEnvironment) {
  ASSERT_EQ(setenv("FOOTFALL_API_TOKEN", "from-env", 1), 0);
  EXPECT_EQ(ResolveApiToken("from-config"), "from-config");
  EXPECT_EQ(ResolveApiToken(""), "from-env");
  ASSERT_EQ(unsetenv("FOOTFALL_API_TOKEN"), 0);
  EXPECT_EQ(ResolveApiToken(""), "");
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.7"));
  EXPECT_FALSE(IsLoopbackHost("::"));
}

TEST_F(ApiTest, BearerToken) {
  ApiOptions o = Options();
  ASSERT_TRUE(ConfigureApiAccess("0.0.0.0", "s3cret", &o).ok());
  Api api(o);
  http::Response denied = Call(api, "GET", "/api/v1/overview");
  EXPECT_EQ(denied.status, 401);
  ASSERT_EQ(denied.Headers().size(), 1u);
  EXPECT_EQ(denied.Headers()[0].first, "WWW-Authenticate");
  EXPECT_EQ(Call(api, "GET", "/api/v1/overview", "", {{"Authorization", "Bearer nope"}}).status,
            401);
  EXPECT_EQ(
      Call(api, "POST", "/api/v1/sql", "SELECT 1", {{"Authorization", "Bearer s3cret"}}).status,
      200);
  EXPECT_EQ(Call(api, "GET", "/api/v1/overview", "", {{"authorization", "bearer s3cret"}}).status,
            200);

  ApiOptions open = Options();
  EXPECT_EQ(ConfigureApiAccess("0.0.0.0", "", &open).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(ConfigureApiAccess("127.0.0.1", "", &open).ok());
  EXPECT_FALSE(open.require_token);
  EXPECT_TRUE(ConfigureApiAccess("::1", "", &open).ok());
}

// ---- the merge with the speed layer ----

class ApiLiveTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    views::BucketMetrics m;
    m.events = 4;
    m.page_views = 2;
    m.sessions_started = 1;
    m.engaged_sessions = 1;
    m.users.Add(0x9e3779b97f4a7c15ull);
    m.pages["/products"] = 2;
    m.referrer_mediums["search"] = 2;
    live_.minutes[At("2026-11-20T11:05:00Z")] = m;
    live_.newest = At("2026-11-20T11:05:30Z");
  }
  ApiOptions LiveOptions() {
    ApiOptions o = Options();
    o.live = &live_;
    return o;
  }
  FakeLive live_;
};

TEST_F(ApiLiveTest, OverviewAddsTheLivePartPastTheWatermark) {
  Api api(LiveOptions());
  auto o = Get(api, "/api/v1/overview");
  EXPECT_EQ(live_.last_watermark(), 7);
  // The live event at 11:05 moves the default end to 12:00.
  EXPECT_EQ(Str(o, "/range/to"), "2026-11-20T12:00:00Z");
  EXPECT_EQ(Int(o, "/page_views"), 7 + 2);
  EXPECT_EQ(Int(o, "/events"), 13 + 4);
  EXPECT_EQ(Int(o, "/sessions"), 4 + 1);
  EXPECT_EQ(Int(o, "/engaged_sessions"), 2 + 1);
  EXPECT_EQ(Int(o, "/users"), 3 + 1);
  EXPECT_EQ(Int(o, "/speed/events"), 4);
  EXPECT_EQ(Int(o, "/speed/page_views"), 2);
  EXPECT_EQ(Int(o, "/speed/since_segment"), 8);
  EXPECT_DOUBLE_EQ(Real(o, "/speed/sample_rate"), 1.0);
  EXPECT_DOUBLE_EQ(Real(o, "/speed/relative_error"), 0.0);
  const std::string body = Call(api, "GET", "/api/v1/overview").body;
  EXPECT_NE(body.find(R"("speed":{"events":4,"page_views":2,"sessions":1,"users":1,)"
                      R"("sample_rate":1,"relative_error":0,"users_relative_error":0.01625,)"
                      R"("since_segment":8})"),
            std::string::npos)
      << body;

  // A range that ends before the live minute has no live part.
  auto before = Get(api, "/api/v1/overview?from=2026-11-20&to=2026-11-20T11:00Z");
  EXPECT_EQ(Int(before, "/events"), 11);
  EXPECT_EQ(Int(before, "/speed/events"), 0);

  // Filters leave the speed layer out and say so.
  auto web = Get(api, "/api/v1/overview?app_id=web");
  EXPECT_TRUE(IsNull(web, "/speed"));
  bool filtered = false;
  EXPECT_EQ(web.at_pointer("/live_filtered_out").get(filtered), simdjson::SUCCESS);
  EXPECT_TRUE(filtered);
  EXPECT_EQ(Int(web, "/events"), 8);
}

TEST_F(ApiLiveTest, SampledLiveCountsAreScaled) {
  live_.rate = 0.5;
  Api api(LiveOptions());
  auto o = Get(api, "/api/v1/overview");
  EXPECT_EQ(Int(o, "/speed/events"), 8);
  EXPECT_EQ(Int(o, "/events"), 13 + 8);
  EXPECT_EQ(Int(o, "/speed/users"), 2);
  EXPECT_NEAR(Real(o, "/speed/relative_error"), std::sqrt(0.5 / 4), 1e-12);
}

TEST_F(ApiLiveTest, TimeseriesMarksLiveBuckets) {
  Api api(LiveOptions());
  auto h = Get(api, "/api/v1/timeseries?metric=events&from=2026-11-20T09:00Z&to=2026-11-20T12:00Z");
  ASSERT_EQ(Size(h, "/points"), 3u);
  bool live = true;
  EXPECT_EQ(h.at_pointer("/points/1/live").get(live), simdjson::SUCCESS);
  EXPECT_FALSE(live);
  EXPECT_EQ(Int(h, "/points/2/value"), 4);
  EXPECT_EQ(h.at_pointer("/points/2/live").get(live), simdjson::SUCCESS);
  EXPECT_TRUE(live);
  auto day = Get(api,
                 "/api/v1/timeseries?metric=page_views&granularity=day"
                 "&from=2026-11-20&to=2026-11-21");
  EXPECT_EQ(Int(day, "/points/0/value"), 6 + 2);
}

TEST_F(ApiLiveTest, TopPagesAndMediumsMerge) {
  Api api(LiveOptions());
  auto pages = Get(api, "/api/v1/top?dimension=page&metric=page_views");
  EXPECT_EQ(Int(pages, "/total"), 9);
  EXPECT_EQ(Str(pages, "/rows/0/key"), "/products");
  EXPECT_EQ(Int(pages, "/rows/0/value"), 5);
  auto media = Get(api, "/api/v1/top?dimension=medium&metric=page_views");
  EXPECT_EQ(Str(media, "/rows/0/key"), "(none)");  // 4 batch page views without a medium
  EXPECT_EQ(Str(media, "/rows/1/key"), "search");
  EXPECT_EQ(Int(media, "/rows/1/value"), 2 + 2);
  // Landing pages by sessions have no live part.
  auto landing = Get(api, "/api/v1/top?dimension=page&metric=sessions");
  bool live = true;
  EXPECT_EQ(landing.at_pointer("/live").get(live), simdjson::SUCCESS);
  EXPECT_FALSE(live);
}

TEST_F(ApiLiveTest, LiveEndpoint) {
  Api api(LiveOptions());
  auto l = Get(api, "/api/v1/live?minutes=10");
  bool available = false;
  EXPECT_EQ(l.at_pointer("/available").get(available), simdjson::SUCCESS);
  EXPECT_TRUE(available);
  EXPECT_EQ(Int(l, "/lag_ms"), 250);
  EXPECT_EQ(Int(l, "/since_segment"), 8);
  ASSERT_EQ(Size(l, "/minutes"), 10u);
  EXPECT_EQ(Str(l, "/minutes/0/t"), "2026-11-20T10:57:00Z");
  EXPECT_EQ(Str(l, "/minutes/8/t"), "2026-11-20T11:05:00Z");
  EXPECT_EQ(Int(l, "/minutes/8/events"), 4);
  EXPECT_EQ(Int(l, "/minutes/9/events"), 0);
  EXPECT_EQ(Int(l, "/total/events"), 4);
  EXPECT_EQ(Int(l, "/total/users"), 1);
  // The example of docs/api.md.
  EXPECT_EQ(Call(api, "GET", "/api/v1/live?minutes=3").body,
            R"({"available":true,"sample_rate":1,"lag_ms":250,"since_segment":8,)"
            R"("newest_event":"2026-11-20T11:05:30Z","version":1,"watermark":7,)"
            R"("exact_until":"2026-11-20T10:50:00Z",)"
            R"("range":{"from":"2026-11-20T11:04:00Z","to":"2026-11-20T11:07:00Z"},)"
            R"("minutes":[{"t":"2026-11-20T11:04:00Z","events":0,"page_views":0},)"
            R"({"t":"2026-11-20T11:05:00Z","events":4,"page_views":2},)"
            R"({"t":"2026-11-20T11:06:00Z","events":0,"page_views":0}],)"
            R"("total":{"events":4,"page_views":2,"sessions":1,"users":1},"relative_error":0})"
            "\n");
  // Recomputed on every request, never cached.
  views::BucketMetrics more;
  more.events = 3;
  live_.minutes[At("2026-11-20T11:06:00Z")] = more;
  EXPECT_EQ(Int(Get(api, "/api/v1/live?minutes=10"), "/total/events"), 7);
  EXPECT_EQ(Int(Get(api, "/api/v1/overview?from=2026-11-20&to=2026-11-21"), "/events"), 11 + 7);
}

}  // namespace
}  // namespace footfall::serving
