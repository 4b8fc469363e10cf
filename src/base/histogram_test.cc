#include "base/histogram.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace footfall {
namespace {

TEST(Histogram, CountsIntoInclusiveBuckets) {
  Histogram h({10, 100, 1000});
  for (const Micros v : {0, 10, 11, 100, 999, 1000, 1001, -5}) h.Record(v);
  const HistogramSnapshot s = h.Snapshot();
  EXPECT_EQ(s.counts, (std::vector<uint64_t>{3, 2, 2, 1}));
  EXPECT_EQ(s.count, 8u);
  EXPECT_EQ(s.sum, 0 + 10 + 11 + 100 + 999 + 1000 + 1001 + 0);
}

TEST(Histogram, Quantile) {
  Histogram h({10, 100, 1000});
  EXPECT_EQ(h.Snapshot().Quantile(0.5), 0);
  for (int i = 0; i < 90; ++i) h.Record(5);
  for (int i = 0; i < 10; ++i) h.Record(500);
  const HistogramSnapshot s = h.Snapshot();
  EXPECT_EQ(s.Quantile(0.5), 10);
  EXPECT_EQ(s.Quantile(0.9), 10);
  EXPECT_EQ(s.Quantile(0.91), 1000);
  h.Record(1'000'000);
  EXPECT_EQ(h.Snapshot().Quantile(1.0), 1000);  // +Inf bucket: the last finite bound
}

TEST(Histogram, PrometheusTextInSeconds) {
  Histogram h({500, 2'500'000});
  h.Record(250);
  h.Record(1'000'000);
  h.Record(3'000'000);
  std::string out;
  h.AppendPrometheus(&out, "footfall_x_seconds", "What x took.\nSecond line \\ here.");
  EXPECT_EQ(out,
            "# HELP footfall_x_seconds What x took.\\nSecond line \\\\ here.\n"
            "# TYPE footfall_x_seconds histogram\n"
            "footfall_x_seconds_bucket{le=\"0.0005\"} 1\n"
            "footfall_x_seconds_bucket{le=\"2.5\"} 2\n"
            "footfall_x_seconds_bucket{le=\"+Inf\"} 3\n"
            "footfall_x_seconds_sum 4.00025\n"
            "footfall_x_seconds_count 3\n");
}

TEST(Histogram, FormatSecondsExact) {
  EXPECT_EQ(FormatSecondsExact(0), "0");
  EXPECT_EQ(FormatSecondsExact(50), "0.00005");
  EXPECT_EQ(FormatSecondsExact(1'000), "0.001");
  EXPECT_EQ(FormatSecondsExact(10'000'000), "10");
  EXPECT_EQ(FormatSecondsExact(1'234'567), "1.234567");
  EXPECT_EQ(FormatSecondsExact(-1'500'000), "-1.5");
}

TEST(Histogram, RecordsFromManyThreads) {
  Histogram h;
  constexpr int kThreads = 4, kPerThread = 10'000;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&h, t] {
      for (int i = 0; i < kPerThread; ++i) h.Record(t * 1000 + i % 100);
    });
  }
  for (auto& th : threads) th.join();
  const HistogramSnapshot s = h.Snapshot();
  EXPECT_EQ(s.count, uint64_t{kThreads * kPerThread});
  Micros expected_sum = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) expected_sum += t * 1000 + i % 100;
  }
  EXPECT_EQ(s.sum, expected_sum);
  EXPECT_EQ(s.bounds, Histogram::LatencyBounds());
}

}  // namespace
}  // namespace footfall
