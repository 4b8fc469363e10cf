// The engine SPMD across ranks, without MPI: ranks are threads of this process, each with its
// own Context, and their collectives meet in an in-process hub. Every job must give, on every
// rank, exactly what one process gives: the same records in the same order, at any number of
// ranks and with budgets that force shuffles, exchanges and sorts to spill.
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "base/temp_dir.h"
#include "engine/dataset.h"
#include "engine/io.h"

namespace footfall::engine {
namespace {

// Where the ranks' collectives meet: every rank deposits one buffer per destination, and when
// all have, each takes what it needs. A generation counter keeps consecutive calls apart.
class Hub {
 public:
  explicit Hub(size_t ranks) : ranks_(ranks), in_(ranks) {}

  std::vector<std::vector<std::string>> Exchange(size_t rank, std::vector<std::string> mine) {
    std::unique_lock lock(mu_);
    const uint64_t generation = generation_;
    in_[rank] = std::move(mine);
    if (++arrived_ == ranks_) {
      out_ = std::move(in_);
      in_.assign(ranks_, {});
      arrived_ = 0;
      ++generation_;
      cv_.notify_all();
    } else {
      cv_.wait(lock, [&] { return generation_ != generation; });
    }
    // No rank can complete the next generation before this one has copied: it needs us.
    return out_;
  }

 private:
  const size_t ranks_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t generation_ = 0;  // guarded by mu_
  size_t arrived_ = 0;
  std::vector<std::vector<std::string>> in_;
  std::vector<std::vector<std::string>> out_;
};

class RankExecutor final : public Executor {
 public:
  RankExecutor(Hub* hub, size_t rank, size_t ranks, size_t threads)
      : hub_(hub), rank_(rank), ranks_(ranks), threads_(threads) {}
  size_t threads() const override { return threads_; }
  size_t rank() const override { return rank_; }
  size_t num_ranks() const override { return ranks_; }
  Status Run(size_t n, const std::function<Status(size_t)>& task) override {
    return RunOnThreads(
        threads_, n, [this](size_t i) { return Owns(i); }, task);
  }
  Result<std::vector<std::string>> AllGather(std::string mine) override {
    auto all = hub_->Exchange(rank_, {std::move(mine)});
    std::vector<std::string> out;
    for (auto& v : all) out.push_back(std::move(v[0]));
    return out;
  }
  Result<std::vector<std::string>> AllToAll(std::vector<std::string> send) override {
    ++counters_.rounds;
    auto all = hub_->Exchange(rank_, std::move(send));
    std::vector<std::string> out;
    for (size_t s = 0; s < all.size(); ++s) {
      if (s != rank_) counters_.bytes_received += all[s][rank_].size();
      out.push_back(std::move(all[s][rank_]));
    }
    return out;
  }

 private:
  Hub* hub_;
  const size_t rank_, ranks_, threads_;
};

struct View {
  std::string user;
  int64_t ts = 0;
  std::string page;
  bool operator==(const View&) const = default;
  auto operator<=>(const View&) const = default;
};

const std::vector<View>& Views() {
  static const auto* views = [] {
    auto* out = new std::vector<View>;
    std::mt19937_64 rng(7);
    for (int64_t i = 0; i < 6000; ++i) {
      View v;
      v.user = (rng() % 4 == 0) ? "hot" : "user-" + std::to_string(rng() % 700);
      v.ts = static_cast<int64_t>(rng() % 1000000);
      v.page = "/p/" + std::to_string(rng() % 40) + std::string(rng() % 3 == 0 ? 30 : 0, 'x');
      out->push_back(std::move(v));
    }
    return out;
  }();
  return *views;
}

// Runs job(ctx) on `ranks` ranks (threads) and returns each rank's result and stats.
template <typename R>
std::vector<R> OnRanks(size_t ranks, uint64_t budget, const std::string& spill,
                       const std::function<R(Context&)>& job,
                       std::vector<EngineStats>* stats = nullptr) {
  Hub hub(ranks);
  std::vector<R> results(ranks);
  if (stats != nullptr) stats->assign(ranks, {});
  std::vector<std::thread> threads;
  for (size_t r = 0; r < ranks; ++r) {
    threads.emplace_back([&, r] {
      EngineOptions o;
      o.memory_budget_bytes = budget;
      o.spill_dir = spill;
      o.executor = std::make_shared<RankExecutor>(&hub, r, ranks, 2);
      Context ctx(o);
      results[r] = job(ctx);
      if (stats != nullptr) (*stats)[r] = ctx.stats();
    });
  }
  for (auto& t : threads) t.join();
  return results;
}

template <typename T>
std::vector<T> Must(Result<std::vector<T>> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : std::vector<T>{};
}

constexpr uint64_t kTiny = 64 * 1024;
constexpr uint64_t kLarge = uint64_t{1} << 30;

struct Sessions {
  std::vector<std::pair<std::string, std::vector<int64_t>>> operator()(Context& ctx) const {
    return Must(
        FromVector(ctx, Views(), 9)
            .Map([](const View& v) { return std::pair<std::string, int64_t>(v.user, v.ts); })
            .GroupByKey([](int64_t a, int64_t b) { return a < b; }, 7)
            .Collect());
  }
};

class SpmdTest : public testing::TestWithParam<std::pair<size_t, uint64_t>> {
 protected:
  size_t ranks() const { return GetParam().first; }
  EngineOptions OneProcess() const {
    EngineOptions o;
    o.threads = 2;
    o.memory_budget_bytes = budget();
    o.spill_dir = dir_.Sub("one");
    return o;
  }
  uint64_t budget() const { return GetParam().second; }
  TempDir dir_;
};

INSTANTIATE_TEST_SUITE_P(RanksAndBudgets, SpmdTest,
                         testing::Values(std::pair<size_t, uint64_t>{2, kLarge},
                                         std::pair<size_t, uint64_t>{3, kTiny},
                                         std::pair<size_t, uint64_t>{4, kTiny},
                                         std::pair<size_t, uint64_t>{5, kLarge}),
                         [](const auto& info) {
                           return "r" + std::to_string(info.param.first) +
                                  (info.param.second == kTiny ? "_tiny" : "_large");
                         });

TEST_P(SpmdTest, GroupByKeyWithSecondarySortIsTheSameOnEveryRank) {
  using Out = std::vector<std::pair<std::string, std::vector<int64_t>>>;
  Context one(OneProcess());
  const Out want = Sessions()(one);
  ASSERT_FALSE(want.empty());
  std::vector<EngineStats> stats;
  auto got = OnRanks<Out>(ranks(), budget(), dir_.Sub("spill"), Sessions(), &stats);
  for (size_t r = 0; r < ranks(); ++r) {
    EXPECT_EQ(got[r], want) << "rank " << r;
    EXPECT_GT(stats[r].exchange_rounds, 0u);
    EXPECT_GT(stats[r].bytes_received, 0u);
    if (budget() == kTiny) {
      EXPECT_GT(stats[r].spill_files, 0u) << "rank " << r;
    }
  }
  if (std::filesystem::exists(dir_.Sub("spill"))) {
    EXPECT_TRUE(std::filesystem::is_empty(dir_.Sub("spill")));
  }
}

TEST_P(SpmdTest, CombiningSortingAndJoiningMatchOneProcess) {
  using Out = std::tuple<std::vector<std::pair<std::string, int64_t>>, std::vector<View>,
                         std::vector<std::pair<std::string, std::pair<int64_t, int64_t>>>, uint64_t,
                         std::optional<int64_t>>;
  auto job = [](Context& ctx) -> Out {
    auto views = FromVector(ctx, Views(), 11);
    auto totals =
        views.Map([](const View& v) { return std::pair<std::string, int64_t>(v.user, 1); })
            .ReduceByKey([](int64_t a, int64_t b) { return a + b; }, 6);
    auto sorted = views.SortBy([](const View& v) { return v.ts; }, false, 5);
    auto firsts =
        views.Map([](const View& v) { return std::pair<std::string, int64_t>(v.user, v.ts); })
            .ReduceByKey([](int64_t a, int64_t b) { return std::min(a, b); });
    auto joined = totals.Join(firsts, 4);
    auto count = views.Filter([](const View& v) { return v.ts % 2 == 0; }).Count();
    auto sum = views.Map([](const View& v) { return v.ts; }).Reduce([](int64_t a, int64_t b) {
      return a + b;
    });
    EXPECT_TRUE(count.ok());
    EXPECT_TRUE(sum.ok());
    return {Must(totals.Collect()), Must(sorted.Collect()), Must(joined.Collect()),
            count.ok() ? *count : 0, sum.ok() ? *sum : std::nullopt};
  };
  Context one(OneProcess());
  const Out want = job(one);
  ASSERT_EQ(std::get<1>(want).size(), Views().size());
  auto got = OnRanks<Out>(ranks(), budget(), dir_.Sub("spill"), job);
  for (size_t r = 0; r < ranks(); ++r) EXPECT_EQ(got[r], want) << "rank " << r;
}

TEST_P(SpmdTest, ACachedDatasetFeedsLaterJobsOnEveryRank) {
  using Out = std::tuple<std::vector<std::pair<std::string, int64_t>>, uint64_t,
                         std::vector<std::pair<std::string, std::vector<int64_t>>>>;
  auto job = [](Context& ctx) -> Out {
    auto cached =
        FromVector(ctx, Views(), 9)
            .Map([](const View& v) { return std::pair<std::string, int64_t>(v.user, v.ts); })
            .GroupByKey([](int64_t a, int64_t b) { return a < b; }, 7)
            .Cache();
    auto firsts = cached.Map([](std::pair<std::string, std::vector<int64_t>>&& g) {
      return std::pair<std::string, int64_t>(g.first, g.second.front());
    });
    auto count = cached.Count();
    EXPECT_TRUE(count.ok());
    return {Must(firsts.Collect()), count.ok() ? *count : 0, Must(cached.Collect())};
  };
  Context one(OneProcess());
  const Out want = job(one);
  ASSERT_FALSE(std::get<0>(want).empty());
  auto got = OnRanks<Out>(ranks(), budget(), dir_.Sub("spill"), job);
  for (size_t r = 0; r < ranks(); ++r) EXPECT_EQ(got[r], want) << "rank " << r;

  // The same records on rank 0 alone.
  auto on_leader = [](Context& ctx) {
    return Must(
        FromVector(ctx, Views(), 9)
            .Map([](const View& v) { return std::pair<std::string, int64_t>(v.user, v.ts); })
            .GroupByKey([](int64_t a, int64_t b) { return a < b; }, 7)
            .CollectOnLeader());
  };
  auto leader = OnRanks<std::vector<std::pair<std::string, std::vector<int64_t>>>>(
      ranks(), budget(), dir_.Sub("spill"), on_leader);
  EXPECT_EQ(leader[0], std::get<2>(want));
  for (size_t r = 1; r < ranks(); ++r) EXPECT_TRUE(leader[r].empty()) << "rank " << r;
}

TEST_P(SpmdTest, AUnionOfShuffledDatasetsIsTheSameOnEveryRank) {
  // 7 and 5 partitions: the second dataset's partitions start at no multiple of most rank
  // counts, and each lives on the rank that owns its shuffle partition.
  auto job = [](Context& ctx) {
    auto views = FromVector(ctx, Views(), 9);
    auto by_user =
        views.Map([](const View& v) { return std::pair<std::string, int64_t>(v.user, 1); })
            .ReduceByKey([](int64_t a, int64_t b) { return a + b; }, 7);
    auto by_page =
        views.Map([](const View& v) { return std::pair<std::string, int64_t>(v.page, 1); })
            .ReduceByKey([](int64_t a, int64_t b) { return a + b; }, 5);
    return Must(by_user.Union(by_page)
                    .ReduceByKey([](int64_t a, int64_t b) { return a + b; }, 3)
                    .Collect());
  };
  Context one(OneProcess());
  const auto want = job(one);
  int64_t total = 0;
  for (const auto& [k, n] : want) total += n;
  ASSERT_EQ(static_cast<size_t>(total), 2 * Views().size());
  auto got = OnRanks<std::vector<std::pair<std::string, int64_t>>>(ranks(), budget(),
                                                                   dir_.Sub("spill"), job);
  for (size_t r = 0; r < ranks(); ++r) EXPECT_EQ(got[r], want) << "rank " << r;
}

TEST_P(SpmdTest, EachRankWritesTheParquetFilesOfItsPartitions) {
  parquet::Schema schema{{parquet::ColumnSpec::Int64("ts")}};
  auto job = [&](Context& ctx) {
    return Must(WriteParquet<int64_t>(
        FromVector(ctx, Views(), 7).Map([](const View& v) { return v.ts; }), dir_.Sub("out"),
        schema,
        [](const int64_t& v, std::span<parquet::ColumnVector> row) { row[0].AppendInt64(v); }));
  };
  auto got = OnRanks<std::vector<std::string>>(ranks(), budget(), dir_.Sub("spill"), job);
  for (size_t r = 0; r < ranks(); ++r) {
    ASSERT_EQ(got[r].size(), 7u);
    EXPECT_EQ(got[r], got[0]);
  }
  for (const std::string& p : got[0]) EXPECT_TRUE(std::filesystem::exists(p)) << p;
}

TEST(SpmdFailureTest, AFailureOnOneRankFailsEveryRankWithTheSameStatus) {
  TempDir dir;
  auto job = [](Context& ctx) -> Status {
    // Partition 5 (rank 5 % 3 = 2) fails in the map stage of a shuffle.
    auto d = FromPartitions<std::pair<int, int>>(
        ctx, 8, [](size_t p, Emitter<std::pair<int, int>> emit) -> Status {
          if (p == 5) return Corruption("partition five is damaged");
          for (int i = 0; i < 100; ++i) emit(std::pair<int, int>(i % 7, i));
          return Status::Ok();
        });
    return d.GroupByKey().Count().status();
  };
  auto got = OnRanks<Status>(3, kLarge, dir.Sub("spill"), job);
  for (size_t r = 0; r < 3; ++r) {
    EXPECT_EQ(got[r].code(), StatusCode::kCorruption) << r;
    EXPECT_EQ(got[r].message(), got[0].message()) << r;
  }
  EXPECT_NE(got[0].message().find("rank 2"), std::string::npos) << got[0].message();
}

}  // namespace
}  // namespace footfall::engine
