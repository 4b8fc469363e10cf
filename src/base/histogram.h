// Histogram: counts of durations (or any non-negative integer quantity in microseconds) in fixed
// buckets, recorded from any thread and exported in the Prometheus text format.
//
// Buckets are fixed at construction, so Record() is a few relaxed atomic increments: no lock,
// no allocation, cheap enough for a per-request hot path. A snapshot is a plain copy; the
// counters of one snapshot are read one by one while others may record, so a snapshot taken
// under load may lag by the records in flight, but its `count` always equals the sum of its
// bucket counts (Prometheus requires `_count` to equal the `+Inf` bucket).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace footfall {

struct HistogramSnapshot {
  std::vector<Micros> bounds;    // inclusive upper bounds, increasing
  std::vector<uint64_t> counts;  // per bucket, not cumulative; bounds.size() + 1 entries, the
                                 // last one for values above every bound (+Inf)
  uint64_t count = 0;            // sum of `counts`
  Micros sum = 0;                // sum of the recorded values

  // The upper bound of the bucket holding the q-quantile (0 <= q <= 1), the last finite bound
  // when it falls in the +Inf bucket, 0 when nothing was recorded. Coarse by design: it is
  // for tests and status lines; Prometheus computes its own quantiles from the buckets.
  Micros Quantile(double q) const;

  // Appends `# HELP`, `# TYPE name histogram`, cumulative `name_bucket{le="…"}` lines, `name_sum`
  // and `name_count`, with bounds and sum in seconds as Prometheus expects.
  void AppendPrometheus(std::string* out, std::string_view name, std::string_view help) const;
};

class Histogram {
 public:
  // `bounds`: inclusive upper bounds in microseconds, strictly increasing (checked by assert).
  explicit Histogram(std::vector<Micros> bounds = LatencyBounds());
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Counts one value; negative values (a clock stepping back) count as 0. Thread-safe.
  void Record(Micros value);

  HistogramSnapshot Snapshot() const;

  void AppendPrometheus(std::string* out, std::string_view name, std::string_view help) const {
    Snapshot().AppendPrometheus(out, name, help);
  }

  // 50 µs … 10 s in 1-2.5-5 steps: what a local fsync, a write or a request takes.
  static std::vector<Micros> LatencyBounds();

 private:
  // Constant after construction.
  const std::vector<Micros> bounds_;
  // bounds_.size() + 1 counters, updated with relaxed atomics.
  const std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<int64_t> sum_{0};
};

// Formats microseconds as decimal seconds without rounding: 2500 → "0.0025", 3000000 → "3".
std::string FormatSecondsExact(Micros us);

}  // namespace footfall
