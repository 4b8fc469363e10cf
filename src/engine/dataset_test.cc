#include "engine/dataset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/temp_dir.h"

namespace footfall::engine {
namespace {

struct View {
  std::string user;
  int64_t ts = 0;
  std::string page;
  bool operator==(const View&) const = default;
  auto operator<=>(const View&) const = default;
};

// Random page views; with `skew`, one user holds half the rows. Timestamps are unique.
std::vector<View> MakeViews(size_t n, size_t users, bool skew, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<View> out;
  out.reserve(n);
  std::vector<int64_t> ts(n);
  for (size_t i = 0; i < n; ++i) ts[i] = static_cast<int64_t>(i) * 7;
  std::shuffle(ts.begin(), ts.end(), rng);
  for (size_t i = 0; i < n; ++i) {
    View v;
    v.user = skew && (rng() & 1) ? "hot-user" : "user-" + std::to_string(rng() % users);
    v.ts = ts[i];
    v.page = "/page/" + std::to_string(rng() % 50) + (rng() % 8 == 0 ? std::string(40, 'x') : "");
    out.push_back(std::move(v));
  }
  return out;
}

struct Config {
  size_t threads;
  uint64_t budget;
  size_t partitions;
  bool expect_spill;
};

std::string Name(const testing::TestParamInfo<Config>& info) {
  return "t" + std::to_string(info.param.threads) + "_b" + std::to_string(info.param.budget) +
         "_p" + std::to_string(info.param.partitions);
}

EngineOptions Options(size_t threads, uint64_t budget, std::string spill_dir) {
  EngineOptions o;
  o.threads = threads;
  o.memory_budget_bytes = budget;
  o.spill_dir = std::move(spill_dir);
  return o;
}

class DatasetTest : public testing::TestWithParam<Config> {
 protected:
  DatasetTest() : ctx_(Options(GetParam().threads, GetParam().budget, dir_.Sub("spill"))) {}

  void TearDown() override {
    if (GetParam().expect_spill) {
      EXPECT_GT(ctx_.stats().spill_files, 0u);
      EXPECT_GT(ctx_.stats().bytes_spilled, 0u);
    } else {
      EXPECT_EQ(ctx_.stats().spill_files, 0u);
    }
    ExpectNoSpillFiles();
  }

  void ExpectNoSpillFiles() {
    if (!std::filesystem::exists(dir_.Sub("spill"))) return;
    EXPECT_TRUE(std::filesystem::is_empty(dir_.Sub("spill")));
  }

  template <typename T>
  Dataset<T> From(std::vector<T> v) {
    return FromVector(ctx_, std::move(v), GetParam().partitions);
  }

  template <typename T>
  std::vector<T> Collect(const Dataset<T>& d) {
    auto r = d.Collect();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : std::vector<T>{};
  }

  template <typename T>
  static std::vector<T> Sorted(std::vector<T> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  TempDir dir_;
  Context ctx_;
};

// Shuffles spill with a budget of a few KiB per task; 20,000 rows are ~1 MB of records.
constexpr uint64_t kTiny = 48 * 1024;
constexpr uint64_t kLarge = uint64_t{1} << 30;

INSTANTIATE_TEST_SUITE_P(Configs, DatasetTest,
                         testing::Values(Config{1, kLarge, 1, false}, Config{2, kLarge, 7, false},
                                         Config{8, kLarge, 64, false}, Config{2, kTiny, 7, true},
                                         Config{8, kTiny, 64, true}, Config{1, kTiny, 1, true}),
                         Name);

const std::vector<View>& Views() {
  static const auto* v = new std::vector<View>(MakeViews(20000, 1500, true, 42));
  return *v;
}

TEST_P(DatasetTest, NarrowOperatorsKeepOrder) {
  auto d = From(Views())
               .Filter([](const View& v) { return v.ts % 3 != 0; })
               .Map([](View v) {
                 v.page += "!";
                 return v;
               })
               .FlatMap([](View v) {
                 std::vector<View> out;
                 if (v.ts % 5 == 0) out.push_back(v);
                 out.push_back(std::move(v));
                 return out;
               })
               .KeyBy([](const View& v) { return v.ts; });
  std::vector<std::pair<int64_t, View>> want;
  for (View v : Views()) {
    if (v.ts % 3 == 0) continue;
    v.page += "!";
    if (v.ts % 5 == 0) want.emplace_back(v.ts, v);
    want.emplace_back(v.ts, v);
  }
  EXPECT_EQ(Collect(d), want);
  auto n = d.Count();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, want.size());
  if (GetParam().expect_spill) {
    EXPECT_EQ(ctx_.stats().spill_files, 0u);
  }
  // Keep TearDown's expectation: spill in a shuffle.
  auto s = From(Views()).KeyBy([](const View& v) { return v.user; }).GroupByKey().Count();
  ASSERT_TRUE(s.ok());
}

TEST_P(DatasetTest, CacheComputesOnceAndFeedsEveryLaterJob) {
  std::atomic<uint64_t> mapped{0};
  // A shuffle before the cache: its map stage must not run again either.
  auto cached = From(Views())
                    .Map([&mapped](const View& v) {
                      ++mapped;
                      return std::pair<std::string, int64_t>(v.user, v.ts);
                    })
                    .GroupByKey([](int64_t a, int64_t b) { return a < b; })
                    .Cache();
  const auto groups = Collect(cached);
  EXPECT_EQ(mapped.load(), Views().size());
  std::map<std::string, std::vector<int64_t>> want;
  for (const View& v : Views()) want[v.user].push_back(v.ts);
  for (auto& [user, ts] : want) std::sort(ts.begin(), ts.end());
  EXPECT_EQ(groups.size(), want.size());
  for (const auto& [user, ts] : groups) EXPECT_EQ(ts, want[user]) << user;

  EXPECT_EQ(Collect(cached), groups);
  auto n = cached.Count();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, want.size());
  auto sizes = Collect(cached
                           .Map([](std::pair<std::string, std::vector<int64_t>>&& g) {
                             return std::pair<size_t, int64_t>(g.second.size() % 5, 1);
                           })
                           .ReduceByKey([](int64_t a, int64_t b) { return a + b; }));
  int64_t total = 0;
  for (const auto& [k, c] : sizes) total += c;
  EXPECT_EQ(static_cast<size_t>(total), want.size());
  EXPECT_EQ(mapped.load(), Views().size()) << "the cached partitions were computed again";
}

TEST_P(DatasetTest, ReduceByKeyMatchesReference) {
  auto d = From(Views())
               .Map([](const View& v) { return std::pair<std::string, int64_t>(v.user, v.ts); })
               .ReduceByKey([](int64_t a, int64_t b) { return a + b; });
  std::map<std::string, int64_t> want;
  for (const View& v : Views()) want[v.user] += v.ts;
  auto got = Collect(d);
  using Out = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(Sorted(got), Out(want.begin(), want.end()));
  // Within a partition keys come in order.
  auto parts = d.MapPartitions([](std::vector<std::pair<std::string, int64_t>> p) {
    return std::vector<bool>{std::is_sorted(p.begin(), p.end())};
  });
  for (bool sorted : Collect(parts)) EXPECT_TRUE(sorted);
}

TEST_P(DatasetTest, CombineAndAggregateByKeyMatchReference) {
  using Pages = std::vector<std::string>;
  auto keyed = From(Views()).Map(
      [](const View& v) { return std::pair<std::string, std::string>(v.user, v.page); });
  auto combined = keyed.CombineByKey([](std::string p) { return Pages{std::move(p)}; },
                                     [](Pages c, std::string p) {
                                       c.push_back(std::move(p));
                                       return c;
                                     },
                                     [](Pages a, Pages b) {
                                       a.insert(a.end(), b.begin(), b.end());
                                       return a;
                                     });
  std::map<std::string, Pages> want;
  for (const View& v : Views()) want[v.user].push_back(v.page);
  auto got = Collect(combined);
  ASSERT_EQ(got.size(), want.size());
  for (auto& [k, pages] : got) EXPECT_EQ(Sorted(pages), Sorted(want[k])) << k;

  using Acc = std::pair<uint64_t, uint64_t>;  // count, total page length
  auto agg = keyed.AggregateByKey(
      Acc{0, 0},
      [](Acc a, const std::string& p) {
        return Acc{a.first + 1, a.second + p.size()};
      },
      [](Acc a, Acc b) {
        return Acc{a.first + b.first, a.second + b.second};
      },
      5);
  EXPECT_EQ(agg.num_partitions(), 5u);
  std::map<std::string, Acc> want_acc;
  for (const View& v : Views()) {
    want_acc[v.user].first++;
    want_acc[v.user].second += v.page.size();
  }
  using Out = std::vector<std::pair<std::string, Acc>>;
  EXPECT_EQ(Sorted(Collect(agg)), Out(want_acc.begin(), want_acc.end()));
}

TEST_P(DatasetTest, GroupByKeyKeepsInputOrderOrSortsValues) {
  auto keyed = From(Views()).KeyBy([](const View& v) { return v.user; });
  std::map<std::string, std::vector<View>> want;
  for (const View& v : Views()) want[v.user].push_back(v);

  auto got = Collect(keyed.GroupByKey());
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [k, views] : got) EXPECT_EQ(views, want[k]) << k;

  auto by_time =
      Collect(keyed.GroupByKey([](const View& a, const View& b) { return a.ts < b.ts; }, 3));
  ASSERT_EQ(by_time.size(), want.size());
  for (auto& [k, views] : by_time) {
    auto expect = want[k];
    std::sort(expect.begin(), expect.end(),
              [](const View& a, const View& b) { return a.ts < b.ts; });
    EXPECT_EQ(views, expect) << k;
  }
}

// Shuffle buffers are blocks of 4 KiB doubling to 64 KiB, with a quarter to spare: records
// smaller than the spare, larger than a whole block and in between all come back intact.
TEST_P(DatasetTest, RecordsOfEverySizeAroundTheBlockSizesCrossAShuffle) {
  std::vector<std::pair<int, std::string>> records;
  std::mt19937 rng(7);
  for (int i = 0; i < 600; ++i) {
    static constexpr size_t kSizes[] = {0,         1,     900,   1100,      4095,      4096,
                                        16 * 1024, 65535, 65536, 80 * 1024, 200 * 1024};
    const size_t size = kSizes[rng() % std::size(kSizes)];
    records.emplace_back(i % 13, std::string(size, static_cast<char>('a' + i % 26)));
  }
  std::map<int, std::vector<std::string>> want;
  for (const auto& [k, v] : records) want[k].push_back(v);
  auto got = Collect(From(records).GroupByKey());
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [k, values] : got) EXPECT_EQ(values, want[k]) << k;
}

TEST_P(DatasetTest, SortByIsAStableSort) {
  auto by_page = Collect(From(Views()).SortBy([](const View& v) { return v.page; }));
  auto want = Views();
  std::stable_sort(want.begin(), want.end(),
                   [](const View& a, const View& b) { return a.page < b.page; });
  EXPECT_EQ(by_page, want);

  auto desc = Collect(From(Views()).SortBy([](const View& v) { return v.ts; }, false, 9));
  std::sort(want.begin(), want.end(), [](const View& a, const View& b) { return a.ts > b.ts; });
  EXPECT_EQ(desc, want);
}

TEST_P(DatasetTest, JoinsMatchNestedLoops) {
  std::vector<std::pair<std::string, int>> left, right;
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    left.emplace_back(i % 2 ? "hot" : "k" + std::to_string(rng() % 400), i);
  }
  for (int i = 0; i < 600; ++i) {
    right.emplace_back(i % 50 == 0 ? "hot" : "k" + std::to_string(rng() % 500), -i);
  }
  using Inner = std::pair<std::string, std::pair<int, int>>;
  using Outer = std::pair<std::string, std::pair<int, std::optional<int>>>;
  std::vector<Inner> want_inner;
  std::vector<Outer> want_outer;
  for (const auto& [k, v] : left) {
    bool matched = false;
    for (const auto& [k2, w] : right) {
      if (k != k2) continue;
      matched = true;
      want_inner.push_back({k, {v, w}});
      want_outer.push_back({k, {v, w}});
    }
    if (!matched) want_outer.push_back({k, {v, std::nullopt}});
  }
  auto l = From(left);
  auto r = FromVector(ctx_, right, 3);
  EXPECT_EQ(Sorted(Collect(l.Join(r))), Sorted(want_inner));
  EXPECT_EQ(Sorted(Collect(l.LeftJoin(r))), Sorted(want_outer));
}

TEST_P(DatasetTest, UnionDistinctSampleCountReduce) {
  std::vector<int> a, b;
  for (int i = 0; i < 5000; ++i) a.push_back(i % 1300);
  for (int i = 0; i < 3000; ++i) b.push_back(1000 + i % 700);
  auto u = From(a).Union(FromVector(ctx_, b, 2));
  EXPECT_EQ(u.num_partitions(), GetParam().partitions + 2);
  std::vector<int> both = a;
  both.insert(both.end(), b.begin(), b.end());
  EXPECT_EQ(Collect(u), both);

  std::set<int> distinct(both.begin(), both.end());
  EXPECT_EQ(Sorted(Collect(u.Distinct())), std::vector<int>(distinct.begin(), distinct.end()));

  auto sum = u.Reduce([](int x, int y) { return x + y; });
  ASSERT_TRUE(sum.ok());
  int64_t want = 0;
  for (int x : both) want += x;
  EXPECT_EQ(**sum, want);

  auto s1 = Collect(u.Sample(0.25, 9));
  auto s2 = Collect(u.Sample(0.25, 9));
  EXPECT_EQ(s1, s2);
  EXPECT_GT(s1.size(), both.size() / 6);
  EXPECT_LT(s1.size(), both.size() / 3);
  // Still spill in a shuffle so that TearDown's expectation holds.
  ASSERT_TRUE(From(Views()).KeyBy([](const View& v) { return v.page; }).GroupByKey().Count().ok());
}

TEST_P(DatasetTest, EmptyInputs) {
  auto empty = From(std::vector<std::pair<std::string, int>>{});
  EXPECT_TRUE(Collect(empty.ReduceByKey([](int x, int y) { return x + y; })).empty());
  EXPECT_TRUE(Collect(empty.GroupByKey()).empty());
  EXPECT_TRUE(Collect(empty.SortBy([](const auto& p) { return p.second; })).empty());
  EXPECT_TRUE(Collect(empty.Join(empty)).empty());
  EXPECT_TRUE(Collect(empty.Distinct()).empty());
  auto r = empty.Reduce([](auto x, auto) { return x; });
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  auto n = empty.Count();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
  ASSERT_TRUE(From(Views()).KeyBy([](const View& v) { return v.page; }).GroupByKey().Count().ok());
}

TEST_P(DatasetTest, ChainedShuffles) {
  // Page -> number of users -> histogram of user counts, through three shuffles.
  auto d =
      From(Views())
          .Map([](const View& v) { return std::pair<std::string, std::string>(v.page, v.user); })
          .Distinct()
          .Map([](const std::pair<std::string, std::string>& p) {
            return std::pair<std::string, int64_t>(p.first, 1);
          })
          .ReduceByKey([](int64_t a, int64_t b) { return a + b; })
          .Map([](const std::pair<std::string, int64_t>& p) {
            return std::pair<int64_t, int64_t>(p.second, 1);
          })
          .ReduceByKey([](int64_t a, int64_t b) { return a + b; }, 2);
  std::map<std::string, std::set<std::string>> users;
  for (const View& v : Views()) users[v.page].insert(v.user);
  std::map<int64_t, int64_t> want;
  for (const auto& [p, u] : users) want[static_cast<int64_t>(u.size())]++;
  using Out = std::vector<std::pair<int64_t, int64_t>>;
  EXPECT_EQ(Sorted(Collect(d)), Out(want.begin(), want.end()));
}

// ---- Determinism, failure, progress ----

using Groups = std::vector<std::pair<std::string, std::vector<View>>>;

Groups SessionJob(Context& ctx) {
  auto r = FromVector(ctx, Views(), 13)
               .KeyBy([](const View& v) { return v.user; })
               .GroupByKey([](const View& a, const View& b) { return a.ts < b.ts; }, 11)
               .Filter([](const auto& g) { return g.second.size() > 2; })
               .Collect();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : Groups{};
}

TEST(DatasetDeterminismTest, SameOutputAtAnyThreadCountAndBudget) {
  TempDir dir;
  Groups first;
  for (size_t threads : {1, 2, 8}) {
    for (uint64_t budget : {kTiny, kLarge}) {
      Context ctx(Options(threads, budget, dir.path()));
      auto got = SessionJob(ctx);
      ASSERT_FALSE(got.empty());
      if (first.empty()) {
        first = got;
      } else {
        EXPECT_EQ(got, first) << threads << " threads, budget " << budget;
      }
      auto sums = FromVector(ctx, Views(), 5)
                      .Map([](const View& v) { return std::pair<std::string, int64_t>(v.page, 1); })
                      .ReduceByKey([](int64_t a, int64_t b) { return a + b; }, 4)
                      .SortBy([](const auto& p) { return p.second; }, false, 3)
                      .Collect();
      ASSERT_TRUE(sums.ok());
      static std::vector<std::pair<std::string, int64_t>> first_sums;
      if (first_sums.empty()) first_sums = *sums;
      EXPECT_EQ(*sums, first_sums);
    }
  }
}

class FailureTest : public testing::TestWithParam<uint64_t> {};

INSTANTIATE_TEST_SUITE_P(Budgets, FailureTest, testing::Values(kTiny, kLarge));

TEST_P(FailureTest, ThrowingOperatorFailsTheJobCleanly) {
  TempDir dir;
  Context ctx(Options(4, GetParam(), dir.Sub("spill")));
  auto keyed = FromVector(ctx, Views(), 8).KeyBy([](const View& v) { return v.user; });
  // Fails in the reduce stage, after the map stage spilled.
  auto bad = keyed.GroupByKey(6).Map([](const auto& g) {
    if (g.first == "user-77") throw std::runtime_error("bad user");
    return g.second.size();
  });
  auto r = bad.Collect();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_NE(r.status().message().find("bad user"), std::string::npos) << r.status().ToString();
  if (std::filesystem::exists(dir.Sub("spill"))) {
    EXPECT_TRUE(std::filesystem::is_empty(dir.Sub("spill")));
  }
  // The context runs the next job normally.
  auto n = keyed.GroupByKey().Count();
  ASSERT_TRUE(n.ok());
  std::set<std::string> users;
  for (const View& v : Views()) users.insert(v.user);
  EXPECT_EQ(*n, users.size());
}

TEST_P(FailureTest, SourceErrorStatusComesBack) {
  TempDir dir;
  Context ctx(Options(3, GetParam(), dir.Sub("spill")));
  auto src = FromPartitions<std::pair<int, std::string>>(
      ctx, 10, [](size_t p, Emitter<std::pair<int, std::string>> out) -> Status {
        for (int i = 0; i < 5000; ++i) out({i % 100, std::string(30, 'a' + p)});
        if (p == 7) return Corruption("partition 7 is damaged");
        return Status::Ok();
      });
  auto r =
      src.ReduceByKey([](std::string a, const std::string& b) { return a < b ? a : b; }).Count();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  if (std::filesystem::exists(dir.Sub("spill"))) {
    EXPECT_TRUE(std::filesystem::is_empty(dir.Sub("spill")));
  }
  // A failing action of ForEachPartition's own function.
  Status s =
      src.Map([](auto p) { return p.first; }).ForEachPartition([](size_t p, std::vector<int>) {
        return p == 2 ? InvalidArgument("no") : Status::Ok();
      });
  EXPECT_FALSE(s.ok());
}

TEST(ProgressTest, ReportsEveryStage) {
  std::mutex mu;
  std::vector<StageProgress> events;
  EngineOptions options;
  options.threads = 2;
  options.progress = [&](const StageProgress& p) {
    std::lock_guard lock(mu);
    events.push_back(p);
  };
  Context ctx(options);
  auto n =
      FromVector(ctx, Views(), 4).KeyBy([](const View& v) { return v.user; }).GroupByKey(3).Count();
  ASSERT_TRUE(n.ok());
  std::vector<StageProgress> done;
  for (const auto& e : events) {
    EXPECT_EQ(e.stages, 2u);
    if (e.done) done.push_back(e);
  }
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].stage, 0u);
  EXPECT_EQ(done[0].partitions, 4u);
  EXPECT_EQ(done[0].partitions_done, 4u);
  EXPECT_EQ(done[0].rows, Views().size());
  EXPECT_GT(done[0].bytes, 0u);
  EXPECT_EQ(done[1].partitions_done, 3u);
  EXPECT_EQ(done[1].rows, *n);
  EXPECT_GT(ctx.stats().shuffle_bytes, 0u);
}

}  // namespace
}  // namespace footfall::engine
