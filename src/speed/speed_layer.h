// The speed layer: follows the raw log past the published batch version's watermark, enriches
// each record with the same Enricher as batch, keeps the events of a sample of users (by a hash
// of the user key, decided before enrichment), and folds them into per-minute BucketMetrics with
// the same MetricsFolder definition the batch layer uses. Its state is keyed by (raw segment,
// minute): the raw position is the seam with batch, so when a version with watermark W
// publishes, the state of segments <= W is dropped (batch counts them now) and nothing is
// counted by both layers or by neither.
//
// Ownership and threads: SpeedLayer owns its tailer, Enricher, folder and state. Step() and
// CatchUp() are for one thread at a time (the owner's, or the background thread Start() runs);
// Snapshot() and stats() may be called from any thread at any time.
//
// Restarts: the state is in memory only. A new SpeedLayer starts at the current watermark and
// reads every segment past it again, so a restart of the speed layer (or of the collector, which
// the tailer follows across seals and recovery) neither loses nor repeats a record.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "enrich/config.h"
#include "serving/live_source.h"
#include "views/bucket_metrics.h"
#include "views/flow_spec.h"
#include "views/web_model.h"

namespace footfall::rawlog {
class LogWriter;
}  // namespace footfall::rawlog

namespace footfall::speed {

struct SpeedOptions {
  std::string data_dir = "footfall-data";
  // Share of users whose events are kept, in (0, 1]. The decision is made from each item's raw
  // user key before enrichment, so sampling saves the enrichment, the folding and the state
  // (docs/speed.md).
  double sample_rate = 1.0;
  enrich::EnrichConfig enrich;
  std::string schemas_dir;  // as the enrich job's; empty: the built-in schemas
  views::WebModelOptions web;
  std::vector<views::FlowSpec> flows;
  // The collector's writer when it runs in this process (footfall run): the tailer then reads
  // only acknowledged records. Null for a separate process. Must outlive the SpeedLayer.
  const rawlog::LogWriter* writer = nullptr;
  Micros poll_interval = 2'000;               // while the tail has nothing new
  Micros watermark_interval = 200'000;        // how often CURRENT is checked
  Micros drop_grace = 10 * kMicrosPerSecond;  // state of segments <= a new watermark is kept this
                                              // long, for readers still on the previous version
};

struct SpeedStats {
  int64_t watermark_segment = 0;  // of the newest version seen; 0 before the first
  int64_t version = 0;
  uint64_t records = 0;  // raw records read since start
  uint64_t events = 0;   // enriched events (only sampled users' are enriched)
  uint64_t bad_rows = 0;
  uint64_t corrupt_frames = 0;  // damaged frames the tailer skipped
  uint64_t buckets = 0;         // (segment, minute) buckets held
  std::string position;         // of the tailer, "segment:offset"
  Micros newest_event = 0;
  double events_design_effect = 1.0;  // serving::LiveSnapshot's
  double page_views_design_effect = 1.0;
  uint64_t sampled_users = 0;  // users (or user-less events) held, tracked when sampling
  bool caught_up = false;      // the last poll found nothing new
};

class SpeedLayer : public serving::LiveSource {
 public:
  // Loads the schemas and user-agent regexes, reads the current watermark and opens the tailer
  // just past it. No thread runs until Start().
  static Result<std::unique_ptr<SpeedLayer>> Open(SpeedOptions options);

  ~SpeedLayer() override;

  // Runs Step() on a background thread until Stop() or destruction.
  void Start();
  void Stop();

  // One round: checks CURRENT for a new watermark, then reads and folds the records there are
  // now (up to `max_records`). Returns the number of records read.
  Result<size_t> Step(size_t max_records = 4096);
  // Steps until the tail has nothing new (what tests call after writing).
  Status CatchUp();

  serving::LiveSnapshot Snapshot(int64_t watermark_segment, Micros from, Micros to) const override;
  SpeedStats stats() const;
  double sample_rate() const { return options_.sample_rate; }

 private:
  struct Impl;
  SpeedLayer(SpeedOptions options, std::unique_ptr<Impl> impl);
  Status CheckWatermark(bool force);
  void Run();

  // Constant after construction.
  const SpeedOptions options_;
  std::unique_ptr<Impl> impl_;  // tailer, enricher, folder: the stepping thread's only

  mutable std::mutex mu_;
  // (segment, minute start) -> metrics of the sampled events of that segment in that minute.
  std::map<std::pair<int64_t, Micros>, views::BucketMetrics> buckets_;  // guarded by mu_
  SpeedStats stats_;                                                    // guarded by mu_
  // Guarded by mu_: the state holds no segment at or below this one (the watermark the tailer
  // started past, skipped past, or dropped through).
  int64_t held_after_ = 0;
  std::vector<std::pair<int64_t, Micros>> pending_drops_;  // guarded by mu_: (watermark, seen)

  std::mutex run_mu_;
  std::condition_variable run_cv_;
  bool stop_ = false;  // guarded by run_mu_
  std::thread thread_;
};

}  // namespace footfall::speed
