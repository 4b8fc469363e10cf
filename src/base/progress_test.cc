#include "base/progress.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace footfall {
namespace {

TEST(ProgressBar, FormatsBarCountDetailAndTime) {
  EXPECT_EQ(ProgressBar::Format("enrich", 6, 24, "segments", "1.2M events", 2'500'000),
            "enrich [######                  ] 6/24 segments, 1.2M events (2.5 s)");
  EXPECT_EQ(ProgressBar::Format("gen", 42, 0, "events", "", 0), "gen 42 events (0.0 s)");
  // More done than announced does not overflow the bar.
  EXPECT_EQ(ProgressBar::Format("x", 5, 4, "u", "", 0),
            "x [########################] 5/4 u (0.0 s)");
}

TEST(ProgressBar, HumanCounts) {
  EXPECT_EQ(HumanCount(812), "812");
  EXPECT_EQ(HumanCount(35'012), "35.0k");
  EXPECT_EQ(HumanCount(1'234'567), "1.2M");
  EXPECT_EQ(HumanCount(2'500'000'000), "2.50G");
}

TEST(ProgressBar, UpdatesFromManyThreads) {
  ProgressBar bar("test", 4000, "items");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&bar, t] {
      for (int i = 0; i < 1000; ++i) bar.Update(static_cast<uint64_t>(t * 1000 + i));
    });
  }
  for (auto& th : threads) th.join();
  bar.Finish();
  bar.Update(1);  // after Finish: ignored
}

}  // namespace
}  // namespace footfall
