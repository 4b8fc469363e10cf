#include "rawlog/reader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "base/temp_dir.h"
#include "rawlog/format.h"
#include "rawlog/segment.h"

namespace footfall::rawlog {
namespace {

// Writes segment `number` with `records`, sealed or left `.open`.
void WriteSegment(const std::string& dir, uint64_t number, const std::vector<std::string>& records,
                  bool seal) {
  auto seg = ActiveSegment::Create(dir, number);
  ASSERT_TRUE(seg.ok()) << seg.status().ToString();
  std::string frames;
  for (const auto& r : records) FrameRecord(r, &frames);
  ASSERT_TRUE(seg->AppendFramed(frames).ok());
  if (seal) {
    ASSERT_TRUE(seg->Seal().ok());
  }
}

std::vector<Record> ReadAll(LogReader& reader) {
  std::vector<Record> out;
  for (;;) {
    auto rec = reader.Next();
    EXPECT_TRUE(rec.ok()) << rec.status().ToString();
    if (!rec.ok() || !*rec) break;
    out.push_back(std::move(**rec));
  }
  return out;
}

std::vector<std::string> Bodies(const std::vector<Record>& records) {
  std::vector<std::string> out;
  out.reserve(records.size());
  for (const Record& r : records) out.push_back(r.body);
  return out;
}

TEST(LogReader, ReadsSealedSegmentsWithPositions) {
  TempDir tmp;
  WriteSegment(tmp.path(), 1, {"a", "bb"}, true);
  WriteSegment(tmp.path(), 2, {"ccc"}, true);
  auto reader = LogReader::Open(tmp.path());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const std::vector<Record> all = ReadAll(*reader);
  ASSERT_EQ(Bodies(all), (std::vector<std::string>{"a", "bb", "ccc"}));
  EXPECT_EQ(all[0].position, Position::Start(1));
  EXPECT_EQ(all[1].position, (Position{1, kSegmentHeaderSize + kRecordHeaderSize + 1}));
  EXPECT_EQ(all[2].position, Position::Start(2));
  EXPECT_EQ(all[1].next(), (Position{1, kSegmentHeaderSize + 2 * kRecordHeaderSize + 3}));
  EXPECT_LT(all[0].position, all[1].position);
  EXPECT_LT(all[1].position, all[2].position);
  EXPECT_EQ(reader->position(), Position::Start(3));

  // From every record's position, and from just after it, the rest of the log.
  const std::vector<std::string> bodies = Bodies(all);
  for (size_t i = 0; i < all.size(); ++i) {
    auto from = LogReader::Open(tmp.path(), all[i].position);
    ASSERT_TRUE(from.ok()) << from.status().ToString();
    EXPECT_EQ(Bodies(ReadAll(*from)),
              std::vector<std::string>(bodies.begin() + static_cast<long>(i), bodies.end()));
    auto after = LogReader::Open(tmp.path(), all[i].next());
    ASSERT_TRUE(after.ok()) << after.status().ToString();
    EXPECT_EQ(ReadAll(*after).size(), all.size() - i - 1);
  }
}

TEST(LogReader, RejectsOffsetsThatAreNotFrameBoundaries) {
  TempDir tmp;
  WriteSegment(tmp.path(), 1, {"alpha", "beta"}, true);
  const uint64_t size = kSegmentHeaderSize + 2 * kRecordHeaderSize + 9;
  EXPECT_EQ(LogReader::Open(tmp.path(), {1, 5}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LogReader::Open(tmp.path(), {1, kSegmentHeaderSize + 1}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(LogReader::Open(tmp.path(), {1, size + 1}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(LogReader::Open(tmp.path(), {0, 7}).status().code(), StatusCode::kInvalidArgument);
  auto at_end = LogReader::Open(tmp.path(), {1, size});
  ASSERT_TRUE(at_end.ok());
  EXPECT_TRUE(ReadAll(*at_end).empty());
  auto from_zero = LogReader::Open(tmp.path(), {1, 0});
  ASSERT_TRUE(from_zero.ok());
  EXPECT_EQ(ReadAll(*from_zero).size(), 2u);
}

TEST(LogReader, DamagedLengthBeforeTheOffsetIsCorruption) {
  TempDir tmp;
  WriteSegment(tmp.path(), 1, {"alpha", "beta"}, false);
  const std::string path = SegmentPath(tmp.path(), 1, false);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(kSegmentHeaderSize));
    f.write("\0\0\0\0", 4);  // length 0: impossible
  }
  ASSERT_TRUE(SealRecovered(tmp.path(), 1).ok());
  EXPECT_EQ(
      LogReader::Open(tmp.path(), {1, kSegmentHeaderSize + kRecordHeaderSize + 5}).status().code(),
      StatusCode::kCorruption);
}

TEST(LogReader, StopsAtTheFirstUnsealedSegmentAndPicksUpLaterSeals) {
  TempDir tmp;
  WriteSegment(tmp.path(), 1, {"a"}, true);
  WriteSegment(tmp.path(), 2, {"b"}, false);  // active, or abandoned after an I/O error
  WriteSegment(tmp.path(), 3, {"c"}, true);
  auto reader = LogReader::Open(tmp.path());
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(Bodies(ReadAll(*reader)), std::vector<std::string>{"a"});
  EXPECT_EQ(reader->position(), Position::Start(2));
  // As recovery does: the zeros filled in ahead of the records go first.
  ASSERT_TRUE(TruncateTornTail(SegmentPath(tmp.path(), 2, false)).ok());
  ASSERT_TRUE(SealRecovered(tmp.path(), 2).ok());
  EXPECT_EQ(Bodies(ReadAll(*reader)), (std::vector<std::string>{"b", "c"}));
}

TEST(LogReader, SkipsRemovedSegmentsButNotPositionsInsideThem) {
  TempDir tmp;
  WriteSegment(tmp.path(), 3, {"c"}, true);
  auto from_start = LogReader::Open(tmp.path());
  ASSERT_TRUE(from_start.ok());
  EXPECT_EQ(Bodies(ReadAll(*from_start)), std::vector<std::string>{"c"});
  EXPECT_EQ(LogReader::Open(tmp.path(), {2, 40}).status().code(), StatusCode::kNotFound);
  auto empty = LogReader::Open(tmp.path(), Position::Start(9));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(ReadAll(*empty).empty());
}

TEST(LogReader, ReportsDamageAndContinuesWithTheNextSegment) {
  TempDir tmp;
  WriteSegment(tmp.path(), 1, {"first", "second"}, false);
  {
    std::fstream f(SegmentPath(tmp.path(), 1, false),
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(kSegmentHeaderSize + 2 * kRecordHeaderSize + 5 + 1));
    f.put('X');
  }
  ASSERT_TRUE(SealRecovered(tmp.path(), 1).ok());
  WriteSegment(tmp.path(), 2, {"third"}, true);
  auto reader = LogReader::Open(tmp.path());
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader->Next())->body, "first");
  EXPECT_EQ(reader->Next().status().code(), StatusCode::kCorruption);
  EXPECT_EQ((*reader->Next())->body, "third");
}

}  // namespace
}  // namespace footfall::rawlog
