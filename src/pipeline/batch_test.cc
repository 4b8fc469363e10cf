#include "pipeline/batch.h"

#include <gtest/gtest.h>

#include <fstream>

#include "base/file_lock.h"
#include "base/temp_dir.h"
#include "pipeline/gen.h"
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

TrafficOptions Traffic(uint64_t events) {
  TrafficOptions o;
  o.seed = 11;
  o.events = events;
  o.start = 1764115200000000;
  o.span = 3 * kMicrosPerDay - 3600 * kMicrosPerSecond;  // the last sessions end before day 4
  return o;
}

TEST(Batch, GeneratedTrafficEndsUpInTheServingStore) {
  TempDir tmp;
  const std::string data = tmp.path();
  auto segments = WriteTrafficToRawLog(Traffic(20000), data + "/raw", 512 << 10, nullptr);
  ASSERT_TRUE(segments.ok()) << segments.status().ToString();
  EXPECT_GT(*segments, 3u);

  BatchOptions options;
  options.data_dir = data;
  auto report = RunBatch(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->version, 1);
  EXPECT_EQ(report->raw_records, 20000u);
  EXPECT_EQ(report->events, 20000u);
  EXPECT_EQ(report->bad_rows, 0u);
  EXPECT_EQ(report->watermark_segment, *segments);

  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM events"), 20000);
  EXPECT_EQ(QueryInt(data, "SELECT sum(events) FROM traffic_daily"), 20000);
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM traffic_daily"), 3);
  EXPECT_EQ(QueryInt(data, "SELECT sum(page_views) FROM traffic_daily"),
            QueryInt(data, "SELECT count(*) FROM events WHERE event = 'page_view'"));
  EXPECT_EQ(QueryInt(data, "SELECT sum(sessions) FROM traffic_daily"),
            QueryInt(data, "SELECT count(DISTINCT domain_sessionid) FROM events"));
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM sessions"),
            static_cast<int64_t>(report->sessions));

  // A rebuild is a new version with the same numbers and the history of versions.
  auto again = RunBatch(options);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version, 2);
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM pipeline_versions"), 2);
  EXPECT_EQ(QueryInt(data, "SELECT count(*) FROM sessions"),
            static_cast<int64_t>(report->sessions));
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
    p.query = "e=pv&eid=6e0b1c3a-2d4f-4a5b-8c6d-7e8f9a0b1c2d&duid=u&sid=s&url=https%3A%2F%2Fa.b%2F";
    for (int i = 0; i < 3; ++i) (*log)->Append(rawlog::EncodePayload(p), [](const Status&) {});
    p.query = "e=nonsense";
    (*log)->Append(rawlog::EncodePayload(p), [](const Status&) {});
    (*log)->Append("not a payload", [](const Status&) {});
    ASSERT_TRUE((*log)->Close().ok());
  }
  BatchOptions options;
  options.data_dir = data;
  auto report = RunBatch(options);
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

TEST(Batch, EmptyRawLogPublishesEmptyViews) {
  TempDir tmp;
  BatchOptions options;
  options.data_dir = tmp.path();
  auto report = RunBatch(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->watermark_segment, 0u);
  EXPECT_EQ(QueryInt(tmp.path(), "SELECT count(*) FROM events"), 0);
}

TEST(Batch, OneRunAtATime) {
  TempDir tmp;
  auto held = FileLock::TryAcquire(tmp.Sub("batch.lock"), "test");
  ASSERT_TRUE(held.ok());
  BatchOptions options;
  options.data_dir = tmp.path();
  EXPECT_EQ(RunBatch(options).status().code(), StatusCode::kFailedPrecondition);
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
