// Sampling by user: the scaled counts of a 10 % sample fall within the error the speed layer
// states for them, on a large stream, and only the sample is enriched.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "base/temp_dir.h"
#include "pipeline/config.h"
#include "pipeline/gen.h"
#include "serving/live_source.h"
#include "speed/speed_layer.h"

namespace footfall {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr uint64_t kEvents = 40'000;
#else
constexpr uint64_t kEvents = 1'000'000;
#endif

struct Totals {
  int64_t events = 0, page_views = 0, sessions = 0;
  views::HyperLogLog users;
  serving::LiveSnapshot snap;
  uint64_t enriched = 0;  // events the layer enriched
};

Totals FoldAll(const std::string& data, double rate) {
  pipeline::Config config;
  config.data_dir = data;
  config.enrich.user_agent = false;
  speed::SpeedOptions o;
  o.data_dir = data;
  o.sample_rate = rate;
  o.enrich = config.enrich;
  o.web = pipeline::WebModelOptionsFrom(config);
  auto layer = speed::SpeedLayer::Open(o);
  EXPECT_TRUE(layer.ok()) << layer.status().ToString();
  Totals t;
  if (!layer.ok()) return t;
  const Status caught_up = (*layer)->CatchUp();
  EXPECT_TRUE(caught_up.ok()) << caught_up.ToString();
  const speed::SpeedStats stats = (*layer)->stats();
  EXPECT_EQ(stats.corrupt_frames, 0u);
  EXPECT_EQ(stats.bad_rows, 0u);
  EXPECT_GT(stats.records, 0u) << stats.position;
  t.enriched = stats.events;
  t.snap =
      (*layer)->Snapshot(0, std::numeric_limits<Micros>::min(), std::numeric_limits<Micros>::max());
  for (const auto& [minute, m] : t.snap.minutes) {
    t.events += m.events;
    t.page_views += m.page_views;
    t.sessions += m.sessions_started;
    t.users.Merge(m.users);
  }
  return t;
}

void ExpectWithin(const char* what, int64_t sampled, double rate, double design_effect,
                  int64_t truth) {
  const double estimate = serving::ScaledCount(sampled, rate);
  const double error = serving::ClusteredRelativeError(sampled, rate, design_effect);
  EXPECT_GT(error, 0.0) << what;
  EXPECT_LT(error, 0.5) << what;  // the stream is large enough for a useful estimate
  EXPECT_LT(std::abs(estimate - static_cast<double>(truth)) / static_cast<double>(truth), 3 * error)
      << what << ": estimate " << estimate << ", truth " << truth << ", stated error " << error;
}

TEST(SpeedSampling, TenPercentEstimatesAreWithinTheirStatedError) {
  TempDir tmp;
  pipeline::TrafficOptions traffic;
  traffic.seed = 29;
  traffic.events = kEvents;
  traffic.start = 1764115200000000;
  traffic.span = 7 * kMicrosPerDay;
  auto segments = pipeline::WriteTrafficToRawLog(traffic, tmp.Sub("raw"), 64 << 20, nullptr);
  ASSERT_TRUE(segments.ok()) << segments.status().ToString();

  const Totals all = FoldAll(tmp.path(), 1.0);
  ASSERT_EQ(all.events, static_cast<int64_t>(kEvents));
  const Totals sample = FoldAll(tmp.path(), 0.1);
  EXPECT_EQ(sample.snap.sample_rate, 0.1);
  EXPECT_GT(sample.snap.events_design_effect, 1.0);  // users have many events each
  // Only the sampled users' items are enriched: the decision comes before enrichment.
  EXPECT_EQ(all.enriched, kEvents);
  EXPECT_EQ(sample.enriched, static_cast<uint64_t>(sample.events));

  ExpectWithin("events", sample.events, 0.1, sample.snap.events_design_effect, all.events);
  ExpectWithin("page views", sample.page_views, 0.1, sample.snap.page_views_design_effect,
               all.page_views);
  // A session belongs to one user: sessions are sampled whole, one per cluster member at most
  // as often as events, so the events' design effect bounds theirs.
  ExpectWithin("sessions", sample.sessions, 0.1, sample.snap.events_design_effect, all.sessions);

  // Distinct users: a 10 % sample of users, counted by HyperLogLog, scaled up.
  const double users_truth = all.users.Estimate();
  const double users_estimate = sample.users.Estimate() / 0.1;
  const double users_error =
      std::hypot(serving::CountRelativeError(static_cast<int64_t>(sample.users.Estimate()), 0.1),
                 sample.users.RelativeError(), all.users.RelativeError());
  EXPECT_LT(std::abs(users_estimate - users_truth) / users_truth, 3 * users_error)
      << users_estimate << " vs " << users_truth;
}

}  // namespace
}  // namespace footfall
