#include "rawlog/log_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <future>
#include <optional>
#include <thread>

#include "base/files.h"
#include "base/temp_dir.h"
#include "rawlog/format.h"
#include "rawlog/reader.h"
#include "rawlog/segment.h"
#include "rawlog/tailer.h"

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

// `footfall gen --raw` syncs a new segment only when it seals it: after a power loss its .open
// file may hold a header cut short, or nothing. Recovery removes both.
TEST(LogWriter, RemovesActiveSegmentsWithATornOrMissingHeader) {
  TempDir tmp;
  {
    auto seg = ActiveSegment::Create(tmp.path(), 1, ActiveSegment::WhenDurable::kAtSeal);
    ASSERT_TRUE(seg.ok());
  }
  const std::string torn = tmp.path() + "/000000000001.open";
  ASSERT_EQ(::truncate(torn.c_str(), 7), 0);
  std::ofstream(tmp.path() + "/000000000002.open", std::ios::binary);  // empty
  auto w = LogWriter::Open(tmp.path(), {});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE(AppendAndWait(**w, "after").ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto list = ListSegments(tmp.path());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].number, 1u);  // both numbers were free again
  EXPECT_EQ(ReadSealed(tmp.path()), (std::vector<std::string>{"after"}));
}

// Waits, bounded, until `pred` holds; false when it never did.
template <typename Pred>
bool WaitUntil(Pred pred) {
  for (int i = 0; i < 1000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

TEST(LogWriter, IntervalDurabilityAcknowledgesBeforeSyncAndSyncsSoon) {
  TempDir tmp;
  LogOptions options;
  options.durability = Durability::kInterval;
  options.sync_interval = 20'000;
  auto w = LogWriter::Open(tmp.path(), options);
  ASSERT_TRUE(w.ok());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(AppendAndWait(**w, "r" + std::to_string(i)).ok());
  // At most one sync per interval, however many batches; and the unsynced tail is synced
  // within about an interval even with no further appends.
  EXPECT_TRUE(WaitUntil([&] { return (*w)->Stats().syncs >= 1; }));
  const LogStats stats = (*w)->Stats();
  EXPECT_LT(stats.syncs, 50u);
  EXPECT_EQ(stats.sync_latency.count, stats.syncs);
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(ReadSealed(tmp.path()).size(), 50u);
}

// A periodic sync that waits on the device does not hold back the records behind it: they are
// written and acknowledged meanwhile, and synced by the next one.
TEST(LogWriter, IntervalDurabilityAcknowledgesWhileThePeriodicSyncRuns) {
  TempDir tmp;
  std::promise<void> in_sync;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> syncs{0};
  LogOptions options;
  options.durability = Durability::kInterval;
  options.sync_interval = 1'000;
  options.inject_fault = [&](IoStep step) {
    if (step == IoStep::kSync && syncs.fetch_add(1) == 0) {
      in_sync.set_value();
      released.wait();  // the first periodic sync takes "long"
    }
    return Status::Ok();
  };
  auto w = LogWriter::Open(tmp.path(), options);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(AppendAndWait(**w, "first").ok());
  in_sync.get_future().wait();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(AppendAndWait(**w, "r" + std::to_string(i)).ok());
  EXPECT_EQ((*w)->Stats().records, 21u);
  release.set_value();
  EXPECT_TRUE(WaitUntil([&] { return (*w)->Stats().syncs >= 2; }));  // the next covers the rest
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(ReadSealed(tmp.path()).size(), 21u);
}

// Whether the page holding byte `offset` of the file at `path` is in the page cache (mincore
// of a mapping of it, which does not read it in).
bool Cached(const std::string& path, uint64_t offset) {
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  EXPECT_TRUE(fd.valid()) << path;
  const auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  void* map = ::mmap(nullptr, page, PROT_READ, MAP_SHARED, fd.get(),
                     static_cast<off_t>(offset / page * page));
  EXPECT_NE(map, MAP_FAILED) << path;
  if (map == MAP_FAILED) return false;
  unsigned char resident = 0;
  EXPECT_EQ(::mincore(map, page, &resident), 0);
  ::munmap(map, page);
  return (resident & 1) != 0;
}

// Synced pages far behind the end of the active segment leave the page cache; the last few MiB,
// which a tailer reads, stay. With kInterval, once the periodic sync has covered them. (With
// kFsync the records are written with direct I/O where the file system takes it.)
TEST(LogWriter, DropsSyncedPagesFarBehindTheEndFromThePageCache) {
  for (const Durability durability : {Durability::kFsync, Durability::kInterval}) {
    TempDir tmp;
    struct statfs fs {};
    if (::statfs(tmp.path().c_str(), &fs) == 0 && fs.f_type == TMPFS_MAGIC) {
      GTEST_SKIP() << "pages of tmpfs cannot leave the page cache";
    }
    LogOptions options;
    options.durability = durability;
    options.sync_interval = 1'000;
    auto w = LogWriter::Open(tmp.path(), options);
    ASSERT_TRUE(w.ok());
    const std::string record(64 << 10, 'x');
    const std::string path = SegmentPath(tmp.path(), 1, false);
    ASSERT_TRUE(AppendAndWait(**w, record).ok());
    if ((*w)->Stats().direct_io) {
      // Written with direct I/O, the records never enter the page cache.
      EXPECT_FALSE(Cached(path, 0));
      EXPECT_FALSE(Cached(path, (*w)->Stats().active_bytes - 1));
      ASSERT_TRUE((*w)->Close().ok());
      continue;
    }
    EXPECT_TRUE(Cached(path, 0));
    // Past the cached window by a few drop steps.
    const size_t n = (ActiveSegment::kCachedBehind + (1 << 20)) / record.size() + 1;
    for (size_t i = 1; i < n; ++i) ASSERT_TRUE(AppendAndWait(**w, record).ok());
    EXPECT_TRUE(WaitUntil([&] { return !Cached(path, 0); }));
    EXPECT_TRUE(Cached(path, (*w)->Stats().active_bytes - 1));
    ASSERT_TRUE((*w)->Close().ok());
    EXPECT_EQ(ReadSealed(tmp.path()).size(), n);
  }
}

TEST(LogWriter, NoDurabilityNeverSyncsButSealsDurably) {
  TempDir tmp;
  LogOptions options;
  options.durability = Durability::kNone;
  auto w = LogWriter::Open(tmp.path(), options);
  ASSERT_TRUE(w.ok());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(AppendAndWait(**w, "r" + std::to_string(i)).ok());
  EXPECT_EQ((*w)->Stats().syncs, 0u);
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(ReadSealed(tmp.path()).size(), 20u);
}

TEST(LogWriter, FsyncDurabilitySyncsEveryBatch) {
  TempDir tmp;
  auto w = LogWriter::Open(tmp.path(), {});
  ASSERT_TRUE(w.ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(AppendAndWait(**w, "r").ok());
  EXPECT_EQ((*w)->Stats().syncs, 5u);  // one append at a time: one batch, one sync each
}

// The cache flushes the block device under `dir` has completed (the 16th field of its stat in
// sysfs), or nullopt when `dir` is not on a block device with a volatile write cache, where
// there is nothing to flush.
std::optional<uint64_t> DiskCacheFlushes(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || major(st.st_dev) == 0) return std::nullopt;
  const std::string sys =
      "/sys/dev/block/" + std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev));
  auto cache = ReadWholeFile(sys + "/queue/write_cache");                 // a whole disk
  if (!cache.ok()) cache = ReadWholeFile(sys + "/../queue/write_cache");  // a partition's disk
  if (!cache.ok() || cache->rfind("write back", 0) != 0) return std::nullopt;
  std::ifstream stat_file(sys + "/stat");
  std::vector<uint64_t> fields;
  for (uint64_t v = 0; stat_file >> v;) fields.push_back(v);
  if (fields.size() < 16) return std::nullopt;
  return fields[15];
}

// What a 2xx promises under kFsync: each acknowledged batch was followed by a flush of the
// disk's volatile cache, with records written directly as with buffered ones. (Other work on the
// machine may flush too, so this checks a lower bound.)
TEST(LogWriter, EveryAcknowledgedBatchFlushesTheDisksCache) {
  TempDir tmp;
  const std::optional<uint64_t> before = DiskCacheFlushes(tmp.path());
  if (!before) GTEST_SKIP() << tmp.path() << " is not on a disk with a volatile write cache";
  auto w = LogWriter::Open(tmp.path(), {});
  ASSERT_TRUE(w.ok());
  constexpr int kBatches = 100;
  for (int i = 0; i < kBatches; ++i) ASSERT_TRUE(AppendAndWait(**w, "r" + std::to_string(i)).ok());
  EXPECT_GE(*DiskCacheFlushes(tmp.path()) - *before, uint64_t{kBatches})
      << "direct I/O: " << (*w)->Stats().direct_io;
}

// Only kFsync, which syncs after every batch, writes records with direct I/O, and only where
// the file system takes it; the log reads the same either way.
TEST(LogWriter, WritesRecordsDirectlyOnlyWhenSyncingEveryBatch) {
  TempDir tmp;
  const std::string probe = tmp.path() + "/probe";
  const bool direct =
      UniqueFd(::open(probe.c_str(), O_WRONLY | O_CREAT | O_DIRECT | O_CLOEXEC, 0644)).valid();
  for (const Durability durability :
       {Durability::kFsync, Durability::kInterval, Durability::kNone}) {
    TempDir dir;
    LogOptions options;
    options.durability = durability;
    auto w = LogWriter::Open(dir.path(), options);
    ASSERT_TRUE(w.ok());
    std::vector<std::string> records;
    for (int i = 0; i < 10; ++i) {
      records.push_back(std::string(1000 + 700 * i, static_cast<char>('a' + i)));
      ASSERT_TRUE(AppendAndWait(**w, records.back()).ok());
    }
    EXPECT_EQ((*w)->Stats().direct_io, direct && durability == Durability::kFsync);
    ASSERT_TRUE((*w)->Close().ok());
    EXPECT_EQ(ReadSealed(dir.path()), records);
  }
}

// Holds the writer thread inside the `done` of the first record, so later appends queue up.
class BlockedWriter {
 public:
  explicit BlockedWriter(LogWriter& w) {
    w.Append("first", [this](const Status&) {
      entered_.set_value();
      release_.get_future().wait();
    });
    entered_.get_future().wait();
  }
  // Releases the writer if the test has not (an assertion failed), so the writer can close.
  ~BlockedWriter() {
    if (!released_) Release();
  }
  void Release() {
    released_ = true;
    release_.set_value();
  }

 private:
  std::promise<void> entered_, release_;
  bool released_ = false;
};

TEST(LogWriter, RefusesAppendsOverTheRecordBound) {
  TempDir tmp;
  LogOptions options;
  options.max_queued_records = 4;
  std::vector<std::promise<Status>> results(6);  // outlives the writer and its callbacks
  auto w = LogWriter::Open(tmp.path(), options);
  ASSERT_TRUE(w.ok());
  BlockedWriter blocked(**w);
  for (size_t i = 0; i < results.size(); ++i) {
    (*w)->Append("r" + std::to_string(i),
                 [&results, i](const Status& s) { results[i].set_value(s); });
  }
  // Four fill the bound ("first" is being acknowledged, no longer queued); the other two are
  // refused at once, while the writer is still stuck.
  for (size_t i = 4; i < results.size(); ++i) {
    std::future<Status> f = results[i].get_future();
    ASSERT_EQ(f.wait_for(std::chrono::seconds(0)), std::future_status::ready) << i;
    EXPECT_EQ(f.get().code(), StatusCode::kResourceExhausted);
  }
  LogStats stats = (*w)->Stats();
  EXPECT_EQ(stats.queued_records, 4u);
  EXPECT_EQ(stats.queued_bytes, 8u);
  EXPECT_EQ(stats.rejected_records, 2u);
  blocked.Release();
  for (size_t i = 0; i < 4; ++i) {
    std::future<Status> f = results[i].get_future();
    ASSERT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready) << i;
    EXPECT_TRUE(f.get().ok());
  }
  EXPECT_TRUE(AppendAndWait(**w, "after").ok());
  stats = (*w)->Stats();
  EXPECT_EQ(stats.queued_records, 0u);
  EXPECT_EQ(stats.queued_bytes, 0u);
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(ReadSealed(tmp.path()),
            (std::vector<std::string>{"first", "r0", "r1", "r2", "r3", "after"}));
}

TEST(LogWriter, RefusesAppendsOverTheByteBound) {
  TempDir tmp;
  LogOptions options;
  options.max_queued_bytes = 1000;
  std::atomic<int> ok{0}, refused{0};  // outlive the writer and its callbacks
  auto w = LogWriter::Open(tmp.path(), options);
  ASSERT_TRUE(w.ok());
  BlockedWriter blocked(**w);
  for (int i = 0; i < 10; ++i) {
    (*w)->Append(std::string(300, 'x'), [&](const Status& s) {
      if (s.ok()) ++ok;
      if (s.code() == StatusCode::kResourceExhausted) ++refused;
    });
  }
  EXPECT_EQ(refused.load(), 7);  // 3 × 300 fit in 1000 bytes
  EXPECT_LE((*w)->Stats().queued_bytes, 1000u);
  blocked.Release();
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(ok.load(), 3);
}

TEST(LogWriter, OneRecordIsAcceptedWhateverTheBound) {
  TempDir tmp;
  LogOptions options;
  options.max_queued_bytes = 10;
  auto w = LogWriter::Open(tmp.path(), options);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(AppendAndWait(**w, std::string(100, 'x')).ok());
}

TEST(LogWriter, RefusesEmptyAndOversizedRecords) {
  TempDir tmp;
  auto w = LogWriter::Open(tmp.path(), {});
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(AppendAndWait(**w, "").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AppendAndWait(**w, std::string(kMaxRecordSize + 1, 'x')).code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_TRUE(ReadSealed(tmp.path()).empty());
}

TEST(LogWriter, StatsCountSegmentsOnDiskAndLatencies) {
  TempDir tmp;
  {
    auto w = LogWriter::Open(tmp.path(), {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(AppendAndWait(**w, "a").ok());
    ASSERT_TRUE((*w)->Close().ok());
  }
  auto w = LogWriter::Open(tmp.path(), {});
  ASSERT_TRUE(w.ok());
  LogStats stats = (*w)->Stats();
  EXPECT_EQ(stats.sealed_segments, 1u);
  EXPECT_EQ(stats.sealed_bytes, kSegmentHeaderSize + kRecordHeaderSize + 1);
  EXPECT_EQ(stats.active_segment, 0u);
  EXPECT_EQ((*w)->AcknowledgedEnd(), (Position{2, 0}));
  ASSERT_TRUE(AppendAndWait(**w, "bb").ok());
  EXPECT_EQ((*w)->AcknowledgedEnd(), (Position{2, kSegmentHeaderSize + kRecordHeaderSize + 2}));
  ASSERT_TRUE(AppendAndWait(**w, "ccc").ok());
  ASSERT_TRUE((*w)->SealActive().ok());
  stats = (*w)->Stats();
  EXPECT_EQ(stats.sealed_segments, 2u);
  EXPECT_EQ(stats.sealed_bytes, 2 * kSegmentHeaderSize + 3 * kRecordHeaderSize + 6);
  EXPECT_EQ(stats.active_segment, 2u);
  EXPECT_EQ(stats.active_bytes, 0u);
  EXPECT_EQ(stats.records, 2u);
  EXPECT_EQ(stats.append_latency.count, 2u);
  EXPECT_EQ(stats.sync_latency.count, stats.syncs);
  EXPECT_TRUE(stats.healthy);
  EXPECT_TRUE((*w)->Health().ok());
  std::string text;
  AppendPrometheusMetrics(stats, &text);
  EXPECT_NE(text.find("footfall_rawlog_sealed_segments 2\n"), std::string::npos);
  EXPECT_NE(text.find("footfall_rawlog_append_latency_seconds_count 2\n"), std::string::npos);
  EXPECT_NE(text.find("footfall_rawlog_sync_latency_seconds_bucket{le=\"+Inf\"}"),
            std::string::npos);
  EXPECT_NE(text.find("footfall_rawlog_healthy 1\n"), std::string::npos);
}

// A raw log on a small tmpfs, to run out of space (or inodes) for real. Mounting needs root;
// without it the tests skip.
class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mnt_ = tmp_.Sub("mnt");
    ASSERT_EQ(::mkdir(mnt_.c_str(), 0755), 0) << std::strerror(errno);
  }
  void TearDown() override {
    if (mounted_ && ::umount(mnt_.c_str()) != 0) ::umount2(mnt_.c_str(), MNT_DETACH);
  }

  // Mounts a tmpfs with `options` on mnt_; false with skip_reason_ set when it cannot.
  bool Mount(const char* options) {
    if (::mount("tmpfs", mnt_.c_str(), "tmpfs", 0, options) != 0) {
      skip_reason_ = "cannot mount a tmpfs (" + std::string(options) + ") on " + mnt_ +
                     " (needs root): " + std::strerror(errno);
      return false;
    }
    mounted_ = true;
    return true;
  }

  TempDir tmp_;
  std::string mnt_;
  std::string skip_reason_;
  bool mounted_ = false;
};

// Every record whose append succeeded is in the log exactly once, in order, with no damaged
// frame and no record whose append failed; read live by a tailer, then sealed by a reader.
void ExpectLogHolds(const std::string& dir, const std::vector<std::string>& acked, bool sealed) {
  std::vector<std::string> read;
  if (sealed) {
    auto reader = LogReader::Open(dir);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    for (;;) {
      auto rec = reader->Next();
      ASSERT_TRUE(rec.ok()) << rec.status().ToString();
      if (!*rec) break;
      read.push_back((*rec)->body);
    }
  } else {
    auto tailer = Tailer::Open(dir, {});
    ASSERT_TRUE(tailer.ok()) << tailer.status().ToString();
    for (;;) {
      auto rec = tailer->Poll();
      ASSERT_TRUE(rec.ok()) << rec.status().ToString();
      if (!*rec) break;
      read.push_back((*rec)->body);
    }
  }
  EXPECT_EQ(read, acked);
}

TEST_F(FullDiskTest, FailsAppendsWhileFullAndResumesWhenSpaceReturns) {
  if (!Mount("size=256k")) GTEST_SKIP() << skip_reason_;
  const std::string filler = mnt_ + "/filler";
  std::ofstream(filler, std::ios::binary) << std::string(96 << 10, 'f');
  const std::string dir = mnt_ + "/raw";
  LogOptions options;
  options.segment_max_bytes = 16 << 10;  // seals and new segments on the way to a full disk
  auto w = LogWriter::Open(dir, options);
  ASSERT_TRUE(w.ok()) << w.status().ToString();

  std::vector<std::string> acked;
  int next = 0;
  const auto record = [&next] {
    std::string r = "record-" + std::to_string(next++) + "-";
    r.resize(1000, 'r');
    return r;
  };
  Status failed;
  for (int i = 0; i < 400 && failed.ok(); ++i) {
    std::string r = record();
    Status s = AppendAndWait(**w, r);
    if (s.ok()) {
      acked.push_back(std::move(r));
    } else {
      failed = s;
    }
  }
  ASSERT_EQ(failed.code(), StatusCode::kIoError) << failed.ToString();
  EXPECT_GT(acked.size(), 50u);
  EXPECT_EQ((*w)->Health().code(), StatusCode::kIoError);
  // Still full: the next append fails too, and the writer is still there.
  EXPECT_EQ(AppendAndWait(**w, record()).code(), StatusCode::kIoError);
  LogStats stats = (*w)->Stats();
  EXPECT_FALSE(stats.healthy);
  EXPECT_GE(stats.failed_records, 2u);
  EXPECT_GE(stats.io_errors, 2u);
  EXPECT_EQ(stats.queued_records, 0u);
  ExpectLogHolds(dir, acked, /*sealed=*/false);

  ASSERT_EQ(::unlink(filler.c_str()), 0);
  for (int i = 0; i < 20; ++i) {
    std::string r = record();
    ASSERT_TRUE(AppendAndWait(**w, r).ok()) << "append " << i << " after space returned";
    acked.push_back(std::move(r));
  }
  EXPECT_TRUE((*w)->Health().ok());
  EXPECT_TRUE((*w)->Stats().healthy);
  ExpectLogHolds(dir, acked, /*sealed=*/false);
  ASSERT_TRUE((*w)->Close().ok());
  ExpectLogHolds(dir, acked, /*sealed=*/true);
  const auto segments = ListSegments(dir);
  ASSERT_TRUE(segments.ok());
  for (const SegmentInfo& seg : *segments) EXPECT_TRUE(seg.sealed) << seg.path;
}

TEST_F(FullDiskTest, RetriesANewSegmentWhenNoInodeIsLeft) {
  if (!Mount("size=256k,nr_inodes=16")) GTEST_SKIP() << skip_reason_;
  const std::string dir = mnt_ + "/raw";
  LogOptions options;
  options.segment_max_bytes = 20;  // every record seals its segment: each needs a new file
  auto w = LogWriter::Open(dir, options);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE(AppendAndWait(**w, "first").ok());
  // Use up every inode left.
  int fillers = 0;
  for (; fillers < 64; ++fillers) {
    const std::string path = mnt_ + "/filler-" + std::to_string(fillers);
    if (!UniqueFd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644)).valid()) break;
  }
  ASSERT_GT(fillers, 0);
  ASSERT_LT(fillers, 64);

  EXPECT_EQ(AppendAndWait(**w, "no-room").code(), StatusCode::kIoError);
  EXPECT_EQ((*w)->Health().code(), StatusCode::kIoError);
  EXPECT_EQ(AppendAndWait(**w, "still-no-room").code(), StatusCode::kIoError);
  auto list = ListSegments(dir);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);  // the failed creates left nothing behind
  EXPECT_TRUE((*list)[0].sealed);

  ASSERT_EQ(::unlink((mnt_ + "/filler-0").c_str()), 0);
  ASSERT_TRUE(AppendAndWait(**w, "second").ok());
  EXPECT_TRUE((*w)->Health().ok());
  ASSERT_TRUE((*w)->Close().ok());
  ExpectLogHolds(dir, {"first", "second"}, /*sealed=*/true);
  list = ListSegments(dir);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].number, 2u);  // the number whose create failed is used after all
}

TEST_F(FullDiskTest, RemovesASegmentWhoseHeaderDidNotFit) {
  if (!Mount("size=256k")) GTEST_SKIP() << skip_reason_;
  const std::string dir = mnt_ + "/raw";
  LogOptions options;
  options.segment_max_bytes = 20;  // every record seals its segment: each needs a new file
  auto w = LogWriter::Open(dir, options);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE(AppendAndWait(**w, "first").ok());
  // The seal that follows the acknowledgement cuts off the zeros filled in ahead of the record.
  ASSERT_TRUE((*w)->SealActive().ok());
  // Use up every byte left: a new file can be made, but not written to.
  const std::string filler = mnt_ + "/filler";
  {
    UniqueFd fd(::open(filler.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644));
    ASSERT_TRUE(fd.valid());
    const std::string block(4096, 'f');
    int blocks = 0;
    while (blocks < 1000 && ::write(fd.get(), block.data(), block.size()) > 0) ++blocks;
    ASSERT_LT(blocks, 1000);
  }
  EXPECT_EQ(AppendAndWait(**w, "no-room").code(), StatusCode::kIoError);
  EXPECT_EQ((*w)->Health().code(), StatusCode::kIoError);
  auto list = ListSegments(dir);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u) << "the segment whose header failed is removed";

  ASSERT_EQ(::unlink(filler.c_str()), 0);
  ASSERT_TRUE(AppendAndWait(**w, "second").ok());
  EXPECT_TRUE((*w)->Health().ok());
  ASSERT_TRUE((*w)->Close().ok());
  ExpectLogHolds(dir, {"first", "second"}, /*sealed=*/true);
}

// Fails the next `n` operations of one kind, as an injected fault; thread-safe.
class FaultPlan {
 public:
  void Fail(IoStep step, int n) { remaining_[static_cast<int>(step)] = n; }
  std::function<Status(IoStep)> Hook() {
    return [this](IoStep step) {
      std::atomic<int>& left = remaining_[static_cast<int>(step)];
      if (left.load() > 0) {
        --left;
        static constexpr const char* kNames[] = {"write", "fdatasync", "truncate"};
        return IoError(std::string("injected failure of ") + kNames[static_cast<int>(step)]);
      }
      return Status::Ok();
    };
  }

 private:
  std::atomic<int> remaining_[3] = {0, 0, 0};
};

TEST(LogWriter, FailedSyncFailsItsBatchAndCutsTheSegmentBack) {
  TempDir tmp;
  FaultPlan faults;
  LogOptions options;
  options.inject_fault = faults.Hook();
  auto w = LogWriter::Open(tmp.path(), options);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(AppendAndWait(**w, "before").ok());
  faults.Fail(IoStep::kSync, 1);
  EXPECT_EQ(AppendAndWait(**w, "lost").code(), StatusCode::kIoError);
  EXPECT_FALSE((*w)->Health().ok());
  // The segment was cut back to before the failed batch and stays in use.
  ASSERT_TRUE(AppendAndWait(**w, "after").ok());
  const LogStats stats = (*w)->Stats();
  EXPECT_TRUE(stats.healthy);
  EXPECT_EQ(stats.failed_records, 1u);
  EXPECT_EQ(stats.abandoned_segments, 0u);
  EXPECT_EQ(stats.active_segment, 1u);
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(ReadSealed(tmp.path()), (std::vector<std::string>{"before", "after"}));
}

TEST(LogWriter, FailedSyncAndCutAbandonTheSegmentAndCloseCutsIt) {
  TempDir tmp;
  FaultPlan faults;
  LogOptions options;
  options.inject_fault = faults.Hook();
  auto w = LogWriter::Open(tmp.path(), options);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(AppendAndWait(**w, "before").ok());
  faults.Fail(IoStep::kSync, 1);
  faults.Fail(IoStep::kTruncate, 1);
  EXPECT_EQ(AppendAndWait(**w, "lost").code(), StatusCode::kIoError);
  EXPECT_EQ((*w)->Stats().abandoned_segments, 1u);
  // The next batch goes to a new segment; the abandoned one still holds the failed record's
  // bytes past its acknowledged size.
  ASSERT_TRUE(AppendAndWait(**w, "after").ok());
  EXPECT_EQ((*w)->Stats().active_segment, 2u);
  // Close cuts the abandoned segment back to what was acknowledged in it, and seals it.
  ASSERT_TRUE((*w)->Close().ok());
  ExpectLogHolds(tmp.path(), {"before", "after"}, /*sealed=*/true);
}

TEST(LogWriter, FailedPeriodicSyncSealsTheSegment) {
  TempDir tmp;
  FaultPlan faults;
  LogOptions options;
  options.durability = Durability::kInterval;
  options.sync_interval = 1'000;
  options.inject_fault = faults.Hook();
  auto w = LogWriter::Open(tmp.path(), options);
  ASSERT_TRUE(w.ok());
  faults.Fail(IoStep::kSync, 1);
  // Acknowledged at write; the periodic sync after it fails, and the segment is sealed (by a
  // sync that succeeds) so that no later record lands behind pages that may be missing.
  ASSERT_TRUE(AppendAndWait(**w, "first").ok());
  ASSERT_TRUE(WaitUntil([&] { return (*w)->Stats().sealed_segments == 1; }));
  EXPECT_GE((*w)->Stats().io_errors, 1u);
  ASSERT_TRUE(AppendAndWait(**w, "second").ok());
  EXPECT_EQ((*w)->Stats().active_segment, 2u);
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(ReadSealed(tmp.path()), (std::vector<std::string>{"first", "second"}));
}

}  // namespace
}  // namespace footfall::rawlog
