#include "views/dedup.h"

#include <gtest/gtest.h>

namespace footfall::views {
namespace {

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

}  // namespace
}  // namespace footfall::views
