#include "views/bucket_metrics.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cmath>
#include <string>

#include "base/random.h"
#include "event/event.h"
#include "views/flow_spec.h"
#include "views/web_model.h"

namespace footfall::views {
namespace {

uint64_t HashKey(const std::string& key) { return XXH3_64bits(key.data(), key.size()); }

// A BucketMetrics with every field filled from `rng`, small key spaces so that maps overlap.
BucketMetrics RandomMetrics(Rng& rng) {
  BucketMetrics m;
  m.events = static_cast<int64_t>(rng.Uniform(1000));
  m.page_views = static_cast<int64_t>(rng.Uniform(500));
  m.sessions_started = static_cast<int64_t>(rng.Uniform(50));
  m.engaged_sessions = static_cast<int64_t>(rng.Uniform(50));
  const char* kTypes[] = {"page_view", "page_ping", "struct", "unstruct"};
  for (const char* type : kTypes) {
    if (rng.Chance(0.6)) m.events_by_type[type] = static_cast<int64_t>(rng.Uniform(100));
  }
  for (uint64_t i = 0, n = rng.Uniform(200); i < n; ++i) m.users.Add(rng.Next());
  for (uint64_t i = 0, n = rng.Uniform(5); i < n; ++i) {
    m.pages["/p" + std::to_string(rng.Uniform(8))] += 1 + static_cast<int64_t>(rng.Uniform(9));
    m.referrer_mediums[rng.Chance(0.5) ? "search" : "social"] += 1;
  }
  if (rng.Chance(0.7)) {
    std::vector<int64_t> steps(1 + rng.Uniform(4));
    for (int64_t& s : steps) s = static_cast<int64_t>(rng.Uniform(20));
    m.funnel_steps[rng.Chance(0.5) ? "checkout" : "signup"] = steps;
  }
  if (rng.Chance(0.7)) m.flow_completions["studio"]["shoot"] = 1 + rng.Uniform(5);
  return m;
}

TEST(BucketMetricsTest, DefaultIsTheIdentity) {
  Rng rng(7);
  for (int i = 0; i < 50; ++i) {
    const BucketMetrics a = RandomMetrics(rng);
    BucketMetrics left;
    left.Combine(a);
    BucketMetrics right = a;
    right.Combine(BucketMetrics{});
    EXPECT_EQ(left, a);
    EXPECT_EQ(right, a);
  }
}

TEST(BucketMetricsTest, CombineIsAssociativeAndCommutative) {
  Rng rng(11);
  for (int i = 0; i < 100; ++i) {
    const BucketMetrics a = RandomMetrics(rng);
    const BucketMetrics b = RandomMetrics(rng);
    const BucketMetrics c = RandomMetrics(rng);
    BucketMetrics ab_c = a;
    ab_c.Combine(b);
    ab_c.Combine(c);
    BucketMetrics bc = b;
    bc.Combine(c);
    BucketMetrics a_bc = a;
    a_bc.Combine(bc);
    EXPECT_EQ(ab_c, a_bc);

    BucketMetrics ab = a;
    ab.Combine(b);
    BucketMetrics ba = b;
    ba.Combine(a);
    EXPECT_EQ(ab, ba);
  }
}

TEST(BucketMetricsTest, CombineAddsCountsAndMergesKeys) {
  BucketMetrics a;
  a.events = 3;
  a.pages["/"] = 2;
  a.funnel_steps["checkout"] = {5, 3};
  BucketMetrics b;
  b.events = 4;
  b.pages["/"] = 1;
  b.pages["/cart"] = 1;
  b.funnel_steps["checkout"] = {2, 1, 1};
  a.Combine(b);
  EXPECT_EQ(a.events, 7);
  EXPECT_EQ(a.pages.at("/"), 3);
  EXPECT_EQ(a.pages.at("/cart"), 1);
  EXPECT_EQ(a.funnel_steps.at("checkout"), (std::vector<int64_t>{7, 4, 1}));
}

TEST(HyperLogLogTest, EmptyIsZeroAndSmallCountsAreNearlyExact) {
  HyperLogLog h;
  EXPECT_EQ(h.Estimate(), 0.0);
  for (int i = 0; i < 10; ++i) h.Add(HashKey("user-" + std::to_string(i)));
  h.Add(HashKey("user-3"));  // a repeat changes nothing
  EXPECT_NEAR(h.Estimate(), 10.0, 0.5);
}

TEST(HyperLogLogTest, MillionDistinctKeysWithinThreeStandardErrors) {
  HyperLogLog h;
#if defined(__SANITIZE_ADDRESS__)
  constexpr int kKeys = 200'000;
#else
  constexpr int kKeys = 1'000'000;
#endif
  std::string key;
  for (int i = 0; i < kKeys; ++i) {
    key = "domain-user-" + std::to_string(i);
    const uint64_t hash = HashKey(key);
    h.Add(hash);
    if (i % 3 == 0) h.Add(hash);
  }
  EXPECT_NEAR(h.RelativeError(), 0.01625, 0.0001);
  EXPECT_LT(std::abs(h.Estimate() - kKeys) / kKeys, 3 * h.RelativeError()) << h.Estimate();
}

TEST(HyperLogLogTest, MergeEqualsAddingEverythingToOne) {
  Rng rng(3);
  HyperLogLog whole;
  HyperLogLog a;
  HyperLogLog b;
  for (int i = 0; i < 50'000; ++i) {
    const uint64_t hash = rng.Next();
    whole.Add(hash);
    (i % 3 == 0 ? a : b).Add(hash);
    if (i % 7 == 0) a.Add(hash);  // in both parts
  }
  a.Merge(b);
  EXPECT_EQ(a, whole);
  EXPECT_LT(std::abs(a.Estimate() - 50'000) / 50'000, 3 * a.RelativeError());
}

TEST(HyperLogLogTest, LowerPrecisionMergeEqualsCountingAtThatPrecision) {
  Rng rng(5);
  HyperLogLog fine(14);
  HyperLogLog coarse(10);
  HyperLogLog reference(10);
  for (int i = 0; i < 20'000; ++i) {
    const uint64_t hash = rng.Next();
    (i % 2 == 0 ? fine : coarse).Add(hash);
    reference.Add(hash);
  }
  HyperLogLog merged = fine;
  merged.Merge(coarse);
  EXPECT_EQ(merged.precision(), 10);
  EXPECT_EQ(merged, reference);
  HyperLogLog other_order = coarse;
  other_order.Merge(fine);
  EXPECT_EQ(other_order, reference);
}

event::Event WebEvent(const std::string& sid, const std::string& type, const std::string& path,
                      Micros t) {
  event::Event e;
  e.app_id = "shop";
  e.event = type;
  e.domain_sessionid = sid;
  e.domain_userid = "user-" + sid;
  e.page_urlpath = path;
  e.refr_medium = "search";
  e.derived_tstamp = t;
  return e;
}

TEST(MetricsFolderTest, CountsSessionsEngagementAndFunnelStepsOnce) {
  WebModelOptions web;
  FunnelSpec checkout;
  checkout.name = "checkout";
  checkout.steps.resize(2);
  checkout.steps[0].page_path = "/cart";
  checkout.steps[1].page_path = "/checkout";
  web.funnels.push_back(checkout);
  MetricsFolder folder(web, {});
  BucketMetrics m;
  const Micros t0 = 1'764'115'200'000'000;
  folder.Fold(WebEvent("a", "page_view", "/", t0), &m);
  folder.Fold(WebEvent("a", "page_view", "/cart", t0 + 1), &m);
  folder.Fold(WebEvent("a", "page_view", "/checkout", t0 + 2), &m);
  folder.Fold(WebEvent("a", "page_view", "/cart", t0 + 3), &m);      // step 1 again: not recounted
  folder.Fold(WebEvent("b", "page_view", "/checkout", t0 + 4), &m);  // step 2 before step 1
  folder.Fold(WebEvent("b", "page_ping", "/checkout", t0 + 5), &m);
  event::Event anonymous;  // no session, no user: counted as an event only
  anonymous.event = "struct";
  folder.Fold(anonymous, &m);

  EXPECT_EQ(m.events, 7);
  EXPECT_EQ(m.page_views, 5);
  EXPECT_EQ(m.events_by_type.at("page_ping"), 1);
  EXPECT_EQ(m.events_by_type.at("struct"), 1);
  EXPECT_EQ(m.pages.at("/cart"), 2);
  EXPECT_EQ(m.referrer_mediums.at("search"), 5);
  EXPECT_EQ(m.sessions_started, 2);
  EXPECT_EQ(m.engaged_sessions, 1);  // a: two page views; b: one, and one ping
  EXPECT_EQ(m.funnel_steps.at("checkout"), (std::vector<int64_t>{1, 1}));
  EXPECT_NEAR(m.users.Estimate(), 2.0, 0.1);
  EXPECT_EQ(folder.tracked_sessions(), 2u);
}

TEST(MetricsFolderTest, InactivityStartsANewSessionWithoutATrackerSessionId) {
  WebModelOptions web;
  MetricsFolder folder(web, {});
  BucketMetrics m;
  const Micros t0 = 1'764'115'200'000'000;
  for (const Micros t : {t0, t0 + web.session_timeout / 2, t0 + 3 * web.session_timeout}) {
    event::Event e = WebEvent("", "page_view", "/", t);
    e.domain_userid = "u1";
    folder.Fold(e, &m);
  }
  EXPECT_EQ(m.sessions_started, 2);
  EXPECT_EQ(m.engaged_sessions, 1);
}

}  // namespace
}  // namespace footfall::views
