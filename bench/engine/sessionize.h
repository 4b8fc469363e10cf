// The sessionization job of the engine benchmarks (engine_bench on threads, mpi_bench on ranks):
// page views (user_id, tstamp) read from a Parquet file, grouped by user in time order, split on
// 30-minute gaps, and folded into checksums that every run must agree on.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/dataset.h"
#include "engine/io.h"

namespace footfall::bench {

inline constexpr int64_t kSessionGapMicros = 30LL * 60 * 1000 * 1000;

// Checksums of a job's groups.
struct Totals {
  uint64_t groups = 0;
  uint64_t sum_sq = 0;  // of rows per group
  uint64_t extra = 0;   // sessions: sum of durations; aggregate: sum of (seconds sum mod 1000003)
};

inline Totals operator+(const Totals& a, const Totals& b) {
  return Totals{a.groups + b.groups, a.sum_sq + b.sum_sq, a.extra + b.extra};
}

// Sessions of the page views in `path`: their number, the sum of squared views per session and
// the sum of their durations.
inline Result<Totals> SessionizeTotals(engine::Context& ctx, const std::string& path) {
  using Event = std::pair<std::string, int64_t>;
  FOOTFALL_ASSIGN_OR_RETURN(
      auto events, engine::ReadParquet<Event>(ctx, {path}, {"user_id", "tstamp"},
                                              [](std::span<const parquet::ColumnVector> c,
                                                 engine::Emitter<Event> out) -> Status {
                                                const auto ts = c[1].int64s();
                                                for (size_t i = 0; i < c[0].size(); ++i) {
                                                  out(Event(std::string(c[0].GetBytes(i)), ts[i]));
                                                }
                                                return Status::Ok();
                                              }));
  struct Session {
    int64_t start = 0;
    int64_t end = 0;
    uint64_t views = 0;
  };
  FOOTFALL_ASSIGN_OR_RETURN(
      auto folded,
      events.GroupByKey([](int64_t a, int64_t b) { return a < b; })
          .FlatMap([](std::pair<std::string, std::vector<int64_t>>&& user) {
            std::vector<Session> out;
            const auto& ts = user.second;
            Session cur{ts[0], ts[0], 0};
            for (int64_t t : ts) {
              if (t - cur.end > kSessionGapMicros) {
                out.push_back(cur);
                cur = {t, t, 0};
              }
              cur.end = t;
              cur.views++;
            }
            out.push_back(cur);
            return out;
          })
          .Map([](const Session& s) {
            return Totals{1, s.views * s.views, static_cast<uint64_t>(s.end - s.start)};
          })
          .Reduce([](Totals a, const Totals& b) { return a + b; }));
  return folded.value_or(Totals{});
}

}  // namespace footfall::bench
