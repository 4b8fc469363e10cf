// The synthetic traffic (traffic.h) as framed raw-log records, rendered on several threads and
// handed on in order: what `footfall gen --raw` writes, and what its benchmark measures.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "base/status.h"
#include "pipeline/traffic_plan.h"

namespace footfall::pipeline {

// A block of rendered traffic: records framed as in a segment (rawlog/segment.h), the offset
// where each frame ends, and the events they carry.
struct FramedTraffic {
  std::string_view frames;
  std::span<const size_t> ends;
  uint64_t events = 0;
};
using FramedTrafficSink = std::function<Status(const FramedTraffic&)>;

// Plans the traffic on one thread, renders blocks of about 4,096 events on `threads` threads
// (0: one per core), and hands the blocks to `sink` in order on the calling thread: the same
// bytes for any number of threads. Stops at the sink's first error and returns it.
Status RenderFramedTraffic(const TrafficOptions& options, int threads,
                           const FramedTrafficSink& sink);

}  // namespace footfall::pipeline
