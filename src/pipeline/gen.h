// `footfall gen`: synthetic traffic (traffic.h) sent over HTTP to a collector, or written
// straight into sealed raw-log segments.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "pipeline/traffic.h"

namespace footfall::pipeline {

// Called now and then with the number of events done so far.
using Progress = std::function<void(uint64_t done)>;

struct RawTrafficReport {
  uint64_t segments = 0;
  uint64_t records = 0;  // requests: a batched POST carries several events
  uint64_t events = 0;
  uint64_t bytes = 0;  // framed records written
};

// Writes the traffic into new sealed segments of `raw_dir` (taking the raw log's writer lock,
// so no collector may be writing there). Segments are synced when sealed, not per record.
// Sessions are rendered on `threads` threads (0: one per core); the bytes written are the same
// for any number.
Result<RawTrafficReport> WriteTrafficToRawLog(const TrafficOptions& options,
                                              const std::string& raw_dir,
                                              uint64_t segment_max_bytes, const Progress& progress,
                                              int threads = 0);

struct SendOptions {
  double events_per_second = 0;             // 0: as fast as the collector answers
  const std::atomic<bool>* stop = nullptr;  // when set and true, stop early (not an error)
};

// Sends the traffic as the trackers would (GET /i, tp2 GET and POST) to `target`
// ("http://host:port"), over one keep-alive connection, stopping at the first request that is not
// answered 2xx.
Status SendTrafficOverHttp(const TrafficOptions& options, const std::string& target,
                           const Progress& progress, const SendOptions& send = {});

}  // namespace footfall::pipeline
