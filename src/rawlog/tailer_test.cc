#include "rawlog/tailer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <thread>

#include "base/files.h"
#include "base/temp_dir.h"
#include "rawlog/format.h"
#include "rawlog/log_writer.h"
#include "rawlog/segment.h"

namespace footfall::rawlog {
namespace {

constexpr Micros kWait = 10 * kMicrosPerSecond;  // the cap on any wait for a record

// Appends and waits for `done`, at most 30 s (a test must end even when the writer hangs).
Status AppendAndWait(LogWriter& w, std::string record) {
  auto p = std::make_shared<std::promise<Status>>();
  std::future<Status> f = p->get_future();
  w.Append(std::move(record), [p](const Status& s) { p->set_value(s); });
  if (f.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    return Internal("no acknowledgement within 30 s");
  }
  return f.get();
}

std::string Body(int i) {
  std::string r = "record-" + std::to_string(i) + "-";
  r.resize(40 + static_cast<size_t>(i % 7) * 30, static_cast<char>('a' + i % 26));
  return r;
}

// Reads `n` records, each within kWait; fails the test on an error or a timeout.
std::vector<Record> Take(Tailer& tailer, size_t n) {
  std::vector<Record> out;
  while (out.size() < n) {
    auto rec = tailer.Next(kWait);
    EXPECT_TRUE(rec.ok()) << rec.status().ToString();
    if (!rec.ok()) break;
    EXPECT_TRUE(rec->has_value()) << "no record " << out.size() << " within the wait";
    if (!*rec) break;
    out.push_back(std::move(**rec));
  }
  return out;
}

// Polls until nothing is new; the records found.
std::vector<std::string> Drain(Tailer& tailer) {
  std::vector<std::string> out;
  for (;;) {
    auto rec = tailer.Poll();
    EXPECT_TRUE(rec.ok()) << rec.status().ToString();
    if (!rec.ok() || !*rec) break;
    out.push_back((*rec)->body);
  }
  return out;
}

// Positions increase; a record follows the previous one in its segment, or starts a later one.
void ExpectContiguous(const std::vector<Record>& records) {
  for (size_t i = 1; i < records.size(); ++i) {
    const Position prev_next = records[i - 1].next();
    const Position at = records[i].position;
    ASSERT_LT(records[i - 1].position, at);
    if (at.segment == prev_next.segment) {
      EXPECT_EQ(at, prev_next) << "record " << i;
    } else {
      EXPECT_EQ(at.offset, kSegmentHeaderSize) << "record " << i;
    }
  }
}

// `records` records appended while a tailer follows them, into segments of `segment_max_bytes`,
// the last of them numbered `min_last_segment` or more.
void FollowWriter(bool bounded, uint64_t segment_max_bytes, int records,
                  uint64_t min_last_segment) {
  TempDir tmp;
  LogOptions options;
  options.segment_max_bytes = segment_max_bytes;
  auto w = LogWriter::Open(tmp.path(), options);
  ASSERT_TRUE(w.ok());
  TailerOptions tailer_options;
  if (bounded) tailer_options.writer = w->get();
  auto tailer = Tailer::Open(tmp.path(), {}, tailer_options);
  ASSERT_TRUE(tailer.ok()) << tailer.status().ToString();

  std::thread producer([&] {
    std::vector<std::future<Status>> acks;
    for (int i = 0; i < records; ++i) {
      auto p = std::make_shared<std::promise<Status>>();
      acks.push_back(p->get_future());
      (*w)->Append(Body(i), [p](const Status& s) { p->set_value(s); });
      if (i % 10 == 0) acks.back().wait();  // vary the batch sizes
    }
    for (auto& a : acks) EXPECT_TRUE(a.get().ok());
  });
  const std::vector<Record> got = Take(*tailer, records);
  producer.join();
  ASSERT_EQ(got.size(), static_cast<size_t>(records));
  for (int i = 0; i < records; ++i) EXPECT_EQ(got[i].body, Body(i)) << i;
  ExpectContiguous(got);
  EXPECT_GE(got.back().position.segment, min_last_segment) << "the records span seals";
  EXPECT_TRUE(Drain(*tailer).empty());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_TRUE(Drain(*tailer).empty());
}

TEST(Tailer, FollowsAWriterAcrossSizeSeals) { FollowWriter(false, 2000, 300, 10); }

TEST(Tailer, FollowsAWriterUpToWhatItAcknowledged) { FollowWriter(true, 2000, 300, 10); }

// Thousands of batches per segment, each rewriting the block the one before ended in: with
// direct I/O (the default durability, where the file system takes it) that block is written
// around the page cache the tailer reads through.
TEST(Tailer, FollowsAWriterThroughRewrittenBlocks) { FollowWriter(false, 1 << 20, 20000, 2); }

TEST(Tailer, ContinuesAcrossAWriterCloseAndReopen) {
  TempDir tmp;
  auto tailer = Tailer::Open(tmp.path(), {});
  ASSERT_TRUE(tailer.ok());
  EXPECT_TRUE(Drain(*tailer).empty());  // an empty log: nothing, no error
  int next = 0;
  for (int run = 0; run < 3; ++run) {
    auto w = LogWriter::Open(tmp.path(), {});
    ASSERT_TRUE(w.ok());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(AppendAndWait(**w, Body(next + i)).ok());
    const std::vector<Record> got = Take(*tailer, 5);
    ASSERT_EQ(got.size(), 5u);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(got[i].body, Body(next + i));
    EXPECT_EQ(got[0].position.segment, static_cast<uint64_t>(run + 1));
    next += 5;
    ASSERT_TRUE((*w)->Close().ok());
  }
  EXPECT_TRUE(Drain(*tailer).empty());
  EXPECT_EQ(tailer->position(), Position::Start(4));
}

TEST(Tailer, ReturnsAFrameOnlyOnceItIsWhole) {
  TempDir tmp;
  auto seg = ActiveSegment::Create(tmp.path(), 1);
  ASSERT_TRUE(seg.ok());
  auto tailer = Tailer::Open(tmp.path(), {});
  ASSERT_TRUE(tailer.ok());
  std::string frame;
  FrameRecord("a whole record at last", &frame);
  // Byte by byte: nothing until the last byte of the frame is there.
  for (size_t i = 0; i + 1 < frame.size(); ++i) {
    ASSERT_TRUE(seg->AppendFramed(frame.substr(i, 1)).ok());
    auto rec = tailer->Poll();
    ASSERT_TRUE(rec.ok()) << rec.status().ToString();
    EXPECT_FALSE(rec->has_value()) << "after " << i + 1 << " bytes";
  }
  ASSERT_TRUE(seg->AppendFramed(frame.substr(frame.size() - 1)).ok());
  auto rec = tailer->Poll();
  ASSERT_TRUE(rec.ok() && rec->has_value());
  EXPECT_EQ((*rec)->body, "a whole record at last");
}

TEST(Tailer, NeverReturnsATornTailThatRecoveryCuts) {
  TempDir tmp;
  {
    // A crashed writer: two whole records, then a torn frame (its length promises more).
    auto seg = ActiveSegment::Create(tmp.path(), 1);
    std::string frames;
    FrameRecord("kept-1", &frames);
    FrameRecord("kept-2", &frames);
    std::string torn;
    FrameRecord("this record was cut short by the crash", &torn);
    frames += torn.substr(0, torn.size() - 5);
    ASSERT_TRUE(seg->AppendFramed(frames).ok());
  }
  auto tailer = Tailer::Open(tmp.path(), {});
  ASSERT_TRUE(tailer.ok());
  EXPECT_EQ(Drain(*tailer), (std::vector<std::string>{"kept-1", "kept-2"}));
  EXPECT_TRUE(Drain(*tailer).empty());
  // The writer restarts: recovery cuts the torn frame and seals segment 1; new records go to 2.
  auto w = LogWriter::Open(tmp.path(), {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(AppendAndWait(**w, "after-restart").ok());
  const std::vector<Record> got = Take(*tailer, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "after-restart");
  EXPECT_EQ(got[0].position, Position::Start(2));
}

TEST(Tailer, FollowsASegmentRemovedByRecoveryAndMadeAgain) {
  TempDir tmp;
  {
    auto seg = ActiveSegment::Create(tmp.path(), 1);  // a crash before the first record
    ASSERT_TRUE(seg.ok());
  }
  auto tailer = Tailer::Open(tmp.path(), {});
  ASSERT_TRUE(tailer.ok());
  EXPECT_TRUE(Drain(*tailer).empty());
  // Recovery removes the empty segment 1; the writer makes number 1 again, a new file.
  auto w = LogWriter::Open(tmp.path(), {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(AppendAndWait(**w, "in-the-new-1").ok());
  const std::vector<Record> got = Take(*tailer, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "in-the-new-1");
  EXPECT_EQ(got[0].position, Position::Start(1));
}

TEST(Tailer, MovesPastAnAbandonedSegmentAndSkippedNumbers) {
  TempDir tmp;
  {
    // Segment 1 left `.open` (abandoned after an I/O error), the writer went on with 2; 3 and 4
    // were removed empty by recovery, 5 holds records.
    auto seg = ActiveSegment::Create(tmp.path(), 1);
    std::string frames;
    FrameRecord("in-abandoned-1", &frames);
    ASSERT_TRUE(seg->AppendFramed(frames).ok());
  }
  for (const uint64_t n : {2, 5}) {
    auto seg = ActiveSegment::Create(tmp.path(), n);
    std::string frames;
    FrameRecord("in-" + std::to_string(n), &frames);
    ASSERT_TRUE(seg->AppendFramed(frames).ok());
    ASSERT_TRUE(seg->Seal().ok());
  }
  TailerOptions options;
  options.relist_interval = 0;
  auto tailer = Tailer::Open(tmp.path(), {}, options);
  ASSERT_TRUE(tailer.ok());
  EXPECT_EQ(Drain(*tailer), (std::vector<std::string>{"in-abandoned-1", "in-2", "in-5"}));
}

TEST(Tailer, StartsAtAPositionAndChecksIt) {
  TempDir tmp;
  auto w = LogWriter::Open(tmp.path(), {});
  ASSERT_TRUE(w.ok());
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(AppendAndWait(**w, Body(i)).ok());
  auto all = Tailer::Open(tmp.path(), {});
  ASSERT_TRUE(all.ok());
  const std::vector<Record> records = Take(*all, 4);
  ASSERT_EQ(records.size(), 4u);
  // From the third record's position, in the active segment.
  auto from = Tailer::Open(tmp.path(), records[2].position);
  ASSERT_TRUE(from.ok()) << from.status().ToString();
  EXPECT_EQ(Drain(*from), (std::vector<std::string>{Body(2), Body(3)}));
  EXPECT_EQ(Tailer::Open(tmp.path(), {1, records[2].position.offset + 1}).status().code(),
            StatusCode::kInvalidArgument);
  // Checked when the segment appears, and on every poll after that.
  auto not_yet = Tailer::Open(tmp.path(), {2, 40});
  ASSERT_TRUE(not_yet.ok());
  EXPECT_EQ(Tailer::Open(tmp.path(), {1, 3}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Tailer::Open(tmp.path(), {1, records[3].next().offset + 100}).status().code(),
            StatusCode::kInvalidArgument);
  // A position in a segment not made yet is checked when it is.
  ASSERT_TRUE((*w)->SealActive().ok());
  auto later = Tailer::Open(tmp.path(), Position::Start(2));
  ASSERT_TRUE(later.ok());
  ASSERT_TRUE(AppendAndWait(**w, "in-2").ok());
  const std::vector<Record> got = Take(*later, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "in-2");
  // Segment 2's frames start at 16 ("in-2") and 28 ("more-in-2", to 45): 40 is no boundary.
  ASSERT_TRUE(AppendAndWait(**w, "more-in-2").ok());
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(not_yet->Poll().status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(Tailer, WithTheWriterReturnsOnlyAcknowledgedRecords) {
  TempDir tmp;
  auto w = LogWriter::Open(tmp.path(), {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(AppendAndWait(**w, "acknowledged").ok());
  {
    // Bytes in the active file that no acknowledgement covers (as after a failed sync, before
    // the writer cuts them back out).
    std::string frame;
    FrameRecord("never-acknowledged", &frame);
    UniqueFd fd(::open(SegmentPath(tmp.path(), 1, false).c_str(), O_WRONLY));
    ASSERT_TRUE(fd.valid());
    const auto end = static_cast<off_t>((*w)->AcknowledgedEnd().offset);
    ASSERT_EQ(::pwrite(fd.get(), frame.data(), frame.size(), end),
              static_cast<ssize_t>(frame.size()));
  }
  TailerOptions bounded;
  bounded.writer = w->get();
  auto with_writer = Tailer::Open(tmp.path(), {}, bounded);
  ASSERT_TRUE(with_writer.ok());
  EXPECT_EQ(Drain(*with_writer), std::vector<std::string>{"acknowledged"});
  auto files_only = Tailer::Open(tmp.path(), {});
  ASSERT_TRUE(files_only.ok());
  EXPECT_EQ(Drain(*files_only), (std::vector<std::string>{"acknowledged", "never-acknowledged"}));
}

TEST(Tailer, ReportsDamageInASealedSegmentAndGoesOn) {
  TempDir tmp;
  {
    auto seg = ActiveSegment::Create(tmp.path(), 1);
    std::string frames;
    FrameRecord("first", &frames);
    FrameRecord("second", &frames);
    ASSERT_TRUE(seg->AppendFramed(frames).ok());
  }
  {
    std::fstream f(SegmentPath(tmp.path(), 1, false),
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(kSegmentHeaderSize + 2 * kRecordHeaderSize + 5 + 1));
    f.put('X');
  }
  ASSERT_TRUE(SealRecovered(tmp.path(), 1).ok());
  {
    auto seg = ActiveSegment::Create(tmp.path(), 2);
    std::string frames;
    FrameRecord("third", &frames);
    ASSERT_TRUE(seg->AppendFramed(frames).ok());
  }
  auto tailer = Tailer::Open(tmp.path(), {});
  ASSERT_TRUE(tailer.ok());
  EXPECT_EQ((*tailer->Poll())->body, "first");
  EXPECT_EQ(tailer->Poll().status().code(), StatusCode::kCorruption);
  EXPECT_EQ((*tailer->Poll())->body, "third");
}

TEST(Tailer, NextTimesOutWithNothing) {
  TempDir tmp;
  auto tailer = Tailer::Open(tmp.path(), {});
  ASSERT_TRUE(tailer.ok());
  auto rec = tailer->Next(20'000);
  ASSERT_TRUE(rec.ok());
  EXPECT_FALSE(rec->has_value());
}

}  // namespace
}  // namespace footfall::rawlog
