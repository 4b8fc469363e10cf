#include "pipeline/batch.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "base/file_lock.h"
#include "base/files.h"
#include "base/temp_dir.h"
#include "parquet/dataset.h"
#include "pipeline/gen.h"
#include "pipeline/view_config.h"
#include "rawlog/log_writer.h"
#include "rawlog/segment.h"
#include "serving/query.h"

namespace footfall::pipeline {
namespace {

int64_t QueryInt(const std::string& data_dir, const std::string& sql) {
  auto store = serving::ReadOnlyStore::OpenCurrent(data_dir + "/serving");
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  auto result = (*store)->Query(sql);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return std::get<int64_t>(result->rows.at(0).at(0));
}

// The sanitizer build runs about ten times slower: it batches fewer events.
#if defined(__SANITIZE_ADDRESS__)
constexpr uint64_t kEvents = 5000;
#else
constexpr uint64_t kEvents = 20000;
#endif

TrafficOptions Traffic(uint64_t events) {
  TrafficOptions o;
  o.seed = 11;
  o.events = events;
  o.start = 1764115200000000;
  o.span = 3 * kMicrosPerDay - 3600 * kMicrosPerSecond;  // the last sessions end before day 4
  return o;
}

BatchOptions Options(const std::string& data) {
  Config config;
  config.data_dir = data;
  AddDemoDefinitions(&config);
  BatchOptions options = BatchOptionsFrom(config);
  options.enrich.threads = 2;
  return options;
}

TEST(Batch, GeneratedTrafficEndsUpInTheServingStore) {
  TempDir tmp;
  const std::string data = tmp.path();
  auto written = WriteTrafficToRawLog(Traffic(kEvents), data + "/raw", 512 << 10, nullptr);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_GT(written->segments, 3u);
  EXPECT_EQ(written->events, kEvents);
  EXPECT_LT(written->records, kEvents);  // some POST requests carry several events

  const BatchOptions options = Options(data);
  auto report = RunBatch(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->version, 1);
  EXPECT_EQ(report->raw_records, written->records);
  EXPECT_EQ(report->events, kEvents);
  EXPECT_EQ(report->bad_rows, 0u);
  EXPECT_EQ(report->watermark_segment, written->segments);
  EXPECT_EQ(report->segments_enriched, written->segments);
  EXPECT_GT(report->flow_cases, 10u);

  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM events"), static_cast<int64_t>(kEvents));
  EXPECT_EQ(QueryInt(data, "SELECT sum(events) FROM traffic_daily"), static_cast<int64_t>(kEvents));
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM traffic_daily"), 3);
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM page_views"),
            QueryInt(data, "SELECT count(*) FROM events WHERE event = 'page_view'"));
  EXPECT_EQ(QueryInt(data, "SELECT sum(page_views) FROM traffic_daily"),
            QueryInt(data, "SELECT count(*) FROM page_views"));
  // Web sessions are the tracker's; the studio's server-side events have none.
  EXPECT_EQ(
      QueryInt(data, "SELECT count(*) FROM sessions"),
      QueryInt(data, "SELECT count(DISTINCT domain_sessionid) FROM events WHERE app_id = 'shop'"));
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM sessions"),
            static_cast<int64_t>(report->sessions));
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM flow_cases"),
            static_cast<int64_t>(report->flow_cases));
  EXPECT_EQ(QueryInt(data,
                     "SELECT count(*) FROM flow_bottlenecks WHERE rank = 1 AND "
                     "activity = 'composite'"),
            1);
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM funnel_steps WHERE funnel = 'checkout'"), 4);
  // Several flows at once: the studio's garments and the site's sessions through pages.
  EXPECT_EQ(QueryInt(data, "SELECT count(DISTINCT flow) FROM flow_activities"), 2);
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM flow_cases WHERE flow = 'site'"),
            static_cast<int64_t>(report->sessions));

  // Every view is also a Parquet dataset whose newest version is this serving version.
  for (const char* view : {"page_views", "sessions", "users", "flow_cases", "journey_paths"}) {
    auto dataset = parquet::Dataset::Open(data + "/views/" + view);
    ASSERT_TRUE(dataset.ok()) << view << ": " << dataset.status().ToString();
    EXPECT_EQ(dataset->manifest().properties.at("serving_version"), "1");
  }
  auto sessions = parquet::Dataset::Open(data + "/views/sessions");
  int64_t rows = 0;
  for (const auto& f : sessions->files()) rows += f.rows;
  EXPECT_EQ(rows, static_cast<int64_t>(report->sessions));

  // A rebuild enriches nothing new, is a new version with the same numbers and the history of
  // versions, and writes byte-identical view files.
  auto again = RunBatch(options);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version, 2);
  EXPECT_EQ(again->segments_enriched, 0u);
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM pipeline_versions"), 2);
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM sessions"),
            static_cast<int64_t>(report->sessions));
  for (const char* view : {"page_views", "sessions", "flow_activities", "funnel_steps"}) {
    const std::string dir = data + "/views/" + view;
    auto v1 = parquet::Dataset::OpenVersion(dir, 1);
    auto v2 = parquet::Dataset::OpenVersion(dir, 2);
    ASSERT_TRUE(v1.ok() && v2.ok()) << view;
    ASSERT_EQ(v1->files().size(), v2->files().size()) << view;
    for (size_t i = 0; i < v1->files().size(); ++i) {
      EXPECT_EQ(v1->files()[i].partition, v2->files()[i].partition) << view;
      EXPECT_EQ(ReadWholeFile(v1->PathOf(v1->files()[i])).value(),
                ReadWholeFile(v2->PathOf(v2->files()[i])).value())
          << view << " " << v2->files()[i].path;
    }
  }
  // page_views and sessions are partitioned by day, the other views one file each.
  EXPECT_GT(parquet::Dataset::Open(data + "/views/page_views")->files().size(), 1u);
  EXPECT_TRUE(
      parquet::Dataset::Open(data + "/views/sessions")->files()[0].partition.starts_with("date="));
  EXPECT_FALSE(std::filesystem::exists(data + "/tmp/rows"));  // the day files were moved
  EXPECT_EQ(report->durations.front().step, "enrich");
  EXPECT_GE(report->durations.size(), 8u);

  // Under a cap, the events table holds the latest events by (derived_tstamp, event_id): the
  // same rows as the uncapped table's last ones.
  const int64_t cap = 777;
  const std::string latest =
      "SELECT event_id FROM events ORDER BY derived_tstamp DESC, event_id DESC LIMIT 777";
  auto all = serving::ReadOnlyStore::OpenCurrent(data + "/serving");
  ASSERT_TRUE(all.ok());
  auto want = (*all)->Query(latest);
  ASSERT_TRUE(want.ok());
  all->reset();
  BatchOptions capped = options;
  capped.events_table_cap = cap;
  ASSERT_TRUE(RunBatch(capped).ok());
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM events"), cap);
  auto store = serving::ReadOnlyStore::OpenCurrent(data + "/serving");
  ASSERT_TRUE(store.ok());
  auto got = (*store)->Query(latest);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->rows, want->rows);
}

// Among many events, copies of a few ids that differ: each id is counted once, the copy with
// the earliest collector timestamp is the one kept whichever segment holds it, and the other
// events are untouched by the deduplication.
TEST(Batch, RepeatedIdsAmongUniqueEventsKeepTheEarliestCopy) {
  TempDir tmp;
  const std::string data = tmp.path();
  const auto id = [](int i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "6e0b1c3a-2d4f-4a5b-8c6d-%012d", i);
    return std::string(buf);
  };
  constexpr int kUnique = 3000, kServerSide = 200;
  {
    rawlog::LogOptions o;
    o.segment_max_bytes = 64 << 10;  // the copies fall in other segments than the originals
    o.durability = rawlog::Durability::kNone;
    auto log = rawlog::LogWriter::Open(data + "/raw", o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    rawlog::CollectorPayload p;
    p.method = "GET";
    p.path = "/i";
    const auto append = [&](int i, Micros at, const std::string& page) {
      p.timestamp = at;
      p.query = "e=pv&eid=" + id(i) + "&duid=u" + std::to_string(i % 50) +
                "&url=https%3A%2F%2Fshop.example%2F" + page;
      (*log)->Append(rawlog::EncodePayload(p), [](const Status&) {});
    };
    const Micros t0 = 1764115200000000;
    // Server-side events, of no session and no user: they belong to no session group.
    const auto append_server_side = [&](int i, Micros at, const std::string& action) {
      p.timestamp = at;
      p.query = "e=se&se_ca=studio&se_ac=" + action + "&eid=" + id(i);
      (*log)->Append(rawlog::EncodePayload(p), [](const Status&) {});
    };
    for (int i = 0; i < kUnique; ++i) append(i, t0 + i * kMicrosPerSecond, "p" + std::to_string(i));
    for (int i = kUnique; i < kUnique + kServerSide; ++i) {
      append_server_side(i, t0 + i * kMicrosPerSecond, "shot");
    }
    // Ids 7 and 11 again, later (not kept); id 13 again, earlier (kept); a server-side id again,
    // earlier (kept).
    append(7, t0 + 9000 * kMicrosPerSecond, "late");
    append(11, t0 + 9001 * kMicrosPerSecond, "late");
    append(11, t0 + 9002 * kMicrosPerSecond, "later");
    append(13, t0 - kMicrosPerSecond, "early");
    append_server_side(kUnique + 5, t0 - kMicrosPerSecond, "early");
    ASSERT_TRUE((*log)->Close().ok());
  }
  auto report = RunBatch(Options(data));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  constexpr int kEvents = kUnique + kServerSide;
  EXPECT_EQ(report->events, static_cast<uint64_t>(kEvents));
  EXPECT_EQ(report->duplicates, 5u);
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM events"), kEvents);
  EXPECT_EQ(QueryInt(data, "SELECT count(DISTINCT event_id) FROM events"), kEvents);
  EXPECT_EQ(QueryInt(data, "SELECT sum(events) FROM metrics_hourly"), kEvents);
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM events WHERE event_id = '" + id(kUnique + 5) +
                               "' AND se_action = 'early'"),
            1);
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM events WHERE page_urlpath IN ('/late', '/later')"),
            0);
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM events WHERE event_id = '" + id(13) +
                               "' AND page_urlpath = '/early'"),
            1);
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM page_views"), kUnique);
}

TEST(Batch, DuplicatesAndBadRowsAreCounted) {
  TempDir tmp;
  const std::string data = tmp.path();
  {
    auto log = rawlog::LogWriter::Open(data + "/raw", {});
    ASSERT_TRUE(log.ok());
    rawlog::CollectorPayload p;
    p.timestamp = 1764115200000000;
    p.method = "GET";
    p.path = "/i";
    p.query =
        "e=pv&eid=6e0b1c3a-2d4f-4a5b-8c6d-7e8f9a0b1c2d&duid=u&sid=5a6b7c8d-1e2f-4a3b-8c4d-"
        "5e6f7a8b9c0d&url=https%3A%2F%2Fa.b%2F";
    for (int i = 0; i < 3; ++i) (*log)->Append(rawlog::EncodePayload(p), [](const Status&) {});
    p.query = "e=nonsense";
    (*log)->Append(rawlog::EncodePayload(p), [](const Status&) {});
    (*log)->Append("not a payload", [](const Status&) {});
    ASSERT_TRUE((*log)->Close().ok());
  }
  auto report = RunBatch(Options(data));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->events, 1u);
  EXPECT_EQ(report->duplicates, 2u);
  EXPECT_EQ(report->bad_rows, 2u);
  EXPECT_EQ(QueryInt(data, "SELECT sum(bad_rows) FROM bad_rows_daily"), 2);
  EXPECT_EQ(QueryInt(data,
                     "SELECT count(*) FROM bad_rows_daily WHERE type = "
                     "'tracker_protocol_violations' AND date = '2025-11-26'"),
            1);
}

TEST(Batch, ReprocessRebuildsUnderANewEnrichmentConfig) {
  TempDir tmp;
  const std::string data = tmp.path();
  ASSERT_TRUE(WriteTrafficToRawLog(Traffic(2000), data + "/raw", 512 << 10, nullptr).ok());
  BatchOptions options = Options(data);
  auto first = RunBatch(options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // Anonymized IPv4 and IPv6 addresses both end in "x".
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM events WHERE user_ipaddress LIKE '%x'"), 2000);

  // A changed enrichment config is refused until the lake is reprocessed; the current version
  // keeps serving meanwhile.
  options.enrich.config.anonymize_ip = false;
  EXPECT_EQ(RunBatch(options).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(QueryInt(data, "SELECT max(version) FROM pipeline_versions"), 1);
  options.enrich.reprocess = true;
  auto second = RunBatch(options);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->version, 2);
  EXPECT_EQ(second->segments_enriched, first->segments_enriched);
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM events WHERE user_ipaddress LIKE '%x'"), 0);
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM events"), 2000);
  // Each version records the enrichment config it was built with.
  EXPECT_EQ(QueryInt(data, "SELECT count(DISTINCT enrich_config) FROM pipeline_versions"), 2);
}

TEST(Batch, EachVersionRecordsItsViewConfig) {
  TempDir tmp;
  const std::string data = tmp.path();
  ASSERT_TRUE(WriteTrafficToRawLog(Traffic(300), data + "/raw", 512 << 10, nullptr).ok());
  BatchOptions options = Options(data);
  options.web.journey_steps = 3;
  ASSERT_TRUE(RunBatch(options).ok());
  options.web.journey_steps = 5;
  ASSERT_TRUE(RunBatch(options).ok());
  EXPECT_EQ(QueryInt(data, "SELECT count(DISTINCT view_config) FROM pipeline_versions"), 2);
  EXPECT_EQ(QueryInt(data,
                     "SELECT version FROM pipeline_versions "
                     "WHERE view_config_json LIKE '%\"journey_steps\":5,%'"),
            2);
  EXPECT_EQ(ViewConfigHash(ViewConfigJson(options.web, options.flows)),
            ViewConfigHash(ViewConfigJson(options.web, options.flows)));
}

TEST(Batch, EmptyRawLogPublishesEmptyViews) {
  TempDir tmp;
  auto report = RunBatch(Options(tmp.path()));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->watermark_segment, 0u);
  EXPECT_EQ(QueryInt(tmp.path(), "SELECT count(*) FROM events"), 0);
}

TEST(Batch, OneRunAtATime) {
  TempDir tmp;
  auto held = FileLock::TryAcquire(tmp.Sub("batch.lock"), "test");
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(RunBatch(Options(tmp.path())).status().code(), StatusCode::kFailedPrecondition);
}

TEST(Gen, RawWriterRefusesALiveCollectorsLog) {
  TempDir tmp;
  auto log = rawlog::LogWriter::Open(tmp.Sub("raw"), {});
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(WriteTrafficToRawLog(Traffic(10), tmp.Sub("raw"), 1 << 20, nullptr).status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace footfall::pipeline
