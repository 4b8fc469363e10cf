#include "base/small_function.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace footfall {
namespace {

TEST(SmallFunction, CallsItsTarget) {
  int seen = 0;
  SmallFunction<int(int)> f = [&seen](int x) {
    seen = x;
    return x * 2;
  };
  ASSERT_TRUE(f);
  EXPECT_EQ(f(21), 42);
  EXPECT_EQ(seen, 21);
}

TEST(SmallFunction, HoldsMoveOnlyTargetsAndMovesThem) {
  auto owned = std::make_unique<std::string>("kept");
  SmallFunction<std::string()> f = [p = std::move(owned)] { return *p; };
  SmallFunction<std::string()> g = std::move(f);
  EXPECT_FALSE(f);  // NOLINT(bugprone-use-after-move): a moved-from SmallFunction is empty
  ASSERT_TRUE(g);
  EXPECT_EQ(g(), "kept");
  SmallFunction<std::string()> h;
  EXPECT_FALSE(h);
  h = std::move(g);
  EXPECT_EQ(h(), "kept");
}

TEST(SmallFunction, DestroysItsTargetOnceWhenReplacedOrDestroyed) {
  auto counted = std::make_shared<int>(0);
  {
    SmallFunction<void()> f = [c = counted] {};
    EXPECT_EQ(counted.use_count(), 2);
    SmallFunction<void()> g = std::move(f);
    EXPECT_EQ(counted.use_count(), 2);
    g = nullptr;
    EXPECT_EQ(counted.use_count(), 1);
    g = [c = counted] {};
    EXPECT_EQ(counted.use_count(), 2);
  }
  EXPECT_EQ(counted.use_count(), 1);
}

}  // namespace
}  // namespace footfall
