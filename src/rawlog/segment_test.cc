#include "rawlog/segment.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <string>
#include <string_view>

#include "base/files.h"
#include "base/temp_dir.h"
#include "rawlog/format.h"

namespace footfall::rawlog {
namespace {

std::vector<std::string> ReadAll(const std::string& path) {
  auto reader = SegmentReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<std::string> out;
  for (;;) {
    auto rec = reader->Next();
    EXPECT_TRUE(rec.ok()) << rec.status().ToString();
    if (!rec.ok() || !*rec) break;
    out.emplace_back(**rec);
  }
  return out;
}

std::string WriteSegment(const std::string& dir, uint64_t number,
                         const std::vector<std::string>& records, bool seal) {
  auto seg = ActiveSegment::Create(dir, number);
  EXPECT_TRUE(seg.ok()) << seg.status().ToString();
  std::string frames;
  for (const auto& r : records) FrameRecord(r, &frames);
  EXPECT_TRUE(seg->AppendFramed(frames).ok());
  EXPECT_TRUE(seg->Sync().ok());
  if (seal) {
    EXPECT_TRUE(seg->Seal().ok());
  }
  return dir + "/" + SegmentFileName(number, seal);
}

// Appends `record`, framed, to `seg`; returns the frame.
std::string AppendOne(ActiveSegment* seg, std::string_view record) {
  std::string frame;
  FrameRecord(record, &frame);
  EXPECT_TRUE(seg->AppendFramed(frame).ok());
  return frame;
}

TEST(Segment, NamesAndListing) {
  TempDir tmp;
  EXPECT_EQ(SegmentFileName(42, true), "000000000042.seg");
  EXPECT_EQ(SegmentFileName(42, false), "000000000042.open");
  EXPECT_TRUE(ListSegments(tmp.Sub("missing"))->empty());
  WriteSegment(tmp.path(), 2, {"b"}, true);
  WriteSegment(tmp.path(), 1, {"a"}, true);
  WriteSegment(tmp.path(), 3, {"c"}, false);
  std::ofstream(tmp.Sub("notes.txt")) << "ignored";
  std::ofstream(tmp.Sub("12.seg")) << "ignored: bad name";
  auto list = ListSegments(tmp.path());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].number, 1u);
  EXPECT_TRUE((*list)[1].sealed);
  EXPECT_FALSE((*list)[2].sealed);
  EXPECT_EQ(*NextSegmentNumber(tmp.path()), 4u);
}

TEST(Segment, WritesAndReadsRecords) {
  TempDir tmp;
  const std::vector<std::string> records = {"one", std::string(100000, 'x'), "three"};
  const std::string path = WriteSegment(tmp.path(), 1, records, true);
  EXPECT_EQ(ReadAll(path), records);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0222, 0u) << "sealed segments are read-only";
}

// The writer's way: each record's frame header and body as two pieces, more pieces than one
// pwritev takes, the same bytes as frames copied into one string.
TEST(Segment, AppendsFramesGivenInPieces) {
  TempDir tmp;
  std::vector<std::string> records;
  for (int i = 0; i < 1500; ++i) records.push_back("record " + std::to_string(i));
  std::vector<std::array<char, kRecordHeaderSize>> headers(records.size());
  std::vector<iovec> pieces;
  for (size_t i = 0; i < records.size(); ++i) {
    EncodeFrameHeader(records[i], headers[i].data());
    pieces.push_back({headers[i].data(), headers[i].size()});
    pieces.push_back({records[i].data(), records[i].size()});
  }
  auto seg = ActiveSegment::Create(tmp.path(), 1);
  ASSERT_TRUE(seg.ok()) << seg.status().ToString();
  ASSERT_TRUE(seg->AppendFramed(pieces).ok());
  std::string frames;
  for (const auto& r : records) FrameRecord(r, &frames);
  EXPECT_EQ(seg->size(), kSegmentHeaderSize + frames.size());
  ASSERT_TRUE(seg->Seal().ok());
  const std::string path = SegmentPath(tmp.path(), 1, true);
  EXPECT_EQ(ReadAll(path), records);
  EXPECT_EQ(ReadWholeFile(path)->substr(kSegmentHeaderSize), frames);
}

TEST(Segment, FlippedBitIsCorruptionWithOffset) {
  TempDir tmp;
  const std::string path = WriteSegment(tmp.path(), 1, {"first", "second"}, false);
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(kSegmentHeaderSize + kRecordHeaderSize + 5 +
                                      kRecordHeaderSize + 2));
  f.put('X');
  f.close();
  auto reader = SegmentReader::Open(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(**reader->Next(), "first");
  auto bad = reader->Next();
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
}

TEST(Segment, NotASegment) {
  TempDir tmp;
  std::ofstream(tmp.Sub("x.seg")) << "hello, this is not a segment";
  EXPECT_EQ(SegmentReader::Open(tmp.Sub("x.seg")).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(SegmentReader::Open(tmp.Sub("none.seg")).status().code(), StatusCode::kNotFound);
}

TEST(Segment, TruncatesEveryTornTail) {
  TempDir tmp;
  const std::string path = WriteSegment(tmp.path(), 1, {"alpha", "beta", "gamma"}, false);
  std::ifstream in(path, std::ios::binary);
  std::string full((std::istreambuf_iterator<char>(in)), {});
  const uint64_t two_records = kSegmentHeaderSize + 2 * kRecordHeaderSize + 5 + 4;
  const uint64_t three_records = two_records + kRecordHeaderSize + 5;
  // The zeros filled in ahead of the records are cut, and not counted as torn.
  ASSERT_GT(full.size(), three_records);
  EXPECT_EQ(full.find_first_not_of('\0', three_records), std::string::npos);
  EXPECT_EQ(*TruncateTornTail(path), 0u);
  EXPECT_EQ(ReadAll(path), (std::vector<std::string>{"alpha", "beta", "gamma"}));
  full.resize(three_records);
  // Every cut inside the third frame recovers exactly the first two records.
  for (uint64_t cut = two_records + 1; cut < full.size(); ++cut) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << full.substr(0, cut);
    auto removed = TruncateTornTail(path);
    ASSERT_TRUE(removed.ok());
    // Zeros the torn bytes end with are not told apart from the space filled ahead of them.
    const std::string torn = full.substr(two_records, cut - two_records);
    EXPECT_EQ(*removed, torn.find_last_not_of('\0') + 1);
    EXPECT_EQ(ReadAll(path), (std::vector<std::string>{"alpha", "beta"}));
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << full;
  EXPECT_EQ(*TruncateTornTail(path), 0u);
  // A torn record and zeros after it: only the torn bytes count.
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      << full.substr(0, two_records + 6) << std::string(1000, '\0');
  EXPECT_EQ(*TruncateTornTail(path), 6u);
  EXPECT_EQ(ReadAll(path), (std::vector<std::string>{"alpha", "beta"}));
}

TEST(Segment, FillsZerosAheadOfTheRecordsUntilSealed) {
  TempDir tmp;
  auto seg = ActiveSegment::Create(tmp.path(), 1);
  ASSERT_TRUE(seg.ok());
  const std::string frames = AppendOne(&*seg, "kept");
  struct stat st {};
  ASSERT_EQ(::stat(seg->path().c_str(), &st), 0);
  EXPECT_GT(static_cast<uint64_t>(st.st_size), seg->size() + (64 << 10));
  EXPECT_EQ(*WrittenBytes(seg->path()), seg->size());
  // A record's own trailing zeros are its bytes, not the space ahead.
  std::string ends_in_zeros;
  FrameRecord(std::string("z\0\0", 3), &ends_in_zeros);
  {
    auto other = ActiveSegment::Create(tmp.path(), 2);
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE(other->AppendFramed(frames + ends_in_zeros).ok());
    EXPECT_EQ(*WrittenBytes(other->path()), other->size());
  }
  // A reader of the `.open` file: the zeros after the last record are not written yet, and so
  // is a frame whose body is not all copied in; a damaged frame with records after it is not.
  const std::string data = ReadWholeFile(seg->path()).value();
  EXPECT_TRUE(NotWrittenYet(data, seg->size()));
  std::string copying = data;
  copying.replace(seg->size(), frames.size() - 2, frames.substr(0, frames.size() - 2));
  EXPECT_TRUE(NotWrittenYet(copying, seg->size()));
  std::string damaged = data.substr(0, seg->size()) + frames;
  damaged[kSegmentHeaderSize + kRecordHeaderSize] ^= 1;
  EXPECT_FALSE(NotWrittenYet(damaged, kSegmentHeaderSize));
  ASSERT_TRUE(seg->Seal().ok());
  const std::string sealed = SegmentPath(tmp.path(), 1, true);
  ASSERT_EQ(::stat(sealed.c_str(), &st), 0);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), seg->size());
  EXPECT_EQ(*WrittenBytes(sealed), seg->size());
  EXPECT_EQ(WrittenBytes(seg->path()).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ReadAll(sealed), std::vector<std::string>{"kept"});
}

TEST(Segment, LargeBatchesGrowTheFileInsteadOfFillingZeros) {
  TempDir tmp;
  auto seg = ActiveSegment::Create(tmp.path(), 1);
  ASSERT_TRUE(seg.ok());
  const auto file_size = [&] {
    struct stat st {};
    EXPECT_EQ(::stat(seg->path().c_str(), &st), 0);
    return static_cast<uint64_t>(st.st_size);
  };
  // Batches of 64 KiB, twice the limit, through the zeros filled at creation and beyond: once
  // past them, the file ends with the last batch.
  std::string batch;
  FrameRecord(std::string(64 << 10, 'p'), &batch);
  while (seg->size() < (3 << 20)) ASSERT_TRUE(seg->AppendFramed(batch).ok());
  EXPECT_EQ(file_size(), seg->size());
  // Small batches again: zeros are filled ahead once the average falls under the limit.
  std::string small;
  FrameRecord("s", &small);
  for (int i = 0; i < 64; ++i) ASSERT_TRUE(seg->AppendFramed(small).ok());
  EXPECT_GT(file_size(), seg->size() + (64 << 10));
  EXPECT_EQ(*WrittenBytes(seg->path()), seg->size());
  ASSERT_TRUE(seg->Seal().ok());
  EXPECT_EQ(ReadAll(SegmentPath(tmp.path(), 1, true)).size(), 48u + 64u);
}

// kEveryBatch: records written with direct I/O where the file system takes it, each batch
// padded with zeros to its block's end and rewritten by the next; what a reader sees is the same.
TEST(Segment, EveryBatchSegmentsReadTheSameWithOrWithoutDirectIo) {
  TempDir tmp;
  const std::string probe = tmp.path() + "/probe";
  const bool direct =
      UniqueFd(::open(probe.c_str(), O_WRONLY | O_CREAT | O_DIRECT | O_CLOEXEC, 0644)).valid();
  auto seg = ActiveSegment::Create(tmp.path(), 1, ActiveSegment::WhenDurable::kEveryBatch);
  ASSERT_TRUE(seg.ok()) << seg.status().ToString();
  EXPECT_EQ(seg->direct_io(), direct);
  std::vector<std::string> records;
  const auto append = [&](const std::string& record) {
    AppendOne(&*seg, record);
    records.push_back(record);
    ASSERT_TRUE(seg->Sync().ok());
    EXPECT_EQ(*WrittenBytes(seg->path()), seg->size());
  };
  // Small batches past a few steps of zeros, then large ones that grow the file.
  for (int i = 0; i < 3000; ++i) append("small " + std::to_string(i));
  for (int i = 0; i < 40; ++i) append(std::string(50'000 + i, static_cast<char>('a' + i % 26)));
  const uint64_t kept = seg->size();
  AppendOne(&*seg, "cut off");
  ASSERT_TRUE(seg->TruncateTo(kept).ok());
  append("after the cut");
  ASSERT_TRUE(seg->Seal().ok());
  const std::string sealed = SegmentPath(tmp.path(), 1, true);
  struct stat st {};
  ASSERT_EQ(::stat(sealed.c_str(), &st), 0);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), seg->size());
  EXPECT_EQ(ReadAll(sealed), records);
}

TEST(Segment, DirLockIsExclusive) {
  TempDir tmp;
  auto a = LockRawLog(tmp.path());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(LockRawLog(tmp.path()).status().code(), StatusCode::kFailedPrecondition);
  { FileLock released = std::move(a).value(); }
  EXPECT_TRUE(LockRawLog(tmp.path()).ok());
}

TEST(Segment, ReaderOpensAtAFrameBoundary) {
  TempDir tmp;
  const std::string path = WriteSegment(tmp.path(), 1, {"one", "two", "three"}, true);
  const uint64_t second = kSegmentHeaderSize + kRecordHeaderSize + 3;
  auto reader = SegmentReader::Open(path, second);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(**reader->Next(), "two");
  EXPECT_EQ(**reader->Next(), "three");
  EXPECT_FALSE(*reader->Next());
  EXPECT_EQ(SegmentReader::Open(path, second + 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SegmentReader::Open(path, 4).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SegmentReader::Open(path, reader->size() + 1).status().code(),
            StatusCode::kInvalidArgument);
  auto at_end = SegmentReader::Open(path, reader->size());
  ASSERT_TRUE(at_end.ok());
  EXPECT_FALSE(*at_end->Next());
}

TEST(Segment, ViewFrameTellsWholeIncompleteAndInvalid) {
  std::string frames;
  FrameRecord("abc", &frames);
  const FrameView whole = ViewFrame(frames, 0);
  EXPECT_EQ(whole.kind, FrameView::Kind::kWhole);
  EXPECT_EQ(whole.size, kRecordHeaderSize + 3);
  EXPECT_EQ(whole.body, "abc");
  EXPECT_EQ(ViewFrame(frames.substr(0, 5), 0).kind, FrameView::Kind::kIncomplete);
  const FrameView partial = ViewFrame(frames.substr(0, 9), 0);
  EXPECT_EQ(partial.kind, FrameView::Kind::kIncomplete);
  EXPECT_EQ(partial.size, kRecordHeaderSize + 3);  // how much it needs
  EXPECT_EQ(ViewFrame(frames, frames.size()).kind, FrameView::Kind::kIncomplete);
  std::string flipped = frames;
  flipped.back() ^= 1;
  EXPECT_EQ(ViewFrame(flipped, 0).kind, FrameView::Kind::kInvalid);
  EXPECT_EQ(ViewFrame(std::string(12, '\0'), 0).kind, FrameView::Kind::kInvalid);  // length 0
}

TEST(Segment, TruncateToDropsTrailingFrames) {
  TempDir tmp;
  auto seg = ActiveSegment::Create(tmp.path(), 1);
  ASSERT_TRUE(seg.ok());
  AppendOne(&*seg, "kept");
  const uint64_t kept = seg->size();
  AppendOne(&*seg, "dropped");
  EXPECT_EQ(seg->TruncateTo(seg->size() + 1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(seg->TruncateTo(3).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(seg->TruncateTo(kept).ok());
  EXPECT_EQ(seg->size(), kept);
  EXPECT_FALSE(seg->damaged());
  AppendOne(&*seg, "after");
  ASSERT_TRUE(seg->Seal().ok());
  EXPECT_TRUE(seg->sealed());
  EXPECT_EQ(ReadAll(SegmentPath(tmp.path(), 1, true)), (std::vector<std::string>{"kept", "after"}));
}

}  // namespace
}  // namespace footfall::rawlog
