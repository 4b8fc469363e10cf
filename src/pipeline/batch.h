// `footfall batch`: rebuilds every view from the whole raw log and publishes a new serving
// version. Everything is recomputed from scratch (no incremental state), so a rebuild after a
// change of code or config gives exactly what a first run would.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "base/time.h"
#include "views/sessions.h"

namespace footfall::pipeline {

struct BatchOptions {
  std::string data_dir = "footfall-data";
  views::SessionOptions sessions;
  size_t events_table_cap = 1'000'000;  // most recent enriched events loaded into `events`
  int keep_versions = 3;                // serving versions kept on disk, the current included
};

struct BatchReport {
  int64_t version = 0;
  uint64_t watermark_segment = 0;  // last sealed raw segment included (0: none)
  uint64_t segments = 0;
  uint64_t raw_records = 0;
  uint64_t events = 0;  // after deduplication
  uint64_t duplicates = 0;
  uint64_t bad_rows = 0;
  uint64_t sessions = 0;
  Micros duration = 0;
};

// Reads every sealed segment under `data_dir/raw`, enriches, builds the views and publishes
// them as the next version under `data_dir/serving`. Only one batch runs per data directory at
// a time (kFailedPrecondition otherwise). On any error nothing is published.
Result<BatchReport> RunBatch(const BatchOptions& options);

}  // namespace footfall::pipeline
