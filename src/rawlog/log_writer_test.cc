#include "rawlog/log_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <thread>

#include "base/temp_dir.h"
#include "rawlog/segment.h"

namespace footfall::rawlog {
namespace {

std::vector<std::string> ReadSealed(const std::string& dir) {
  std::vector<std::string> out;
  const auto segments = ListSegments(dir);
  EXPECT_TRUE(segments.ok());
  for (const SegmentInfo& seg : *segments) {
    EXPECT_TRUE(seg.sealed) << seg.path;
    auto reader = SegmentReader::Open(seg.path);
    EXPECT_TRUE(reader.ok());
    while (auto rec = *reader->Next()) out.emplace_back(*rec);
  }
  return out;
}

Status AppendAndWait(LogWriter& w, std::string record) {
  std::promise<Status> p;
  w.Append(std::move(record), [&p](const Status& s) { p.set_value(s); });
  return p.get_future().get();
}

TEST(LogWriter, AcknowledgesDurableRecordsAndSealsOnClose) {
  TempDir tmp;
  auto w = LogWriter::Open(tmp.path(), {});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE(AppendAndWait(**w, "a").ok());
  ASSERT_TRUE(AppendAndWait(**w, "b").ok());
  // Acknowledged records are on disk before Close, in the active segment.
  auto list = ListSegments(tmp.path());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_FALSE((*list)[0].sealed);
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(ReadSealed(tmp.path()), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ((*w)->Stats().records, 2u);
}

TEST(LogWriter, GroupCommitsConcurrentAppends) {
  TempDir tmp;
  auto w = LogWriter::Open(tmp.path(), {});
  ASSERT_TRUE(w.ok());
  constexpr int kThreads = 8, kPerThread = 200;
  std::atomic<int> acked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (AppendAndWait(**w, std::to_string(t) + ":" + std::to_string(i)).ok()) ++acked;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(acked.load(), kThreads * kPerThread);
  const LogStats stats = (*w)->Stats();
  EXPECT_EQ(stats.records, uint64_t{kThreads * kPerThread});
  EXPECT_LE(stats.syncs, stats.records);
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(ReadSealed(tmp.path()).size(), size_t{kThreads * kPerThread});
}

TEST(LogWriter, SealsBySize) {
  TempDir tmp;
  LogOptions options;
  options.segment_max_bytes = 1000;
  auto w = LogWriter::Open(tmp.path(), options);
  ASSERT_TRUE(w.ok());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(AppendAndWait(**w, std::string(100, 'a' + i % 26)).ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto list = ListSegments(tmp.path());
  // A segment is sealed by the append that takes it to the limit: 16 + 10 * 108 bytes.
  EXPECT_EQ(list->size(), 5u);
  for (const auto& seg : *list) EXPECT_LE(seg.size, 1000u + 108u);
  EXPECT_EQ(ReadSealed(tmp.path()).size(), 50u);
}

TEST(LogWriter, SealActiveMakesRecordsReadable) {
  TempDir tmp;
  auto w = LogWriter::Open(tmp.path(), {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(AppendAndWait(**w, "x").ok());
  ASSERT_TRUE((*w)->SealActive().ok());
  EXPECT_EQ(ReadSealed(tmp.path()), std::vector<std::string>{"x"});
  ASSERT_TRUE(AppendAndWait(**w, "y").ok());
  ASSERT_TRUE((*w)->SealActive().ok());
  ASSERT_TRUE((*w)->SealActive().ok());  // nothing new: no empty segment
  EXPECT_EQ(ListSegments(tmp.path())->size(), 2u);
}

TEST(LogWriter, SealsByAge) {
  TempDir tmp;
  LogOptions options;
  options.seal_after = 0;
  auto w = LogWriter::Open(tmp.path(), options);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(AppendAndWait(**w, "x").ok());
  // The writer seals right after the batch that made the segment too old; wait for it, bounded.
  bool sealed = false;
  for (int i = 0; i < 500 && !sealed; ++i) {
    sealed = (*w)->Stats().sealed_segments == 1;
    if (!sealed) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(sealed);
}

TEST(LogWriter, SecondWriterIsRefused) {
  TempDir tmp;
  auto a = LogWriter::Open(tmp.path(), {});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(LogWriter::Open(tmp.path(), {}).status().code(), StatusCode::kFailedPrecondition);
}

TEST(LogWriter, AppendAfterCloseFails) {
  TempDir tmp;
  auto w = LogWriter::Open(tmp.path(), {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(AppendAndWait(**w, "late").code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE((*w)->Close().ok());
}

TEST(LogWriter, RecoversCrashedActiveSegment) {
  TempDir tmp;
  {
    // A crash: records written to an active segment that was never sealed, then a torn frame.
    auto seg = ActiveSegment::Create(tmp.path(), 1);
    std::string frames;
    FrameRecord("kept-1", &frames);
    FrameRecord("kept-2", &frames);
    ASSERT_TRUE(seg->AppendFramed(frames).ok());
    ASSERT_TRUE(seg->AppendFramed(std::string("\x20\x00\x00\x00torn", 8)).ok());
  }
  {
    // And an active segment that never got a record.
    auto empty = ActiveSegment::Create(tmp.path(), 2);
    ASSERT_TRUE(empty.ok());
  }
  auto w = LogWriter::Open(tmp.path(), {});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(ReadSealed(tmp.path()), (std::vector<std::string>{"kept-1", "kept-2"}));
  ASSERT_TRUE(AppendAndWait(**w, "after").ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto list = ListSegments(tmp.path());
  ASSERT_EQ(list->size(), 2u);
  // The empty segment 2 was removed, so its number is free again; no record ever had it.
  EXPECT_EQ((*list)[1].number, 2u);
  EXPECT_EQ(ReadSealed(tmp.path()).back(), "after");
}

}  // namespace
}  // namespace footfall::rawlog
