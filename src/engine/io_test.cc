#include "engine/io.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "parquet/reader.h"
#include "rawlog/segment.h"

namespace footfall::engine {
namespace {

TEST(RawLogSourceTest, OnePartitionPerSealedSegment) {
  TempDir dir;
  std::vector<std::string> want;
  for (uint64_t seg = 1; seg <= 3; ++seg) {
    auto active = rawlog::ActiveSegment::Create(dir.path(), seg);
    ASSERT_TRUE(active.ok()) << active.status().ToString();
    std::string frames;
    for (int i = 0; i < 10 * static_cast<int>(seg); ++i) {
      std::string body = "payload-" + std::to_string(seg) + "-" + std::to_string(i);
      rawlog::FrameRecord(body, &frames);
      if (seg < 3) want.push_back(body);
    }
    ASSERT_TRUE(active->AppendFramed(frames).ok());
    if (seg < 3) {
      ASSERT_TRUE(active->Seal().ok());
    } else {
      // The active segment is not part of the master dataset yet.
      ASSERT_TRUE(active->Sync().ok());
    }
  }
  Context ctx;
  auto ds = ReadRawLog(ctx, dir.path());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->num_partitions(), 2u);
  auto got = ds->Collect();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, want);
}

struct PageView {
  std::string user;
  int64_t ts = 0;
};

parquet::Schema ViewSchema() {
  return {{parquet::ColumnSpec::String("user_id"), parquet::ColumnSpec::TimestampMicros("tstamp"),
           parquet::ColumnSpec::String("page")}};
}

TEST(ParquetTest, ReadGroupWriteRoundTrip) {
  TempDir dir;
  const std::string in = dir.Sub("views.parquet");
  std::map<std::string, std::vector<int64_t>> want;
  {
    parquet::WriterOptions o;
    o.row_group_rows = 1000;
    auto w = parquet::ParquetWriter::Create(in, ViewSchema(), o);
    ASSERT_TRUE(w.ok());
    std::vector<parquet::ColumnVector> cols(3);
    cols[0] = parquet::ColumnVector(parquet::PhysicalType::kByteArray);
    cols[1] = parquet::ColumnVector(parquet::PhysicalType::kInt64);
    cols[2] = parquet::ColumnVector(parquet::PhysicalType::kByteArray);
    for (int i = 0; i < 4500; ++i) {
      const std::string user = "u" + std::to_string(i % 37);
      cols[0].AppendBytes(user);
      cols[1].AppendInt64(i * 1000);
      cols[2].AppendBytes("/p");
      want[user].push_back(i * 1000);
    }
    ASSERT_TRUE(w->Write(cols).ok());
    ASSERT_TRUE(w->Close().ok());
  }
  Context ctx;
  auto views = ReadParquet<PageView>(
      ctx, {in}, {"tstamp", "user_id"},
      [](std::span<const parquet::ColumnVector> c, Emitter<PageView> out) -> Status {
        for (size_t i = 0; i < c[0].size(); ++i) {
          out(PageView{std::string(c[1].GetBytes(i)), c[0].GetInt64(i)});
        }
        return Status::Ok();
      });
  ASSERT_TRUE(views.ok()) << views.status().ToString();
  EXPECT_EQ(views->num_partitions(), 5u);  // row groups

  // Pruned by statistics: the last two row groups hold tstamp from 3,000,000 on.
  auto recent = ReadParquet<int64_t>(
      ctx, {in}, {"tstamp"},
      [](std::span<const parquet::ColumnVector> c, Emitter<int64_t> out) -> Status {
        for (size_t i = 0; i < c[0].size(); ++i) out(c[0].GetInt64(i));
        return Status::Ok();
      },
      {parquet::ColumnPredicate::Between("tstamp", int64_t{3'200'000}, std::nullopt)});
  ASSERT_TRUE(recent.ok()) << recent.status().ToString();
  EXPECT_EQ(recent->num_partitions(), 2u);
  auto first = recent->Reduce([](int64_t a, int64_t b) { return std::min(a, b); });
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(**first, 3'000'000);  // whole row groups: rows are not filtered

  auto counts =
      views->Map([](const PageView& v) { return std::pair<std::string, int64_t>(v.user, 1); })
          .ReduceByKey([](int64_t a, int64_t b) { return a + b; }, 3);
  parquet::Schema out_schema{
      {parquet::ColumnSpec::String("user_id"), parquet::ColumnSpec::Int64("views")}};
  auto files = WriteParquet<std::pair<std::string, int64_t>>(
      counts, dir.Sub("out"), out_schema,
      [](const std::pair<std::string, int64_t>& r, std::span<parquet::ColumnVector> row) {
        row[0].AppendBytes(r.first);
        row[1].AppendInt64(r.second);
      });
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 3u);
  std::map<std::string, int64_t> got;
  for (const auto& f : *files) {
    auto r = parquet::ParquetReader::Open(f);
    ASSERT_TRUE(r.ok());
    auto cols = r->ReadAll();
    ASSERT_TRUE(cols.ok());
    for (size_t i = 0; i < (*cols)[0].size(); ++i) {
      got[std::string((*cols)[0].GetBytes(i))] = (*cols)[1].GetInt64(i);
    }
  }
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [u, ts] : want) EXPECT_EQ(got[u], static_cast<int64_t>(ts.size())) << u;
}

TEST(ParquetTest, MissingColumnIsNotFound) {
  TempDir dir;
  const std::string in = dir.Sub("v.parquet");
  auto w = parquet::ParquetWriter::Create(in, ViewSchema());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(w->Close().ok());
  Context ctx;
  auto views = ReadParquet<PageView>(
      ctx, {in}, {"nope"},
      [](std::span<const parquet::ColumnVector>, Emitter<PageView>) { return Status::Ok(); });
  ASSERT_FALSE(views.ok());
  EXPECT_EQ(views.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace footfall::engine
