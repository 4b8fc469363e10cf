#include "views/web_model.h"

#include <gtest/gtest.h>

namespace footfall::views {
namespace {

constexpr Micros kS = kMicrosPerSecond;
constexpr Micros kT0 = 1764201600000000;  // 2025-11-27T00:00:00Z

event::Event Ev(std::string type, std::string sid, Micros t, std::string path = "") {
  event::Event e;
  e.event = std::move(type);
  e.app_id = "shop";
  e.domain_sessionid = std::move(sid);
  e.domain_userid = "u1";
  e.derived_tstamp = kT0 + t;
  e.dvce_created_tstamp = kT0 + t;
  e.page_urlpath = std::move(path);
  static int n = 0;
  e.event_id = "e" + std::to_string(++n);
  return e;
}

event::Event WithPage(event::Event e, const std::string& page_view_id) {
  e.contexts = R"([{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0",)"
               R"("data":{"id":")" +
               page_view_id + R"("}}])";
  return e;
}

TEST(WebModel, EngagedTimeFollowsTheHeartbeatRule) {
  // Pings at 12, 19, 25 and 41 s: buckets 1, 2 (twice) and 4 -> 3 buckets -> 10 * 2 + 5.
  std::vector<event::Event> events = {WithPage(Ev("page_view", "s", 0, "/a"), "pv1")};
  for (Micros t : {12, 19, 25, 41}) events.push_back(WithPage(Ev("page_ping", "s", t * kS), "pv1"));
  events.back().pp_yoffset_max = 1200;
  events.back().br_viewheight = 800;
  events.back().doc_height = 4000;
  const WebViews v = BuildWebViews(events, {});
  ASSERT_EQ(v.page_views.size(), 1u);
  EXPECT_DOUBLE_EQ(v.page_views[0].engaged_time_in_s, 25);
  EXPECT_DOUBLE_EQ(v.page_views[0].absolute_time_in_s, 41);
  EXPECT_EQ(v.page_views[0].vertical_percentage_scrolled, 50);
  EXPECT_FALSE(v.page_views[0].horizontal_percentage_scrolled.has_value());
  EXPECT_EQ(v.page_views[0].page_view_id, "pv1");
  ASSERT_EQ(v.sessions.size(), 1u);
  EXPECT_DOUBLE_EQ(v.sessions[0].engaged_time_in_s, 25);
  EXPECT_TRUE(v.sessions[0].is_engaged);  // 25 s >= 2 heartbeats
  EXPECT_EQ(v.sessions[0].page_pings, 4);
}

TEST(WebModel, PageViewWithoutPingsIsNotEngaged) {
  const WebViews v = BuildWebViews({Ev("page_view", "s", 0, "/a")}, {});
  EXPECT_DOUBLE_EQ(v.page_views[0].engaged_time_in_s, 0);
  EXPECT_FALSE(v.sessions[0].is_engaged);
  EXPECT_DOUBLE_EQ(v.traffic_daily[0].bounce_rate, 1);
}

TEST(WebModel, PingsAttachByContextElseToThePrecedingPageView) {
  std::vector<event::Event> events = {
      WithPage(Ev("page_view", "s", 0, "/a"), "pv1"),
      WithPage(Ev("page_view", "s", 5 * kS, "/b"), "pv2"),
      WithPage(Ev("page_ping", "s", 11 * kS), "pv1"),    // late ping of the first page
      Ev("page_ping", "s", 21 * kS),                     // no context: the latest page view
      WithPage(Ev("page_ping", "s", 31 * kS), "other"),  // strayed from another session
  };
  const WebViews v = BuildWebViews(events, {});
  ASSERT_EQ(v.page_views.size(), 2u);
  EXPECT_DOUBLE_EQ(v.page_views[0].engaged_time_in_s, 5);
  EXPECT_EQ(v.page_views[0].end_tstamp, kT0 + 11 * kS);
  EXPECT_DOUBLE_EQ(v.page_views[1].engaged_time_in_s, 5);
  EXPECT_EQ(v.page_views[1].end_tstamp, kT0 + 21 * kS);
  EXPECT_EQ(v.sessions[0].page_views, 2);
}

TEST(WebModel, InactivitySessionsSplitOnlyPastTheTimeout) {
  WebModelOptions o;
  std::vector<event::Event> events = {Ev("page_view", "", 0, "/a"),
                                      Ev("page_view", "", 30 * 60 * kS, "/b"),  // exactly at it
                                      Ev("page_view", "", 60 * 60 * kS + 1, "/c")};
  const WebViews v = BuildWebViews(events, o);
  ASSERT_EQ(v.sessions.size(), 2u);
  EXPECT_FALSE(v.sessions[0].from_tracker);
  EXPECT_EQ(v.sessions[0].page_views, 2);
  EXPECT_EQ(v.sessions[1].landing_page, "/c");
  // The same events give the same derived ids.
  EXPECT_EQ(BuildWebViews(events, o).sessions[1].domain_sessionid, v.sessions[1].domain_sessionid);
}

TEST(WebModel, EventsWithoutSessionOrUserBelongToNoSession) {
  event::Event server = Ev("unstruct", "", 0);
  server.domain_userid.clear();
  const WebViews v = BuildWebViews({server, Ev("page_view", "s", kS, "/a")}, {});
  ASSERT_EQ(v.sessions.size(), 1u);
  EXPECT_EQ(v.traffic_daily[0].events, 2);
}

TEST(WebModel, SessionsUsersAndTrafficAcrossMidnight) {
  std::vector<event::Event> events = {Ev("page_view", "s1", -10 * kS, "/a"),
                                      Ev("page_view", "s1", 10 * kS, "/b"),
                                      Ev("page_view", "s2", 3600 * kS, "/a")};
  events[0].refr_medium = "search";
  events[0].refr_source = "Google";
  events[2].user_id = "alice";
  events[2].domain_userid = "u1";
  const WebViews v = BuildWebViews(events, {});
  ASSERT_EQ(v.sessions.size(), 2u);
  EXPECT_EQ(v.sessions[0].landing_page, "/a");
  EXPECT_EQ(v.sessions[0].exit_page, "/b");
  EXPECT_EQ(v.sessions[0].refr_medium, "search");
  ASSERT_EQ(v.traffic_daily.size(), 2u);
  EXPECT_EQ(v.traffic_daily[0].bucket, "2025-11-26");
  EXPECT_EQ(v.traffic_daily[0].sessions, 1);  // s1 started before midnight
  EXPECT_EQ(v.traffic_daily[0].page_views, 1);
  EXPECT_EQ(v.traffic_daily[1].page_views, 2);
  EXPECT_EQ(v.traffic_daily[1].users, 1);
  EXPECT_EQ(v.traffic_hourly[0].bucket, "2025-11-26T23:00:00Z");
  ASSERT_EQ(v.users.size(), 1u);
  EXPECT_EQ(v.users[0].user_id, "alice");
  EXPECT_EQ(v.users[0].sessions, 2);
  EXPECT_EQ(v.users[0].first_refr_medium, "search");
  EXPECT_EQ(v.acquisition.size(), 2u);
}

EventMatch Page(std::string name, std::string path) {
  EventMatch m;
  m.name = std::move(name);
  m.page_path = std::move(path);
  return m;
}

EventMatch Named(std::string name, std::string event_name) {
  EventMatch m;
  m.name = std::move(name);
  m.event_name = std::move(event_name);
  return m;
}

WebModelOptions Checkout() {
  WebModelOptions o;
  FunnelSpec f;
  f.name = "checkout";
  f.steps = {Page("product", "/product/*"), Page("cart", "/cart"),
             Named("purchase", "transaction")};
  o.funnels.push_back(f);
  o.conversions.push_back(Named("purchase", "transaction"));
  return o;
}

TEST(WebModel, FunnelsCountStepsInOrderWithTimesAndDropoffs) {
  std::vector<event::Event> events = {
      // s1: all three steps.
      Ev("page_view", "s1", 0, "/product/1"), Ev("page_view", "s1", 10 * kS, "/cart"),
      Ev("transaction", "s1", 40 * kS),
      // s2: cart before product (out of order: only step 1 counts), then leaves for /sale.
      Ev("page_view", "s2", 0, "/cart"), Ev("page_view", "s2", 5 * kS, "/product/2"),
      Ev("page_view", "s2", 9 * kS, "/sale"),
      // s3: product twice, then the cart; no purchase, session ends.
      Ev("page_view", "s3", 0, "/product/1"), Ev("page_view", "s3", 3 * kS, "/product/3"),
      Ev("page_view", "s3", 30 * kS, "/cart")};
  std::sort(events.begin(), events.end(),
            [](const auto& a, const auto& b) { return a.derived_tstamp < b.derived_tstamp; });
  const WebViews v = BuildWebViews(events, Checkout());
  ASSERT_EQ(v.funnel_steps.size(), 3u);
  EXPECT_EQ(v.funnel_steps[0].sessions, 3);
  EXPECT_EQ(v.funnel_steps[1].sessions, 2);
  EXPECT_EQ(v.funnel_steps[2].sessions, 1);
  EXPECT_DOUBLE_EQ(v.funnel_steps[1].conversion_from_previous, 2.0 / 3);
  EXPECT_DOUBLE_EQ(v.funnel_steps[2].conversion_from_start, 1.0 / 3);
  EXPECT_DOUBLE_EQ(v.funnel_steps[1].time_from_previous_p50_s, 20);  // 10 s and 30 s
  EXPECT_DOUBLE_EQ(v.funnel_steps[2].time_from_previous_p50_s, 30);
  ASSERT_EQ(v.funnel_dropoffs.size(), 2u);
  EXPECT_EQ(v.funnel_dropoffs[0].last_step, 1);
  EXPECT_EQ(v.funnel_dropoffs[0].next_page, "/sale");
  EXPECT_EQ(v.funnel_dropoffs[1].last_step, 2);
  EXPECT_EQ(v.funnel_dropoffs[1].next_page, "(exit)");
  int converted = 0;
  for (const auto& s : v.sessions) converted += s.converted ? 1 : 0;
  EXPECT_EQ(converted, 1);
}

TEST(WebModel, ConsecutiveFunnelsAndTimeLimits) {
  WebModelOptions o = Checkout();
  o.funnels[0].consecutive = true;
  std::vector<event::Event> events = {Ev("page_view", "s", 0, "/product/1"),
                                      Ev("page_view", "s", 5 * kS, "/sale"),
                                      Ev("page_view", "s", 9 * kS, "/cart")};
  EXPECT_EQ(BuildWebViews(events, o).funnel_steps[1].sessions, 0);  // /sale came between
  o.funnels[0].consecutive = false;
  EXPECT_EQ(BuildWebViews(events, o).funnel_steps[1].sessions, 1);
  o.funnels[0].time_limit = 8 * kS;
  EXPECT_EQ(BuildWebViews(events, o).funnel_steps[1].sessions, 0);  // 9 s after step 1
}

TEST(WebModel, JourneysNormaliseIdsAndRankPaths) {
  event::Event pv =
      Ev("page_view", "s", 0, "/order/12345/items/550e8400-e29b-41d4-a716-446655440000");
  EXPECT_EQ(JourneyPageName(pv, false), "/order/:id/items/:id");
  pv.page_urlquery = "a=1";
  EXPECT_EQ(JourneyPageName(pv, true), "/order/:id/items/:id?a=1");
  std::vector<event::Event> events = {
      Ev("page_view", "s1", 0, "/"), Ev("page_view", "s1", 4 * kS, "/product/1"),
      Ev("page_view", "s2", 10 * kS, "/"), Ev("page_view", "s2", 20 * kS, "/product/2"),
      Ev("page_view", "s3", 30 * kS, "/sale")};
  const WebViews v = BuildWebViews(events, {});
  ASSERT_EQ(v.journey_transitions.size(), 1u);
  EXPECT_EQ(v.journey_transitions[0].from_page, "/");
  EXPECT_EQ(v.journey_transitions[0].to_page, "/product/:id");
  EXPECT_EQ(v.journey_transitions[0].count, 2);
  EXPECT_DOUBLE_EQ(v.journey_transitions[0].gap_p50_s, 7);
  ASSERT_EQ(v.journey_paths.size(), 2u);
  EXPECT_EQ(v.journey_paths[0].path, "/ > /product/:id");
  EXPECT_EQ(v.journey_paths[0].sessions, 2);
  EXPECT_EQ(v.journey_paths[0].rank, 1);
}

TEST(WebModel, EmptyInputAndValidation) {
  const WebViews v = BuildWebViews({}, Checkout());
  EXPECT_TRUE(v.sessions.empty());
  EXPECT_EQ(v.funnel_steps.size(), 3u);  // every step, with zero sessions
  EXPECT_TRUE(ValidateWebModelOptions(Checkout()).ok());
  WebModelOptions bad = Checkout();
  bad.funnels[0].steps.resize(1);
  EXPECT_EQ(ValidateWebModelOptions(bad).code(), StatusCode::kInvalidArgument);
  bad = Checkout();
  bad.funnels[0].steps[1] = {};
  EXPECT_EQ(ValidateWebModelOptions(bad).code(), StatusCode::kInvalidArgument);
  bad = Checkout();
  bad.conversions[0].where = {{"nope", "1"}};
  EXPECT_EQ(ValidateWebModelOptions(bad).code(), StatusCode::kInvalidArgument);
}

TEST(GlobMatch, Stars) {
  EXPECT_TRUE(GlobMatch("/product/*", "/product/1"));
  EXPECT_TRUE(GlobMatch("/product/*", "/product/"));
  EXPECT_FALSE(GlobMatch("/product/*", "/products"));
  EXPECT_TRUE(GlobMatch("*/checkout*", "/eu/checkout/pay"));
  EXPECT_TRUE(GlobMatch("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "aXbYbZ"));
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "x"));
}

}  // namespace
}  // namespace footfall::views
