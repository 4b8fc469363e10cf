// The speed layer as the commands use it: opened from the config, and reported in the `live`
// section of a DataStatus (GET /api/v1/status under `serve`/`run`, and `footfall status`).
#pragma once

#include <memory>

#include "base/status.h"
#include "pipeline/config.h"
#include "pipeline/status.h"

namespace footfall::rawlog {
class LogWriter;
}  // namespace footfall::rawlog

namespace footfall::speed {
class SpeedLayer;
}  // namespace footfall::speed

namespace footfall::cli {

// A speed layer with the config's enrichment, web model, flows and sample rate, not yet started;
// `writer` is the collector's in this process, or null. Null when `speed.enabled` is off.
Result<std::unique_ptr<speed::SpeedLayer>> OpenSpeedLayer(const pipeline::Config& config,
                                                          const rawlog::LogWriter* writer);

// Fills `status->live` with the layer's numbers past `status->watermark_segment`, over all
// time, scaled when sampling.
void AddLiveSection(const speed::SpeedLayer& live, pipeline::DataStatus* status);

}  // namespace footfall::cli
