// LiveSource: the serving layer's view of the speed layer — metrics of the raw records past a
// batch watermark, bucketed by minute, to be merged with a batch version's tables.
#pragma once

#include <cstdint>
#include <map>

#include "base/time.h"
#include "views/bucket_metrics.h"

namespace footfall::serving {

struct LiveSnapshot {
  double sample_rate = 1.0;   // counts in `minutes` are of sampled events; scale by 1/rate
  int64_t since_segment = 0;  // first raw segment counted (= watermark + 1)
  Micros newest_event = 0;    // collector time of the newest record folded
  int64_t lag_ms = 0;         // now - that time
  // minute start -> metrics of raw positions past the watermark
  std::map<Micros, views::BucketMetrics> minutes;
  // Sampling keeps or drops a user's events together, so counts vary more than if events were
  // sampled one by one: by this factor in variance (sum over sampled users of their count
  // squared, over the sum of their counts; 1 when every user has one event). Measured over all
  // the speed layer holds. Use ClusteredRelativeError.
  double events_design_effect = 1.0;
  double page_views_design_effect = 1.0;
};

// What the speed layer knows past a batch watermark. Implemented by src/speed/; the Api holds a
// `const LiveSource*` (null when the process runs no speed layer). Thread-safe.
class LiveSource {
 public:
  virtual ~LiveSource() = default;
  // Metrics of raw records in segments > watermark_segment whose event time is in [from, to).
  virtual LiveSnapshot Snapshot(int64_t watermark_segment, Micros from, Micros to) const = 0;
};

// An unbiased estimate of a count from a sample, and its relative standard error.
double ScaledCount(int64_t sampled, double rate);
double CountRelativeError(int64_t sampled, double rate);  // sqrt((1-rate)/sampled), 0 at rate 1
// The relative standard error of ScaledCount(sampled, rate) when whole users are sampled:
// CountRelativeError(sampled, rate) * sqrt(design_effect). What answers should state.
double ClusteredRelativeError(int64_t sampled, double rate, double design_effect);

}  // namespace footfall::serving
