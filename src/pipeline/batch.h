// `footfall batch`: enriches what is pending (enrich_job.h), then rebuilds every view from the
// whole enriched dataset and publishes them as the next version — the serving store
// (serving/v<N>.sqlite, and PostgreSQL when configured) and a Parquet dataset per view
// (views/<table>/). Everything is recomputed from scratch (no incremental state), so a rebuild
// after a change of code or config gives exactly what a first run would.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "engine/executor.h"
#include "pipeline/config.h"
#include "pipeline/enrich_job.h"
#include "pipeline/step_duration.h"
#include "views/flow_spec.h"
#include "views/web_model.h"

namespace footfall::pipeline {

struct BatchOptions {
  std::string data_dir = "footfall-data";
  EnrichJobOptions enrich;  // its data_dir is data_dir
  views::WebModelOptions web;
  std::vector<views::FlowSpec> flows;
  size_t threads = 0;                                // the engine's; 0: one per core
  uint64_t memory_budget_bytes = uint64_t{2} << 30;  // the engine's, over which it spills
  size_t events_table_cap = 1'000'000;  // most recent enriched events loaded into `events`
  int keep_versions = 3;                // serving versions kept on disk, the current included
  std::string postgres;                 // libpq conninfo; empty: SQLite only
  std::string postgres_reader_role = "footfall_reader";
  bool progress = false;  // draw progress (footfall batch on a terminal)
  // The engine's executor; null: threads of this process. An SPMD executor (MPI) runs the
  // batch on every rank: see RunBatch.
  std::shared_ptr<engine::Executor> executor;
};

BatchOptions BatchOptionsFrom(const Config& config);

struct BatchReport {
  int64_t version = 0;
  uint64_t watermark_segment = 0;  // last sealed raw segment included (0: none)
  uint64_t segments = 0;           // sealed segments in the enriched dataset
  uint64_t segments_enriched = 0;  // by this run
  uint64_t raw_records = 0;        // enriched by this run
  uint64_t events = 0;             // after deduplication
  uint64_t duplicates = 0;
  uint64_t bad_rows = 0;  // in data/bad, for the current enrichment config
  uint64_t sessions = 0;
  uint64_t page_views = 0;
  uint64_t flow_cases = 0;
  std::string enrich_config_hash;
  bool postgres_published = false;
  Micros duration = 0;
  std::vector<StepDuration> durations;  // enrich, each view step, writing and loading (rank 0)
};

// Only one batch runs per data directory at a time (kFailedPrecondition otherwise). On any
// error nothing is published and the current version keeps serving. A failure to publish into
// PostgreSQL is logged, not returned: the SQLite version is published by then.
//
// Under an executor of several ranks every rank calls RunBatch with the same options and a data
// directory on shared storage: rank 0 takes the lock and enriches; all ranks compute the views
// together; after every rank has finished, rank 0 alone writes the Parquet views and publishes
// the version. Each step ends with the ranks agreeing on its outcome, so every rank returns the
// same error (and nothing is published) when any of them failed; the report's counts are
// filled on rank 0 only.
Result<BatchReport> RunBatch(const BatchOptions& options);

}  // namespace footfall::pipeline
