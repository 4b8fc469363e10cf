// The batch views computed on the dataflow engine from the enriched dataset: read the Parquet
// lake (one partition per row group), deduplicate by event_id (earliest collector_tstamp), then
// group events by session and flow cases by case with a secondary sort by time, and analyse
// each group in parallel (views/web_model.h, views/flow.h). The per-group results are folded
// into the view tables in a fixed order, so that the rows never depend on the number of
// threads or ranks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/context.h"
#include "event/event.h"
#include "parquet/dataset.h"
#include "pipeline/step_duration.h"
#include "pipeline/view_tables.h"
#include "views/bucket_metrics.h"
#include "views/flow.h"
#include "views/web_model.h"

namespace footfall::pipeline {

// One hour of views::BucketMetrics, folded on the engine with the speed layer's MetricsFolder,
// and the exact count of distinct users of that hour (the HyperLogLog in `metrics` estimates it).
struct MetricsHour {
  Micros hour = 0;  // start, UTC
  views::BucketMetrics metrics;
  int64_t users = 0;
};

struct ComputedViews {
  // Every web view but page_views and sessions, whose rows are in the files below.
  views::WebViews web;
  // page_views and sessions, one file per day (view_tables.h), in date order.
  std::vector<DateFile> page_view_files, session_files;
  std::vector<MetricsHour> metrics_hourly;  // ascending hours, only hours with events
  std::vector<views::FlowViews> flows;      // one per flow spec, in config order
  uint64_t events = 0;                      // after deduplication
  uint64_t duplicates = 0;
  // The most recent deduplicated events, at most the cap, in (derived_tstamp, event_id) order,
  // each serialized (pipeline/event_serializer.h): the serving `events` table. Serialized, a
  // million of them take about a gigabyte instead of several.
  std::vector<std::string> recent_events;
  std::vector<StepDuration> durations;  // in the order the steps ran
};

// The lake's events are never held in memory at once, nor cached: they flow from the Parquet
// files into the session shuffle (spilled beyond the engine's budget); only the kept copies of
// repeated ids and the events of no session group (server-side ones) are cached, and the
// analysed session groups, for the steps that read them. The web summaries (users, traffic,
// acquisition, journeys, funnels) are reduced by key on the engine and only their rows
// gathered; page view and session rows are written by day, in parallel, as Parquet files in
// `rows_dir` (on storage every rank sees), for rank 0 to publish; flow cases are gathered.
// Results go to rank 0 alone under MPI (the other ranks return the counts and empty views:
// only rank 0 publishes).
Result<ComputedViews> ComputeViews(engine::Context& ctx, const parquet::Dataset& enriched,
                                   const views::WebModelOptions& web,
                                   const std::vector<views::FlowSpec>& flows,
                                   size_t recent_events_cap, const std::string& rows_dir);

}  // namespace footfall::pipeline
