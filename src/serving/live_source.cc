#include "serving/live_source.h"

#include <algorithm>
#include <cmath>

namespace footfall::serving {

double ScaledCount(int64_t sampled, double rate) {
  if (rate <= 0.0 || rate >= 1.0) return static_cast<double>(sampled);
  return static_cast<double>(sampled) / rate;
}

double CountRelativeError(int64_t sampled, double rate) {
  if (rate >= 1.0) return 0.0;
  // Nothing sampled: the estimate 0 may be off by any share; say so rather than claim 0 %.
  if (sampled <= 0) return 1.0;
  return std::sqrt((1.0 - rate) / static_cast<double>(sampled));
}

double ClusteredRelativeError(int64_t sampled, double rate, double design_effect) {
  return CountRelativeError(sampled, rate) * std::sqrt(std::max(1.0, design_effect));
}

}  // namespace footfall::serving
