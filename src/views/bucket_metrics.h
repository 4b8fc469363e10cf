// The per-time-bucket metrics the dashboard shows, defined once as a monoid and folded by both
// layers: the batch layer over the deduplicated master dataset on the engine, the speed layer
// incrementally over the live tail; the serving layer merges the two with the same Combine.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace footfall::event {
struct Event;
}  // namespace footfall::event

namespace footfall::views {

// HyperLogLog distinct counter over 64-bit hashes; precision p (registers = 2^p, default 12,
// relative standard error ~1.04/sqrt(2^p) = 1.6 %). Merge is register-wise max (a monoid: an
// empty counter is the identity). Counters of different precisions merge at the lower one.
// Small cardinalities use linear counting, so a handful of users is counted exactly or nearly.
// A value type; not thread-safe.
class HyperLogLog {
 public:
  static constexpr int kMinPrecision = 4;
  static constexpr int kMaxPrecision = 16;

  static constexpr int kDefaultPrecision = 12;

  // Not explicit, so that `BucketMetrics{}` (aggregate initialization) works.
  HyperLogLog() : HyperLogLog(kDefaultPrecision) {}
  // `precision` is clamped to [kMinPrecision, kMaxPrecision].
  explicit HyperLogLog(int precision);

  void Add(uint64_t hash);
  void Merge(const HyperLogLog& other);
  double Estimate() const;
  double RelativeError() const;  // the standard error as a share of the estimate

  int precision() const { return precision_; }
  bool empty() const { return registers_.empty(); }
  // The registers (2^precision bytes, or none while empty), to store or send a counter.
  const std::vector<uint8_t>& registers() const { return registers_; }
  // A counter from stored registers; empty when their number is not 2^precision.
  static HyperLogLog FromRegisters(int precision, std::vector<uint8_t> registers);
  bool operator==(const HyperLogLog& other) const;

 private:
  void ReduceTo(int precision);

  int precision_;
  // Empty until the first Add or Merge: most buckets of a sparse minute hold few users, and an
  // identity element should cost nothing.
  std::vector<uint8_t> registers_;
};

// The per-time-bucket metrics the dashboard shows, one monoid: a default-constructed
// BucketMetrics is the identity; Combine is associative and commutative. The batch layer folds it
// on the engine, the speed layer folds it incrementally; the serving layer merges with Combine.
struct BucketMetrics {
  int64_t events = 0;
  std::map<std::string, int64_t> events_by_type;  // by the enriched `event` field
  int64_t page_views = 0;
  int64_t sessions_started = 0;
  int64_t engaged_sessions = 0;
  HyperLogLog users;                                         // distinct users (speed layer)
  std::map<std::string, int64_t> pages;                      // page_urlpath -> page views
  std::map<std::string, int64_t> referrer_mediums;           // refr_medium of page views -> count
  std::map<std::string, std::vector<int64_t>> funnel_steps;  // funnel -> sessions reaching step i
  std::map<std::string, std::map<std::string, int64_t>>
      flow_completions;  // flow -> activity -> completions

  void Combine(const BucketMetrics& other);
  bool operator==(const BucketMetrics& other) const;
};

struct WebModelOptions;
struct FlowSpec;

// The time an event is bucketed by in both layers: derived_tstamp, else collector_tstamp, else 0.
Micros MetricsTime(const event::Event& e);
Micros MetricsTime(std::optional<Micros> derived_tstamp, std::optional<Micros> collector_tstamp);

// The 64-bit hash of an event's user (UserKey: domain_userid, else network_userid), 0 for an event
// without one. The speed layer samples by it, so that a sampled user's whole session is kept.
uint64_t UserHash(const event::Event& e);
// The same hash from a user key (UserKey in web_model.h); 0 for "".
uint64_t UserHash(std::string_view user_key);

class FlowExtractor;

// The part of the fold that needs no session state: events, events by type, page views, pages,
// referrer mediums, users, flow completions. What MetricsFolder adds for every event, and all
// it adds for an event of no session (SessionGroupKey ""), so such events can be folded in any
// order. Const: one may be shared between threads.
class EventMetricsFolder {
 public:
  explicit EventMetricsFolder(const std::vector<FlowSpec>& flows);
  EventMetricsFolder(EventMetricsFolder&&) noexcept;
  ~EventMetricsFolder();
  void Fold(const event::Event& e, BucketMetrics* into) const;

 private:
  std::vector<FlowExtractor> flows_;
};

// Folds enriched events one at a time into BucketMetrics: the one definition of the per-bucket
// metrics, used by the speed layer over the live tail and by the batch layer over each session
// group of the deduplicated master dataset (so the two count the same way).
//
// Per-event metrics (events, events by type, page views, pages, referrer mediums, users, flow
// activity completions) depend on the event alone. Session metrics are counted at the event that
// changes them, from a small state per session group kept here: `sessions_started` at a session's
// first event (a new tracker session id, or, without one, the first event after a gap over the
// session timeout), `engaged_sessions` at the event that makes it engaged (its second page view,
// or pings spanning two heartbeats), `funnel_steps[f][i]` at the event reaching step i (steps in
// order; the `consecutive` and `time_limit` refinements of the batch funnel view are not applied).
// A folder that starts in the middle of a session (the speed layer at a watermark) counts that
// session as started there: session metrics near a watermark are approximate, per-event ones exact.
//
// Session state of groups idle for over two session timeouts (by event time) is dropped.
// Not thread-safe; one owner.
class MetricsFolder {
 public:
  MetricsFolder(const WebModelOptions& web, const std::vector<FlowSpec>& flows);
  MetricsFolder(MetricsFolder&&) noexcept;
  MetricsFolder& operator=(MetricsFolder&&) noexcept;
  ~MetricsFolder();

  // Adds `e` to `*into` (the bucket of MetricsTime(e) chosen by the caller).
  void Fold(const event::Event& e, BucketMetrics* into);

  size_t tracked_sessions() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace footfall::views
