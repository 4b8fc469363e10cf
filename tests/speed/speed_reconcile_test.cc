// The lambda merge's accounting: batch rows (raw segments <= the published watermark) plus the
// speed layer's state (segments past it) count every event written exactly once, whenever the
// batch publishes, across seals, and across a restart of the speed layer.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "base/time.h"
#include "enrich/enrich.h"
#include "iglu/registry.h"
#include "pipeline/batch.h"
#include "pipeline/config.h"
#include "pipeline/traffic.h"
#include "rawlog/format.h"
#include "rawlog/log_writer.h"
#include "rawlog/payload.h"
#include "rawlog/segment.h"
#include "serving/live_source.h"
#include "serving/query.h"
#include "speed/speed_layer.h"

namespace footfall {
namespace {

constexpr Micros kStart = 1764115200000000;  // 2025-11-26T00:00:00Z

#if defined(__SANITIZE_ADDRESS__)
constexpr uint64_t kEvents = 2400;
#else
constexpr uint64_t kEvents = 6000;
#endif

pipeline::Config DemoConfig(const std::string& data) {
  pipeline::Config config;
  config.data_dir = data;
  config.enrich.user_agent = false;  // faster, and the counts do not depend on it
  pipeline::AddDemoDefinitions(&config);
  return config;
}

speed::SpeedOptions SpeedOptionsFor(const pipeline::Config& config) {
  speed::SpeedOptions o;
  o.data_dir = config.data_dir;
  o.enrich = config.enrich;
  o.web = pipeline::WebModelOptionsFrom(config);
  o.flows = config.flows;
  o.drop_grace = 0;
  o.watermark_interval = 0;
  return o;
}

// The generated stream, framed, with what each record holds after enrichment.
struct Stream {
  std::vector<std::string> frames;  // one framed record each
  std::vector<int64_t> events;      // enriched events of record i
  std::vector<int64_t> page_views;
};

Stream MakeStream(const pipeline::Config& config, uint64_t n, uint64_t seed) {
  pipeline::TrafficOptions t;
  t.seed = seed;
  t.events = n;
  t.start = kStart;
  t.span = kMicrosPerDay;
  pipeline::TrafficGenerator gen(t);
  auto registry = iglu::SchemaRegistry::Load("");
  EXPECT_TRUE(registry.ok());
  auto enricher = enrich::Enricher::Create(config.enrich, &*registry, nullptr);
  EXPECT_TRUE(enricher.ok()) << enricher.status().ToString();
  Stream s;
  rawlog::CollectorPayload payload;
  std::string record;
  enrich::EnrichOutput out;
  while (gen.Next(&payload)) {
    record.clear();
    rawlog::EncodePayload(payload, &record);
    std::string frame;
    rawlog::FrameRecord(record, &frame);
    s.frames.push_back(std::move(frame));
    out.clear();
    enricher->Enrich(payload, &out);
    int64_t pv = 0;
    for (const event::Event& e : out.events) pv += e.event == "page_view";
    s.events.push_back(static_cast<int64_t>(out.events.size()));
    s.page_views.push_back(pv);
  }
  return s;
}

struct Counts {
  int64_t events = 0;
  int64_t page_views = 0;
  bool operator==(const Counts&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Counts& c) {
  return os << "{events " << c.events << ", page_views " << c.page_views << "}";
}

struct Merged {
  Counts batch, live;
  int64_t watermark = 0;
  Counts total() const { return {batch.events + live.events, batch.page_views + live.page_views}; }
};

int64_t QueryInt(serving::ReadOnlyStore& store, const std::string& sql) {
  auto r = store.Query(sql);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok() || r->rows.empty()) return 0;
  const auto* v = std::get_if<int64_t>(&r->rows[0][0]);
  return v ? *v : 0;
}

// What the API does: the current version's tables plus the live state past its watermark.
Merged Merge(const std::string& data, const speed::SpeedLayer& layer) {
  Merged m;
  if (auto store = serving::ReadOnlyStore::OpenCurrent(data + "/serving"); store.ok()) {
    m.watermark = QueryInt(**store, "SELECT max(watermark_segment) FROM pipeline_versions");
    m.batch.events = QueryInt(**store, "SELECT count(*) FROM events");
    m.batch.page_views = QueryInt(**store, "SELECT count(*) FROM page_views");
  }
  const serving::LiveSnapshot snap = layer.Snapshot(m.watermark, std::numeric_limits<Micros>::min(),
                                                    std::numeric_limits<Micros>::max());
  EXPECT_EQ(snap.since_segment, m.watermark + 1);
  for (const auto& [minute, metrics] : snap.minutes) {
    m.live.events += metrics.events;
    m.live.page_views += metrics.page_views;
  }
  return m;
}

class Writer {
 public:
  explicit Writer(std::string raw) : raw_(std::move(raw)) {}
  // Appends records [from, to) of the stream to the active segment, opening one if needed.
  void Append(const Stream& s, size_t from, size_t to) {
    if (!segment_) {
      auto seg = rawlog::ActiveSegment::Create(raw_, next_++);
      ASSERT_TRUE(seg.ok()) << seg.status().ToString();
      segment_.emplace(std::move(*seg));
    }
    std::string frames;
    for (size_t i = from; i < to; ++i) frames += s.frames[i];
    ASSERT_TRUE(segment_->AppendFramed(frames).ok());
  }
  void Seal() {
    if (!segment_) return;
    ASSERT_TRUE(segment_->Seal().ok());
    segment_.reset();
  }

 private:
  std::string raw_;
  uint64_t next_ = 1;
  std::optional<rawlog::ActiveSegment> segment_;
};

Counts Written(const Stream& s, size_t n) {
  Counts c;
  for (size_t i = 0; i < n; ++i) {
    c.events += s.events[i];
    c.page_views += s.page_views[i];
  }
  return c;
}

pipeline::BatchReport Batch(const pipeline::Config& config) {
  pipeline::BatchOptions options = pipeline::BatchOptionsFrom(config);
  options.enrich.threads = 2;
  options.threads = 2;
  auto report = pipeline::RunBatch(options);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  return report.ok() ? *report : pipeline::BatchReport{};
}

TEST(SpeedReconcile, BatchPlusLiveCountsEveryWrittenEventOnce) {
  TempDir tmp;
  const pipeline::Config config = DemoConfig(tmp.path());
  const Stream stream = MakeStream(config, kEvents, 17);
  const size_t records = stream.frames.size();
  ASSERT_EQ(Written(stream, records).events, static_cast<int64_t>(kEvents));
  Writer writer(tmp.Sub("raw"));

  auto opened = speed::SpeedLayer::Open(SpeedOptionsFor(config));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<speed::SpeedLayer> layer = std::move(*opened);

  // Twelve steps; each appends a slice to the active segment, then maybe seals it, maybe runs a
  // batch (which only sees sealed segments), maybe restarts the speed layer. The pattern is
  // fixed, so the test is deterministic, and covers every combination at least once.
  const size_t kSteps = 12;
  const bool seal[kSteps] = {false, true, true,  false, true, false,
                             true,  true, false, true,  true, true};
  const bool batch[kSteps] = {false, false, true,  false, true, true,
                              false, true,  false, false, true, true};
  const bool restart[kSteps] = {false, false, false, true, false, false,
                                false, true,  false, true, false, false};
  int64_t last_watermark = 0;
  int batches = 0;
  for (size_t step = 0; step < kSteps; ++step) {
    const size_t from = records * step / kSteps;
    const size_t to = records * (step + 1) / kSteps;
    writer.Append(stream, from, to);
    if (seal[step]) writer.Seal();
    ASSERT_TRUE(layer->CatchUp().ok());
    if (batch[step]) {
      const pipeline::BatchReport report = Batch(config);
      ++batches;
      EXPECT_GE(static_cast<int64_t>(report.watermark_segment), last_watermark);
      last_watermark = static_cast<int64_t>(report.watermark_segment);
      // Before the speed layer has seen the new version, the merge at the new watermark must
      // still be exact: its state past the watermark is untouched by the publish.
      const Merged before = Merge(tmp.path(), *layer);
      EXPECT_EQ(before.total(), Written(stream, to)) << "step " << step << " before the poll";
      ASSERT_TRUE(layer->CatchUp().ok());
    }
    if (restart[step]) {
      layer.reset();
      auto again = speed::SpeedLayer::Open(SpeedOptionsFor(config));
      ASSERT_TRUE(again.ok()) << again.status().ToString();
      layer = std::move(*again);
      ASSERT_TRUE(layer->CatchUp().ok());
    }
    const Merged m = Merge(tmp.path(), *layer);
    EXPECT_EQ(m.total(), Written(stream, to)) << "step " << step;
    EXPECT_EQ(m.watermark, last_watermark);
    EXPECT_EQ(layer->stats().watermark_segment, last_watermark);
    if (m.watermark > 0) {
      EXPECT_GT(m.batch.events, 0) << "step " << step;
    }
  }
  EXPECT_GE(batches, 5);
  // Everything is sealed and in the last version: the live part is empty, the state dropped.
  const Merged end = Merge(tmp.path(), *layer);
  EXPECT_EQ(end.live, Counts{});
  EXPECT_EQ(end.batch, Written(stream, records));
  EXPECT_EQ(layer->stats().buckets, 0u);
}

// One definition, two layers: the speed layer's per-hour events and page views of a stream
// equal the batch layer's traffic_hourly rows for the same stream.
TEST(SpeedReconcile, SpeedFoldEqualsBatchHourly) {
  TempDir tmp;
  const pipeline::Config config = DemoConfig(tmp.path());
  const Stream stream = MakeStream(config, kEvents / 2, 23);
  Writer writer(tmp.Sub("raw"));
  writer.Append(stream, 0, stream.frames.size());
  writer.Seal();

  auto layer = speed::SpeedLayer::Open(SpeedOptionsFor(config));
  ASSERT_TRUE(layer.ok()) << layer.status().ToString();
  ASSERT_TRUE((*layer)->CatchUp().ok());
  const serving::LiveSnapshot snap =
      (*layer)->Snapshot(0, std::numeric_limits<Micros>::min(), std::numeric_limits<Micros>::max());
  std::map<std::string, Counts> live_hours;
  for (const auto& [minute, metrics] : snap.minutes) {
    Counts& c = live_hours[FormatIso8601(minute - minute % (3600 * kMicrosPerSecond))];
    c.events += metrics.events;
    c.page_views += metrics.page_views;
  }
  ASSERT_GT(live_hours.size(), 10u);

  Batch(config);
  auto store = serving::ReadOnlyStore::OpenCurrent(tmp.Sub("serving"));
  ASSERT_TRUE(store.ok());
  auto rows = (*store)->Query("SELECT hour, events, page_views FROM traffic_hourly");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::map<std::string, Counts> batch_hours;
  for (const auto& r : rows->rows) {
    auto hour = ParseIso8601(std::get<std::string>(r[0]));
    ASSERT_TRUE(hour.ok()) << std::get<std::string>(r[0]);
    batch_hours[FormatIso8601(*hour)] = {std::get<int64_t>(r[1]), std::get<int64_t>(r[2])};
  }
  EXPECT_EQ(live_hours, batch_hours);

  // metrics_hourly is the same fold done by batch: per-event metrics equal exactly, and with the
  // whole stream seen from its start, so do the session metrics.
  std::map<std::string, std::vector<int64_t>> live_metrics, batch_metrics;
  for (const auto& [minute, m] : snap.minutes) {
    std::vector<int64_t>& v =
        live_metrics[FormatIso8601(minute - minute % (3600 * kMicrosPerSecond))];
    v.resize(4);
    v[0] += m.events;
    v[1] += m.page_views;
    v[2] += m.sessions_started;
    v[3] += m.engaged_sessions;
  }
  auto metrics = (*store)->Query(
      "SELECT hour, events, page_views, sessions_started, engaged_sessions, users, "
      "users_estimate FROM metrics_hourly");
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  for (const auto& r : metrics->rows) {
    batch_metrics[std::get<std::string>(r[0])] = {std::get<int64_t>(r[1]), std::get<int64_t>(r[2]),
                                                  std::get<int64_t>(r[3]), std::get<int64_t>(r[4])};
    // The HyperLogLog beside the exact count, within three standard errors (or 1 for tiny hours).
    const auto users = static_cast<double>(std::get<int64_t>(r[5]));
    EXPECT_NEAR(static_cast<double>(std::get<int64_t>(r[6])), users,
                std::max(1.0, 3 * 0.0163 * users));
  }
  EXPECT_EQ(live_metrics, batch_metrics);
}

// Appends records [from, to) of the stream through a LogWriter (as the collector does) and waits
// for every acknowledgement.
void AppendThroughWriter(rawlog::LogWriter& writer, const Stream& s, size_t from, size_t to) {
  std::mutex mu;
  std::condition_variable cv;
  size_t acked = 0;
  bool failed = false;
  for (size_t i = from; i < to; ++i) {
    // The stream holds framed records; the writer frames them itself.
    std::string record = s.frames[i].substr(rawlog::kRecordHeaderSize);
    writer.Append(std::move(record), [&](const Status& st) {
      std::lock_guard<std::mutex> lock(mu);
      failed |= !st.ok();
      ++acked;
      cv.notify_all();
    });
  }
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return acked == to - from; });
  EXPECT_FALSE(failed);
}

TEST(SpeedReconcile, CollectorRestartLosesAndRepeatsNothing) {
  TempDir tmp;
  const pipeline::Config config = DemoConfig(tmp.path());
  const Stream stream = MakeStream(config, kEvents / 4, 31);
  const size_t n = stream.frames.size();
  auto opened = speed::SpeedLayer::Open(SpeedOptionsFor(config));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  speed::SpeedLayer& layer = **opened;

  for (int run = 0; run < 3; ++run) {
    auto writer = rawlog::LogWriter::Open(tmp.Sub("raw"), rawlog::LogOptions{});
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    AppendThroughWriter(**writer, stream, n * run / 3, n * (run + 1) / 3);
    // Read part of what this collector wrote before it stops, the rest after.
    ASSERT_TRUE(layer.Step(n / 12).ok());
    if (run == 1) {
      ASSERT_TRUE(layer.CatchUp().ok());
    }
    ASSERT_TRUE((*writer)->Close().ok());  // seals the active segment, as a restart's recovery
    ASSERT_TRUE(layer.CatchUp().ok());
    const Merged m = Merge(tmp.path(), layer);
    EXPECT_EQ(m.total(), Written(stream, n * (run + 1) / 3)) << "run " << run;
  }
  EXPECT_EQ(layer.stats().records, n);
}

}  // namespace
}  // namespace footfall
