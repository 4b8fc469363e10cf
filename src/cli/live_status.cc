#include "cli/live_status.h"

#include <cmath>
#include <limits>

#include "serving/live_source.h"
#include "speed/speed_layer.h"

namespace footfall::cli {

Result<std::unique_ptr<speed::SpeedLayer>> OpenSpeedLayer(const pipeline::Config& config,
                                                          const rawlog::LogWriter* writer) {
  if (!config.speed_enabled) return std::unique_ptr<speed::SpeedLayer>();
  speed::SpeedOptions options;
  options.data_dir = config.data_dir;
  options.sample_rate = config.speed_sample_rate;
  options.enrich = config.enrich;
  options.schemas_dir = config.schemas_dir;
  options.web = pipeline::WebModelOptionsFrom(config);
  options.flows = config.flows;
  options.writer = writer;
  return speed::SpeedLayer::Open(std::move(options));
}

void AddLiveSection(const speed::SpeedLayer& live, pipeline::DataStatus* status) {
  const serving::LiveSnapshot snap =
      live.Snapshot(status->watermark_segment, std::numeric_limits<Micros>::min(),
                    std::numeric_limits<Micros>::max());
  views::BucketMetrics total;
  for (const auto& [minute, metrics] : snap.minutes) total.Combine(metrics);
  const speed::SpeedStats stats = live.stats();
  const auto scaled = [&](int64_t n) {
    return static_cast<int64_t>(std::llround(serving::ScaledCount(n, snap.sample_rate)));
  };
  pipeline::DataStatus::Live l;
  l.sample_rate = snap.sample_rate;
  l.since_segment = snap.since_segment;
  l.position = stats.position;
  l.events = scaled(total.events);
  l.page_views = scaled(total.page_views);
  l.sessions = scaled(total.sessions_started);
  l.users = static_cast<int64_t>(std::llround(total.users.Estimate() / snap.sample_rate));
  l.lag_ms = snap.lag_ms;
  l.bad_rows = stats.bad_rows;
  status->live = l;
}

}  // namespace footfall::cli
