#include "views/sessions.h"

#include <gtest/gtest.h>

namespace footfall::views {
namespace {

constexpr Micros kMinute = 60 * kMicrosPerSecond;
constexpr Micros kDay1 = 1764115200000000;  // 2025-11-26T00:00:00Z

event::Event Ev(std::string id, std::string type, Micros t, std::string user, std::string sid,
                std::string url = "https://shop.example/") {
  event::Event e;
  e.event_id = std::move(id);
  e.event = std::move(type);
  e.collector_tstamp = t;
  e.derived_tstamp = t;
  e.app_id = "shop";
  e.domain_userid = std::move(user);
  e.domain_sessionid = std::move(sid);
  e.page_url = std::move(url);
  return e;
}

TEST(Deduplicate, KeepsEarliestCollectorTimestamp) {
  std::vector<event::Event> events = {Ev("b", "page_view", 30, "u", "s"),
                                      Ev("a", "page_view", 20, "u", "s"),
                                      Ev("b", "page_view", 10, "u", "s")};
  events[2].page_url = "https://shop.example/first";
  EXPECT_EQ(Deduplicate(&events), 1u);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event_id, "b");
  EXPECT_EQ(events[0].page_url, "https://shop.example/first");
  EXPECT_EQ(events[1].event_id, "a");
}

TEST(Sessions, TrackerSessionsAndInactivityGaps) {
  std::vector<event::Event> events = {
      Ev("1", "page_view", kDay1 + 0, "u1", "s1", "https://shop.example/a"),
      Ev("2", "page_ping", kDay1 + kMinute, "u1", "s1"),
      Ev("3", "page_view", kDay1 + 2 * kMinute, "u1", "s1", "https://shop.example/b"),
      // No tracker session: u2's events split by a 31-minute gap into two sessions.
      Ev("4", "page_view", kDay1 + 0, "u2", ""),
      Ev("5", "page_view", kDay1 + 29 * kMinute, "u2", ""),
      Ev("6", "page_view", kDay1 + 60 * kMinute, "u2", ""),
  };
  ASSERT_EQ(Deduplicate(&events), 0u);
  const auto sessions = BuildSessions(events, {});
  ASSERT_EQ(sessions.size(), 3u);
  const SessionRow* s1 = nullptr;
  for (const auto& s : sessions) {
    if (s.domain_sessionid == "s1") s1 = &s;
  }
  ASSERT_NE(s1, nullptr);
  EXPECT_EQ(s1->page_views, 2);
  EXPECT_EQ(s1->events, 3);
  EXPECT_EQ(s1->landing_page, "https://shop.example/a");
  EXPECT_EQ(s1->exit_page, "https://shop.example/b");
  EXPECT_EQ(s1->end_tstamp - s1->start_tstamp, 2 * kMinute);
  int inactivity = 0;
  for (const auto& s : sessions) {
    if (!s.from_tracker) {
      ++inactivity;
      EXPECT_EQ(s.domain_userid, "u2");
    }
  }
  EXPECT_EQ(inactivity, 2);
  // Deterministic ids: the same input gives the same sessions.
  EXPECT_EQ(BuildSessions(events, {})[1].domain_sessionid, sessions[1].domain_sessionid);
}

TEST(DailyTraffic, CountsPerDay) {
  std::vector<event::Event> events = {
      Ev("1", "page_view", kDay1 + 1, "u1", "s1"),
      Ev("2", "page_ping", kDay1 + 2, "u1", "s1"),
      Ev("3", "page_view", kDay1 + 3, "u2", "s2"),
      Ev("4", "page_view", kDay1 + 86400LL * kMicrosPerSecond, "u1", "s3"),
  };
  Deduplicate(&events);
  const auto days = BuildDailyTraffic(events, BuildSessions(events, {}));
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].date, "2025-11-26");
  EXPECT_EQ(days[0].events, 3);
  EXPECT_EQ(days[0].page_views, 2);
  EXPECT_EQ(days[0].sessions, 2);
  EXPECT_EQ(days[0].users, 2);
  EXPECT_EQ(days[1].date, "2025-11-27");
  EXPECT_EQ(days[1].sessions, 1);
  EXPECT_EQ(days[1].users, 1);
}

}  // namespace
}  // namespace footfall::views
