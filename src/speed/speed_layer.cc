#include "speed/speed_layer.h"

#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <unordered_map>
#include <variant>

#include "base/log.h"
#include "enrich/enrich.h"
#include "enrich/ua_parser.h"
#include "event/event.h"
#include "iglu/registry.h"
#include "rawlog/tailer.h"
#include "serving/layout.h"
#include "serving/query.h"

namespace footfall::speed {
namespace {

constexpr Micros kMicrosPerMinute = 60 * kMicrosPerSecond;
// A seed other than the one UserHash uses: the users a sample keeps must not all fall into the
// same HyperLogLog registers.
constexpr uint64_t kSampleSeed = 0x5eed5a3b1e000001;

uint64_t SampleHash(std::string_view key) {
  return XXH3_64bits_withSeed(key.data(), key.size(), kSampleSeed);
}

Micros MinuteStart(Micros t) {
  // Callers pass the lowest Micros for "from the beginning"; flooring it would overflow.
  if (t < std::numeric_limits<Micros>::min() + kMicrosPerMinute) {
    return std::numeric_limits<Micros>::min();
  }
  Micros m = t / kMicrosPerMinute * kMicrosPerMinute;
  if (m > t) m -= kMicrosPerMinute;
  return m;
}

Micros SteadyNow() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The published version and its watermark segment; version 0 when nothing is published.
Result<std::pair<int64_t, int64_t>> ReadWatermark(const std::string& serving_dir) {
  Result<int64_t> version = serving::CurrentVersion(serving_dir);
  if (!version.ok()) {
    if (version.status().code() == StatusCode::kNotFound) return std::pair<int64_t, int64_t>{0, 0};
    return version.status();
  }
  FOOTFALL_ASSIGN_OR_RETURN(
      std::unique_ptr<serving::ReadOnlyStore> store,
      serving::ReadOnlyStore::Open(serving::VersionPath(serving_dir, *version)));
  FOOTFALL_ASSIGN_OR_RETURN(
      serving::QueryResult r,
      store->Query("SELECT watermark_segment FROM pipeline_versions WHERE version = " +
                   std::to_string(*version)));
  int64_t watermark = 0;
  if (!r.rows.empty()) {
    if (const auto* v = std::get_if<int64_t>(&r.rows[0][0])) watermark = *v;
  }
  return std::pair<int64_t, int64_t>{*version, watermark};
}

}  // namespace

struct SpeedLayer::Impl {
  Impl(std::unique_ptr<iglu::SchemaRegistry> r, enrich::Enricher e, views::MetricsFolder f,
       rawlog::Tailer t)
      : registry(std::move(r)),
        enricher(std::move(e)),
        folder(std::move(f)),
        tailer(std::move(t)) {}

  std::unique_ptr<iglu::SchemaRegistry> registry;  // the enricher points at it
  enrich::Enricher enricher;
  views::MetricsFolder folder;
  rawlog::Tailer tailer;
  enrich::EnrichOutput out;
  int64_t version = -1;
  int64_t watermark = 0;
  Micros last_check = 0;      // SteadyNow() of the last look at CURRENT
  uint64_t sample_below = 0;  // keep an event when its sample hash is below this (rate < 1)
  enrich::Enricher::ItemFilter sampled;  // SampleHash(key) < sample_below; empty: keep all

  // When sampling: each sampled user's counts over the segments held, per segment too (to take
  // a segment's share back out when it is dropped), and the sums the design effect needs.
  struct UserCounts {
    int64_t events = 0, page_views = 0;
  };
  std::unordered_map<uint64_t, UserCounts> users;
  std::map<int64_t, std::unordered_map<uint64_t, UserCounts>> users_by_segment;
  double sum_events = 0, sum_events2 = 0, sum_page_views = 0, sum_page_views2 = 0;

  void CountUser(int64_t segment, uint64_t user, bool page_view) {
    UserCounts& total = users[user];
    UserCounts& in_segment = users_by_segment[segment][user];
    sum_events2 += 2.0 * static_cast<double>(total.events) + 1.0;
    sum_events += 1;
    ++total.events;
    ++in_segment.events;
    if (page_view) {
      sum_page_views2 += 2.0 * static_cast<double>(total.page_views) + 1.0;
      sum_page_views += 1;
      ++total.page_views;
      ++in_segment.page_views;
    }
  }

  void DropUsers(int64_t watermark) {
    const auto square = [](int64_t v) { return static_cast<double>(v) * static_cast<double>(v); };
    while (!users_by_segment.empty() && users_by_segment.begin()->first <= watermark) {
      for (const auto& [user, part] : users_by_segment.begin()->second) {
        auto it = users.find(user);
        UserCounts& total = it->second;
        sum_events2 -= square(total.events) - square(total.events - part.events);
        sum_page_views2 -= square(total.page_views) - square(total.page_views - part.page_views);
        sum_events -= static_cast<double>(part.events);
        sum_page_views -= static_cast<double>(part.page_views);
        total.events -= part.events;
        total.page_views -= part.page_views;
        if (total.events == 0) users.erase(it);
      }
      users_by_segment.erase(users_by_segment.begin());
    }
  }

  void Publish(SpeedStats* stats) const {
    stats->events_design_effect = sum_events > 0 ? std::max(1.0, sum_events2 / sum_events) : 1.0;
    stats->page_views_design_effect =
        sum_page_views > 0 ? std::max(1.0, sum_page_views2 / sum_page_views) : 1.0;
    stats->sampled_users = users.size();
  }
};

Result<std::unique_ptr<SpeedLayer>> SpeedLayer::Open(SpeedOptions options) {
  if (!(options.sample_rate > 0.0 && options.sample_rate <= 1.0)) {
    return InvalidArgument("speed.sample_rate must be in (0, 1], got " +
                           std::to_string(options.sample_rate));
  }
  FOOTFALL_ASSIGN_OR_RETURN(auto watermark, ReadWatermark(options.data_dir + "/serving"));
  std::shared_ptr<const enrich::UaParser> ua;
  if (options.enrich.user_agent) {
    FOOTFALL_ASSIGN_OR_RETURN(std::unique_ptr<enrich::UaParser> parser, enrich::UaParser::Load());
    ua = std::move(parser);
  }
  FOOTFALL_ASSIGN_OR_RETURN(iglu::SchemaRegistry loaded,
                            iglu::SchemaRegistry::Load(options.schemas_dir));
  auto registry = std::make_unique<iglu::SchemaRegistry>(std::move(loaded));
  FOOTFALL_ASSIGN_OR_RETURN(enrich::Enricher enricher,
                            enrich::Enricher::Create(options.enrich, registry.get(), ua));
  rawlog::TailerOptions tailer_options;
  tailer_options.writer = options.writer;
  // Segment numbers start at 1, so with no version yet this is the start of the log; naming the
  // segment (rather than "before the first") lets the tailer find it without listing.
  const rawlog::Position from =
      rawlog::Position::Start(static_cast<uint64_t>(watermark.second) + 1);
  FOOTFALL_ASSIGN_OR_RETURN(rawlog::Tailer tailer,
                            rawlog::Tailer::Open(options.data_dir + "/raw", from, tailer_options));
  auto impl =
      std::make_unique<Impl>(std::move(registry), std::move(enricher),
                             views::MetricsFolder(options.web, options.flows), std::move(tailer));
  impl->version = watermark.first;
  impl->watermark = watermark.second;
  impl->last_check = SteadyNow();
  if (options.sample_rate < 1.0) {
    impl->sample_below = static_cast<uint64_t>(std::ldexp(options.sample_rate, 64));
    impl->sampled = [below = impl->sample_below](std::string_view key) {
      return SampleHash(key) < below;
    };
  }
  auto layer = std::unique_ptr<SpeedLayer>(new SpeedLayer(std::move(options), std::move(impl)));
  layer->held_after_ = watermark.second;
  layer->stats_.version = watermark.first;
  layer->stats_.watermark_segment = watermark.second;
  return layer;
}

SpeedLayer::SpeedLayer(SpeedOptions options, std::unique_ptr<Impl> impl)
    : options_(std::move(options)), impl_(std::move(impl)) {}

SpeedLayer::~SpeedLayer() { Stop(); }

void SpeedLayer::Start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(run_mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void SpeedLayer::Stop() {
  {
    std::lock_guard<std::mutex> lock(run_mu_);
    stop_ = true;
  }
  run_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SpeedLayer::Run() {
  Micros error_backoff = 0;
  for (;;) {
    Micros wait = 0;
    Result<size_t> n = Step();
    if (!n.ok()) {
      LogError("speed", n.status().ToString());
      error_backoff = std::min<Micros>(std::max<Micros>(2 * error_backoff, 100'000), 5'000'000);
      wait = error_backoff;
    } else {
      error_backoff = 0;
      if (*n == 0) wait = options_.poll_interval;
    }
    std::unique_lock<std::mutex> lock(run_mu_);
    if (wait > 0) {
      run_cv_.wait_for(lock, std::chrono::microseconds(wait), [this] { return stop_; });
    }
    if (stop_) return;
  }
}

Status SpeedLayer::CheckWatermark(bool force) {
  Impl& s = *impl_;
  const Micros now = SteadyNow();
  if (!force && now - s.last_check < options_.watermark_interval) return Status::Ok();
  s.last_check = now;
  FOOTFALL_ASSIGN_OR_RETURN(auto current, ReadWatermark(options_.data_dir + "/serving"));
  if (current.first != s.version) {
    s.version = current.first;
    if (current.second > s.watermark) {
      s.watermark = current.second;
      // Batch now holds segments the tailer has not reached: skip them rather than read them.
      if (static_cast<int64_t>(s.tailer.position().segment) <= s.watermark) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          held_after_ = std::max(held_after_, s.watermark);
        }
        rawlog::TailerOptions tailer_options;
        tailer_options.writer = options_.writer;
        FOOTFALL_ASSIGN_OR_RETURN(
            s.tailer,
            rawlog::Tailer::Open(options_.data_dir + "/raw",
                                 rawlog::Position::Start(static_cast<uint64_t>(s.watermark) + 1),
                                 tailer_options));
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    stats_.version = s.version;
    stats_.watermark_segment = s.watermark;
    pending_drops_.emplace_back(s.watermark, now);
  }
  std::lock_guard<std::mutex> lock(mu_);
  while (!pending_drops_.empty() && now - pending_drops_.front().second >= options_.drop_grace) {
    const int64_t dropped = pending_drops_.front().first;
    pending_drops_.erase(pending_drops_.begin());
    std::erase_if(buckets_, [dropped](const auto& kv) { return kv.first.first <= dropped; });
    // An operator who points CURRENT back at an older version gets live numbers that say
    // they start here (since_segment), not silently missing segments.
    held_after_ = std::max(held_after_, dropped);
    s.DropUsers(dropped);
  }
  s.Publish(&stats_);
  stats_.buckets = buckets_.size();
  return Status::Ok();
}

Result<size_t> SpeedLayer::Step(size_t max_records) {
  Impl& s = *impl_;
  FOOTFALL_RETURN_IF_ERROR(CheckWatermark(false));
  std::map<std::pair<int64_t, Micros>, views::BucketMetrics> local;
  size_t records = 0;
  uint64_t events = 0, bad_rows = 0, corrupt = 0;
  Micros newest = 0;
  bool caught_up = false;
  while (records < max_records) {
    Result<std::optional<rawlog::Record>> next = s.tailer.Poll();
    if (!next.ok()) {
      // The tailer goes on with the next segment after a damaged frame; batch turns the same
      // frame into a bad row.
      if (next.status().code() == StatusCode::kCorruption) {
        LogWarning("speed", next.status().ToString());
        ++corrupt;
        continue;
      }
      return next.status();
    }
    if (!next->has_value()) {
      caught_up = true;
      break;
    }
    const rawlog::Record& record = **next;
    ++records;
    const auto segment = static_cast<int64_t>(record.position.segment);
    if (segment <= s.watermark) continue;
    s.out.clear();
    // Items of users outside the sample are skipped before enrichment, so sampling saves the
    // enrichment too; the events that come out are all sampled.
    s.enricher.EnrichRecord(record.body, s.sampled, &s.out);
    bad_rows += s.out.bad_rows.size();
    for (const event::Event& e : s.out.events) {
      ++events;
      if (s.sample_below != 0) {
        const std::string& user = views::UserKey(e);
        s.CountUser(segment, SampleHash(user.empty() ? e.event_id : user), e.event == "page_view");
      }
      newest = std::max(newest, e.collector_tstamp.value_or(0));
      s.folder.Fold(e, &local[{segment, MinuteStart(views::MetricsTime(e))}]);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, metrics] : local) {
    auto [it, inserted] = buckets_.try_emplace(key);
    if (inserted) {
      it->second = std::move(metrics);
    } else {
      it->second.Combine(metrics);
    }
  }
  stats_.records += records;
  stats_.events += events;
  stats_.bad_rows += bad_rows;
  stats_.corrupt_frames += corrupt;
  stats_.buckets = buckets_.size();
  stats_.position = s.tailer.position().ToString();
  stats_.newest_event = std::max(stats_.newest_event, newest);
  stats_.caught_up = caught_up;
  s.Publish(&stats_);
  return records;
}

Status SpeedLayer::CatchUp() {
  FOOTFALL_RETURN_IF_ERROR(CheckWatermark(true));
  for (;;) {
    FOOTFALL_ASSIGN_OR_RETURN(size_t n, Step());
    if (n == 0) return Status::Ok();
  }
}

serving::LiveSnapshot SpeedLayer::Snapshot(int64_t watermark_segment, Micros from,
                                           Micros to) const {
  serving::LiveSnapshot snap;
  snap.sample_rate = options_.sample_rate;
  const Micros first_minute = MinuteStart(from);
  std::lock_guard<std::mutex> lock(mu_);
  snap.since_segment = std::max(watermark_segment, held_after_) + 1;
  for (const auto& [key, metrics] : buckets_) {
    if (key.first <= watermark_segment || key.second < first_minute || key.second >= to) continue;
    snap.minutes[key.second].Combine(metrics);
  }
  snap.newest_event = stats_.newest_event;
  snap.events_design_effect = stats_.events_design_effect;
  snap.page_views_design_effect = stats_.page_views_design_effect;
  // Caught up: everything acknowledged is folded, whatever the age of the newest event.
  snap.lag_ms = stats_.caught_up || stats_.newest_event == 0
                    ? 0
                    : std::max<int64_t>(0, (NowMicros() - stats_.newest_event) / 1000);
  return snap;
}

SpeedStats SpeedLayer::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace footfall::speed
