// `footfall enrich`: enriches every sealed raw segment not yet enriched under the current
// enrichment config, on all cores, into the enriched dataset (data/enriched/, Parquet,
// `date=YYYY-MM-DD/<segment>-<config hash>.parquet`) and the bad rows
// (data/bad/date=YYYY-MM-DD/<segment>-<config hash>.jsonl).
//
// Each segment is published on its own, atomically: its bad-row files are written and synced,
// then its Parquet files are committed as the dataset's next version listing the segment as
// their input. So a crash loses at most the segments in progress, and a rerun does exactly the
// segments no committed version lists: re-running is a no-op.
//
// The enrichment config (with the schemas, the uap-core regexes and the geo database it uses)
// has a hash, kept in the dataset's manifest. When it changes, plain runs refuse, and
// `reprocess` rebuilds everything from the raw log into a fresh dataset beside the current one,
// which replaces it only once complete (the old bad-row files are removed after the swap).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/status.h"
#include "base/time.h"
#include "enrich/config.h"

namespace footfall::pipeline {

struct EnrichJobOptions {
  std::string data_dir = "footfall-data";
  enrich::EnrichConfig config;
  std::string schemas_dir;  // an Iglu-layout directory; empty: the built-in schemas only
  int threads = 0;          // 0: one per core
  bool reprocess = false;
  bool progress = true;  // draw a progress bar (a terminal) or log progress (otherwise)
};

struct EnrichJobReport {
  std::string config_hash;
  uint64_t segments_total = 0;     // sealed segments in the raw log
  uint64_t segments_enriched = 0;  // by this run
  uint64_t raw_records = 0;        // of the segments enriched by this run
  uint64_t events = 0;
  uint64_t bad_rows = 0;
  std::map<std::string, uint64_t> bad_rows_by_type;
  int64_t dataset_version = 0;  // of data/enriched after the run
  Micros duration = 0;
};

// The hash naming an enrichment setup: the config, the schemas under `schemas_dir`, the
// uap-core regexes, the geo database and the enrichment code's own version.
Result<std::string> EnrichConfigHash(const enrich::EnrichConfig& config,
                                     const std::string& schemas_dir);

// Errors: kFailedPrecondition when another enrichment runs on the data directory, or when the
// config changed without `reprocess`; the errors of reading the raw log and writing the output.
// Damaged records in a sealed segment become collector_payload_format_violation bad rows.
Result<EnrichJobReport> RunEnrich(const EnrichJobOptions& options);

}  // namespace footfall::pipeline
