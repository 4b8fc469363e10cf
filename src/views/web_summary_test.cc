#include "views/web_summary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace footfall::views {
namespace {

SessionFacts Session(const std::string& id, Micros start, const std::string& user_id,
                     const std::string& landing) {
  SessionFacts s;
  s.session_id = id;
  s.start = start;
  s.end = start + 60 * kMicrosPerSecond;
  s.user = "u1";
  s.user_id = user_id;
  s.page_views = 2;
  s.engaged_time_in_s = 15;
  s.landing_page = landing;
  s.pages = {landing, "/b"};
  s.page_times = {start, start + 30 * kMicrosPerSecond};
  return s;
}

// Merged in every order, a user's partials give the same row: the first session and the latest
// user_id are chosen by (start, session id), never by arrival.
TEST(WebSummary, UserPartialsMergeInAnyOrder) {
  const std::vector<SessionFacts> sessions = {
      Session("b", 100, "alice", "/first"),  // ties with "c" on start; "b" < "c"
      Session("c", 100, "", "/second"),
      Session("a", 500, "bob", "/third"),
      Session("d", 900, "", "/fourth"),
  };
  std::vector<size_t> order = {0, 1, 2, 3};
  std::optional<UserRow> expected;
  do {
    UserPartial u = UserOf(sessions[order[0]]).second;
    for (size_t i = 1; i < order.size(); ++i) u.Merge(UserOf(sessions[order[i]]).second);
    const UserRow row = FinishUser("u1", u);
    if (!expected) {
      expected = row;
      EXPECT_EQ(row.first_landing_page, "/first");
      EXPECT_EQ(row.user_id, "bob");  // the latest session with a user_id
      EXPECT_EQ(row.sessions, 4);
      EXPECT_EQ(row.page_views, 8);
      EXPECT_EQ(row.engaged_time_in_s, 60);
      EXPECT_EQ(row.first_seen, 100);
      EXPECT_EQ(row.last_seen, 900 + 60 * kMicrosPerSecond);
    }
    EXPECT_EQ(row.first_landing_page, expected->first_landing_page);
    EXPECT_EQ(row.user_id, expected->user_id);
    EXPECT_EQ(row.last_seen, expected->last_seen);
  } while (std::next_permutation(order.begin(), order.end()));
}

// A session counts once in its start's day and hour, and each page view in its own.
TEST(WebSummary, TrafficCountsPageViewsWhereTheyStart) {
  SessionFacts s = Session("a", kMicrosPerDay - 10 * kMicrosPerSecond, "", "/a");
  std::map<TrafficKey, TrafficPartial> buckets;
  for (auto& [key, p] : TrafficOf(s)) {
    auto [it, fresh] = buckets.try_emplace(key, p);
    if (!fresh) it->second.Merge(p);
  }
  const std::vector<TrafficRow> days = FinishTraffic(false, buckets, {});
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].bucket, "1970-01-01");
  EXPECT_EQ(days[0].sessions, 1);
  EXPECT_EQ(days[0].page_views, 1);
  EXPECT_EQ(days[1].bucket, "1970-01-02");
  EXPECT_EQ(days[1].sessions, 0);
  EXPECT_EQ(days[1].page_views, 1);  // the second page view, 20 s after midnight
  EXPECT_EQ(FinishTraffic(true, buckets, {}).size(), 2u);
}

}  // namespace
}  // namespace footfall::views
