#include "rawlog/log_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "base/log.h"
#include "base/thread.h"
#include "rawlog/background_sync.h"
#include "rawlog/format.h"
#include "rawlog/segment.h"

namespace footfall::rawlog {
namespace {

// How often segments abandoned after an I/O error are tried again (truncated to what was
// acknowledged and sealed).
constexpr Micros kAbandonedRetryInterval = kMicrosPerSecond;
constexpr Micros kNoDeadline = std::numeric_limits<Micros>::max();

// Buffers of written records kept to be handed back by Append(std::string*), and the largest
// kept: enough for the records of a few group commits of typical tracker requests.
constexpr size_t kMaxSpareBuffers = 1024;
constexpr size_t kMaxSpareCapacity = size_t{16} * 1024;
// The queue and the batch swap places and keep their capacity; after a burst larger than this
// many records, the batch gives it back (and so do the pieces it was written from, two a record).
constexpr size_t kMaxKeptBatchCapacity = 4096;

// Deadlines and latencies use the monotonic clock: a wall-clock step must neither seal early
// nor show as a negative latency.
Micros SteadyMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }

}  // namespace

class LogWriter::Impl {
 public:
  Impl(std::string dir, LogOptions options, FileLock lock, uint64_t next_number,
       uint64_t sealed_segments, uint64_t sealed_bytes)
      : dir_(std::move(dir)), options_(options), lock_(std::move(lock)), next_number_(next_number) {
    stats_.sealed_segments = sealed_segments;
    stats_.sealed_bytes = sealed_bytes;
    acknowledged_ = {next_number, 0};
    spare_.reserve(kMaxSpareBuffers);
  }

  ~Impl() { (void)Close(); }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }

  void Append(std::string* record, Done done) {
    if (record->empty() || record->size() > kMaxRecordSize) {
      const size_t size = record->size();
      record->clear();
      done(InvalidArgument("a raw-log record is 1 to " + std::to_string(kMaxRecordSize) +
                           " bytes, not " + std::to_string(size)));
      return;
    }
    // The frame's header is made here, on the caller's thread: the writer's thread, which all
    // records go through, then only hands the bytes to the kernel.
    std::array<char, kRecordHeaderSize> frame_header;
    EncodeFrameHeader(*record, frame_header.data());
    Status refused;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (closing_) {
        refused = FailedPrecondition("raw log " + dir_ + " is closed");
      } else if (stats_.queued_records > 0 &&
                 (stats_.queued_records >= options_.max_queued_records ||
                  stats_.queued_bytes + record->size() > options_.max_queued_bytes)) {
        ++stats_.rejected_records;
        refused = ResourceExhausted(
            "raw log " + dir_ + " has " + std::to_string(stats_.queued_records) + " records (" +
            std::to_string(stats_.queued_bytes) + " bytes) waiting to be written; try again later");
      } else {
        ++stats_.queued_records;
        stats_.queued_bytes += record->size();
        queue_.push_back(
            Pending{std::move(*record), frame_header, std::move(done), SteadyMicros()});
        record->clear();
        if (!spare_.empty()) {
          record->swap(spare_.back());
          spare_.pop_back();
        }
        cv_.notify_one();
        return;
      }
    }
    record->clear();
    done(refused);
  }

  Status SealActive() {
    std::unique_lock<std::mutex> l(mu_);
    if (closing_) return FailedPrecondition("raw log " + dir_ + " is closed");
    const uint64_t ticket = ++seal_requested_;
    cv_.notify_one();
    done_cv_.wait(l, [&] { return seal_completed_ >= ticket; });
    return seal_status_;
  }

  Status Close() {
    {
      std::lock_guard<std::mutex> l(mu_);
      closing_ = true;
      cv_.notify_one();
    }
    {
      std::lock_guard<std::mutex> j(join_mu_);
      if (thread_.joinable()) thread_.join();
    }
    std::lock_guard<std::mutex> l(mu_);
    return close_status_;
  }

  LogStats Stats() const {
    LogStats s;
    {
      std::lock_guard<std::mutex> l(mu_);
      s = stats_;
      s.healthy = health_.ok();
    }
    s.append_latency = append_latency_.Snapshot();
    s.sync_latency = sync_latency_.Snapshot();
    return s;
  }

  Status Health() const {
    std::lock_guard<std::mutex> l(mu_);
    return health_;
  }

  Position AcknowledgedEnd() const {
    std::lock_guard<std::mutex> l(mu_);
    return acknowledged_;
  }

 private:
  struct Pending {
    std::string record;
    std::array<char, kRecordHeaderSize> frame_header;  // the record's length and CRC, encoded
    Done done;
    Micros enqueued;  // SteadyMicros() at Append
  };

  // A segment closed without sealing after an I/O error made it unsafe to append to. Its first
  // `keep` bytes hold exactly the records that were acknowledged; anything after them belongs
  // to records that got an error.
  struct Abandoned {
    uint64_t number;
    uint64_t keep;
  };

  // The writer thread: take everything queued, write it in one call, sync once, acknowledge;
  // between batches, sync (kInterval), seal by age and retry abandoned segments on time.
  void Run() {
    NameThisThread("rawlog-writer");
    std::vector<Pending> batch;
    for (;;) {
      bool closing, seal_now;
      uint64_t seal_ticket;
      {
        std::unique_lock<std::mutex> l(mu_);
        const auto ready = [&] {
          return !queue_.empty() || closing_ || seal_requested_ > seal_completed_ ||
                 background_sync_done_;
        };
        const Micros deadline = NextDeadline();
        if (deadline == kNoDeadline) {
          cv_.wait(l, ready);
        } else {
          const Micros wait = deadline - SteadyMicros();
          if (wait > 0) cv_.wait_for(l, std::chrono::microseconds(wait), ready);
        }
        batch.swap(queue_);  // both keep their capacity
        closing = closing_;
        seal_ticket = seal_requested_;
        seal_now = seal_requested_ > seal_completed_;
        background_sync_done_ = false;
      }

      if (interval_sync_running_) CollectIntervalSync();
      if (!batch.empty()) WriteBatch(batch);
      batch.clear();
      if (batch.capacity() > kMaxKeptBatchCapacity) std::vector<Pending>().swap(batch);
      if (pieces_.capacity() > 2 * kMaxKeptBatchCapacity) std::vector<iovec>().swap(pieces_);

      if (unsynced_ && options_.durability == Durability::kInterval && !interval_sync_running_ &&
          SteadyMicros() - last_sync_ >= options_.sync_interval) {
        StartIntervalSync();
      }
      const Micros now = SteadyMicros();
      const bool aged = active_ && !active_->empty() && now - opened_at_ >= options_.seal_after;
      Status seal_status;
      if (seal_now || closing || aged) seal_status = SealCurrent();
      if (closing) DiscardEmptyActive();
      if (!abandoned_.empty() && (seal_now || closing || now >= next_retry_)) {
        Status retry = RetryAbandoned();
        // A seal that failed and then succeeded on the retry leaves nothing unsealed: OK.
        if (seal_status.ok() || abandoned_.empty()) seal_status = retry;
      }
      if (seal_now) {
        std::lock_guard<std::mutex> l(mu_);
        seal_status_ = seal_status;
        seal_completed_ = seal_ticket;
        done_cv_.notify_all();
      }
      if (closing) {
        // Append() refuses new records once closing_ is set, so the queue taken above was the
        // last one.
        std::lock_guard<std::mutex> l(mu_);
        close_status_ = seal_status;
        seal_completed_ = seal_requested_;  // wake SealActive() callers that raced with Close()
        seal_status_ = seal_status;
        done_cv_.notify_all();
        return;
      }
    }
  }

  // When the writer thread must wake without new work: the age seal, the periodic sync and
  // the retry of abandoned segments. (A periodic sync that finishes wakes it too.) Writer-thread
  // state only.
  Micros NextDeadline() const {
    Micros deadline = kNoDeadline;
    if (active_ && !active_->empty()) {
      deadline = std::min(deadline, opened_at_ + options_.seal_after);
    }
    if (unsynced_ && options_.durability == Durability::kInterval && !interval_sync_running_) {
      deadline = std::min(deadline, last_sync_ + options_.sync_interval);
    }
    if (!abandoned_.empty()) deadline = std::min(deadline, next_retry_);
    return deadline;
  }

  void WriteBatch(std::vector<Pending>& batch) {
    Status s;
    size_t i = 0;
    while (i < batch.size()) {
      s = EnsureActive();
      if (!s.ok()) break;
      // Fill the segment up to its size limit; the rest goes into the next segment.
      pieces_.clear();
      uint64_t bytes = 0;
      const size_t first = i;
      do {
        Pending& p = batch[i];
        pieces_.push_back({p.frame_header.data(), p.frame_header.size()});
        pieces_.push_back({p.record.data(), p.record.size()});
        bytes += p.frame_header.size() + p.record.size();
        ++i;
      } while (i < batch.size() &&
               active_->size() + bytes + batch[i].record.size() < options_.segment_max_bytes);
      s = WriteChunk();
      if (!s.ok()) {
        i = first;
        break;
      }
      Acknowledge(batch, first, i, Status::Ok(), bytes);
      // A failed seal abandons the segment and sets Health(); these records are safe in it.
      if (active_->size() >= options_.segment_max_bytes) (void)SealCurrent();
    }
    if (!s.ok()) {
      LogError("rawlog", s.ToString());
      Acknowledge(batch, i, batch.size(), s, 0);
    }
  }

  // Writes the frames in pieces_ to the active segment and, with kFsync, syncs it. On failure no
  // frame of this chunk stays in the segment, or the segment is abandoned.
  //
  // After a failed fdatasync the bytes written may or may not be on disk, and Linux may already
  // have marked those pages clean, so a later sync would succeed without writing them. The
  // records of this chunk get the error, so they must not stay readable in the file either (a
  // client retries them; a batch run must not count them too). The policy: cut the file back to
  // its size before the chunk — everything before that was synced successfully earlier — and
  // sync the cut; the segment is then as it was before the chunk and stays in use. When the
  // cut or its sync fails too, the segment is abandoned: closed, left `.open`, remembered with
  // the size to cut it back to, and the next chunk goes to a new segment. The retry (and the
  // recovery at the next Open) truncates it to that size and seals it.
  Status WriteChunk() {
    const uint64_t before = active_->size();
    Status s = Injected(IoStep::kWrite);
    if (s.ok()) s = active_->AppendFramed(pieces_);
    if (!s.ok()) {
      CountIoError();
      if (active_->damaged()) Abandon(before);
      return s;
    }
    if (options_.durability != Durability::kFsync) {
      unsynced_ = true;
      return Status::Ok();
    }
    s = TimedSync();
    if (s.ok()) {
      active_->DropCacheBehind(active_->size());
      return Status::Ok();
    }
    Status cut = Injected(IoStep::kTruncate);
    if (cut.ok()) cut = active_->TruncateTo(before);
    if (cut.ok()) cut = TimedSync();
    if (!cut.ok()) {
      LogError("rawlog", "after a failed sync: " + cut.ToString());
      Abandon(before);
    }
    return s;
  }

  // Runs `done` of batch[from, to) with `status` and updates the counters and Health();
  // `frame_bytes` is what those records added to the log (0 when they failed).
  void Acknowledge(std::vector<Pending>& batch, size_t from, size_t to, const Status& status,
                   uint64_t frame_bytes) {
    if (from == to) return;
    const Micros now = SteadyMicros();
    uint64_t record_bytes = 0;
    for (size_t k = from; k < to; ++k) {
      record_bytes += batch[k].record.size();
      append_latency_.Record(now - batch[k].enqueued);
    }
    {
      // Before the callbacks: whoever learns of the outcome must find it reflected in Health(),
      // Stats() and AcknowledgedEnd() already.
      std::lock_guard<std::mutex> l(mu_);
      for (size_t k = from; k < to && spare_.size() < kMaxSpareBuffers; ++k) {
        std::string& buffer = batch[k].record;
        if (buffer.capacity() > kMaxSpareCapacity) continue;
        buffer.clear();
        spare_.push_back(std::move(buffer));
      }
      health_ = status;
      stats_.queued_records -= to - from;
      stats_.queued_bytes -= record_bytes;
      if (status.ok()) {
        stats_.records += to - from;
        stats_.bytes += frame_bytes;
        stats_.active_bytes = active_->size();
        acknowledged_ = {active_->number(), active_->size()};
      } else {
        stats_.failed_records += to - from;
      }
    }
    for (size_t k = from; k < to; ++k) batch[k].done(status);
  }

  // kInterval: the periodic sync runs on background_sync_, through a second descriptor of the
  // active segment, while this thread goes on writing and acknowledging records.
  void StartIntervalSync() {
    Result<UniqueFd> fd = active_->DuplicateDescriptor();
    if (!fd.ok()) {
      CountIoError();
      return IntervalSyncFailed(fd.status(), active_->number());
    }
    interval_sync_running_ = true;
    background_sync_.Start(
        {std::move(*fd), active_->path(), active_->number(), active_->size(), SteadyMicros()});
  }

  void CollectIntervalSync() {
    std::optional<BackgroundSync::Outcome> outcome = background_sync_.Take();
    if (!outcome) return;
    interval_sync_running_ = false;
    const BackgroundSync::Job& job = outcome->job;
    if (!outcome->status.ok()) return IntervalSyncFailed(outcome->status, job.segment);
    if (!active_ || active_->number() != job.segment) return;  // sealed (and synced) meanwhile
    last_sync_ = job.started;
    unsynced_ = active_->size() > job.size;  // records written while it ran wait for the next
    active_->DropCacheBehind(job.size);
  }

  // The records a periodic sync covers were acknowledged already, so on failure there is
  // nobody to tell but Health() and the log. The segment is then sealed at once (which syncs
  // again) rather than appended to: pages whose writeback failed may be missing on disk, and
  // later records must not land in a file with a hole before them. (`segment` may have been
  // sealed meanwhile; the error is reported all the same.)
  void IntervalSyncFailed(const Status& s, uint64_t segment) {
    LogError("rawlog",
             "periodic sync failed; records acknowledged since the last sync may be lost: " +
                 s.ToString());
    SetHealth(s);
    if (active_ && active_->number() == segment) (void)SealCurrent();
  }

  Status Injected(IoStep step) const {
    return options_.inject_fault ? options_.inject_fault(step) : Status::Ok();
  }

  Status TimedSync() {
    return Timed([&] { return active_->Sync(); });
  }

  // Runs `sync` after the injected fault of kSync, if any, and times and counts it. Safe on
  // the writer thread and on background_sync_'s.
  template <class Sync>
  Status Timed(const Sync& sync) {
    const Micros start = SteadyMicros();
    Status s = Injected(IoStep::kSync);
    if (s.ok()) s = sync();
    sync_latency_.Record(SteadyMicros() - start);
    {
      std::lock_guard<std::mutex> l(mu_);
      ++stats_.syncs;
    }
    if (!s.ok()) CountIoError();
    return s;
  }

  Status EnsureActive() {
    if (active_) return Status::Ok();
    auto seg = ActiveSegment::Create(dir_, next_number_,
                                     options_.durability == Durability::kFsync
                                         ? ActiveSegment::WhenDurable::kEveryBatch
                                         : ActiveSegment::WhenDurable::kOnCreate);
    if (!seg.ok()) {
      CountIoError();
      // Create removes what it made; should even that fail, skip the number so the next try
      // does not hit EEXIST, and let the retry remove the leftover (a header at most; were it
      // longer, it is kept and sealed rather than cut).
      struct stat st {};
      if (::stat(SegmentPath(dir_, next_number_, false).c_str(), &st) == 0) {
        const auto size = static_cast<uint64_t>(st.st_size);
        abandoned_.push_back({next_number_, size <= kSegmentHeaderSize ? 0 : size});
        next_retry_ = SteadyMicros() + kAbandonedRetryInterval;
        ++next_number_;
      }
      return seg.status();
    }
    ++next_number_;
    active_.emplace(std::move(seg).value());
    opened_at_ = SteadyMicros();
    last_sync_ = opened_at_;  // Create synced the header
    unsynced_ = false;
    std::lock_guard<std::mutex> l(mu_);
    stats_.active_segment = active_->number();
    stats_.active_bytes = active_->size();
    stats_.abandoned_segments = abandoned_.size();
    stats_.direct_io = active_->direct_io();
    acknowledged_ = {active_->number(), active_->size()};
    return Status::Ok();
  }

  // Seals a non-empty active segment. When the seal fails before the rename, the segment is
  // abandoned (every byte in it is acknowledged, so all of it is kept) and retried later.
  Status SealCurrent() {
    if (!active_ || active_->empty()) return Status::Ok();
    const uint64_t size = active_->size();
    Status s = active_->Seal();
    if (active_->sealed()) {
      active_.reset();
      unsynced_ = false;
      std::lock_guard<std::mutex> l(mu_);
      ++stats_.sealed_segments;
      stats_.sealed_bytes += size;
      stats_.active_bytes = 0;
      if (!s.ok()) {
        // Renamed, but the directory sync failed: sealed, though the name may not be durable.
        ++stats_.io_errors;
        health_ = s;
      }
      return s;
    }
    CountIoError();
    SetHealth(s);
    LogError("rawlog", s.ToString());
    Abandon(size);
    return s;
  }

  // Close() with an active segment that holds no record (its only chunk failed): remove it,
  // as recovery would, rather than leave an empty `.open` behind.
  void DiscardEmptyActive() {
    if (!active_ || !active_->empty()) return;
    const uint64_t number = active_->number();
    active_.reset();
    abandoned_.push_back({number, 0});
  }

  void Abandon(uint64_t keep) {
    LogError("rawlog", "abandoning active segment " + active_->path() + " after an I/O error; " +
                           "it is cut back to " + std::to_string(keep) +
                           " bytes and sealed when the disk allows");
    abandoned_.push_back({active_->number(), keep});
    active_.reset();
    unsynced_ = false;
    next_retry_ = SteadyMicros() + kAbandonedRetryInterval;
    std::lock_guard<std::mutex> l(mu_);
    stats_.active_bytes = 0;
    stats_.abandoned_segments = abandoned_.size();
  }

  // Cuts each abandoned segment back to its acknowledged size and seals it (or removes it when
  // that leaves no record). Returns the first error; failed ones stay for the next retry.
  Status RetryAbandoned() {
    Status first;
    for (auto it = abandoned_.begin(); it != abandoned_.end();) {
      const std::string path = SegmentPath(dir_, it->number, false);
      Status s;
      uint64_t size = 0;
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0) {
        if (errno != ENOENT) s = ErrnoError("cannot stat " + path);
      } else {
        size = std::min(static_cast<uint64_t>(st.st_size), it->keep);
        if (static_cast<uint64_t>(st.st_size) > it->keep &&
            ::truncate(path.c_str(), static_cast<off_t>(it->keep)) != 0) {
          s = ErrnoError("cannot cut abandoned segment " + path);
        }
        if (s.ok()) s = SealRecovered(dir_, it->number);
        if (s.ok() && size > kSegmentHeaderSize) {
          std::lock_guard<std::mutex> l(mu_);
          ++stats_.sealed_segments;
          stats_.sealed_bytes += size;
        }
      }
      if (s.ok()) {
        it = abandoned_.erase(it);
      } else {
        CountIoError();
        if (first.ok()) first = s;
        ++it;
      }
    }
    next_retry_ = SteadyMicros() + kAbandonedRetryInterval;
    std::lock_guard<std::mutex> l(mu_);
    stats_.abandoned_segments = abandoned_.size();
    return first;
  }

  void CountIoError() {
    std::lock_guard<std::mutex> l(mu_);
    ++stats_.io_errors;
  }

  void SetHealth(const Status& s) {
    std::lock_guard<std::mutex> l(mu_);
    health_ = s;
  }

  // Constant after construction.
  const std::string dir_;
  const LogOptions options_;
  FileLock lock_;

  // Owned by the writer thread.
  uint64_t next_number_;
  std::optional<ActiveSegment> active_;
  Micros opened_at_ = 0;   // SteadyMicros() when active_ was made
  Micros last_sync_ = 0;   // SteadyMicros() of the last successful sync of active_
  bool unsynced_ = false;  // active_ holds acknowledged bytes not yet synced (kInterval, kNone)
  bool interval_sync_running_ = false;  // background_sync_ has a job whose outcome is not taken
  std::vector<Abandoned> abandoned_;
  Micros next_retry_ = 0;
  std::vector<iovec> pieces_;  // the frames of a chunk: each record's header and body

  // Thread-safe on their own.
  Histogram append_latency_;
  Histogram sync_latency_;

  std::mutex join_mu_;
  std::thread thread_;  // guarded by join_mu_ once started

  mutable std::mutex mu_;
  std::condition_variable cv_;         // wakes the writer thread
  std::condition_variable done_cv_;    // wakes SealActive() callers
  std::vector<Pending> queue_;         // guarded by mu_
  std::vector<std::string> spare_;     // guarded by mu_: emptied record buffers, for Append
  bool closing_ = false;               // guarded by mu_
  uint64_t seal_requested_ = 0;        // guarded by mu_
  uint64_t seal_completed_ = 0;        // guarded by mu_
  Status seal_status_;                 // guarded by mu_
  Status close_status_;                // guarded by mu_ (written by the writer thread at exit)
  Status health_;                      // guarded by mu_
  Position acknowledged_;              // guarded by mu_
  LogStats stats_;                     // guarded by mu_ (histograms live outside it)
  bool background_sync_done_ = false;  // guarded by mu_: an outcome waits in background_sync_

  // Last, so that it stops (finishing a sync in progress) before the members it uses go.
  BackgroundSync background_sync_{[this](const BackgroundSync::Job& job) {
                                    return Timed([&] {
                                      return ::fdatasync(job.fd.get()) == 0
                                                 ? Status::Ok()
                                                 : ErrnoError("fdatasync " + job.path);
                                    });
                                  },
                                  [this] {
                                    std::lock_guard<std::mutex> l(mu_);
                                    background_sync_done_ = true;
                                    cv_.notify_one();
                                  }};
};

LogWriter::LogWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LogWriter::~LogWriter() = default;

Result<std::unique_ptr<LogWriter>> LogWriter::Open(const std::string& dir, LogOptions options) {
  FOOTFALL_ASSIGN_OR_RETURN(FileLock lock, LockRawLog(dir));
  FOOTFALL_ASSIGN_OR_RETURN(auto segments, ListSegments(dir));
  for (const SegmentInfo& seg : segments) {
    if (seg.sealed) continue;
    // An active segment of a run that did not close cleanly: keep every whole record, seal it.
    FOOTFALL_ASSIGN_OR_RETURN(uint64_t cut, TruncateTornTail(seg.path));
    if (cut > 0) {
      LogWarning("rawlog",
                 "recovery: cut a torn tail of " + std::to_string(cut) + " bytes from " + seg.path);
    }
    FOOTFALL_RETURN_IF_ERROR(SealRecovered(dir, seg.number));
  }
  FOOTFALL_ASSIGN_OR_RETURN(segments, ListSegments(dir));
  uint64_t sealed = 0, sealed_bytes = 0;
  for (const SegmentInfo& seg : segments) {
    sealed += seg.sealed ? 1 : 0;
    sealed_bytes += seg.sealed ? seg.size : 0;
  }
  const uint64_t next = segments.empty() ? 1 : segments.back().number + 1;
  auto impl = std::make_unique<Impl>(dir, options, std::move(lock), next, sealed, sealed_bytes);
  impl->Start();
  return std::unique_ptr<LogWriter>(new LogWriter(std::move(impl)));
}

void LogWriter::Append(std::string record, Done done) { impl_->Append(&record, std::move(done)); }
void LogWriter::Append(std::string* record, Done done) { impl_->Append(record, std::move(done)); }
Status LogWriter::SealActive() { return impl_->SealActive(); }
Status LogWriter::Close() { return impl_->Close(); }
LogStats LogWriter::Stats() const { return impl_->Stats(); }
Status LogWriter::Health() const { return impl_->Health(); }
Position LogWriter::AcknowledgedEnd() const { return impl_->AcknowledgedEnd(); }

void AppendPrometheusMetrics(const LogStats& s, std::string* out) {
  const auto metric = [out](const char* name, const char* type, const char* help, uint64_t value) {
    *out += "# HELP ";
    *out += name;
    *out += ' ';
    *out += help;
    *out += "\n# TYPE ";
    *out += name;
    *out += ' ';
    *out += type;
    *out += '\n';
    *out += name;
    *out += ' ';
    *out += std::to_string(value);
    *out += '\n';
  };
  metric("footfall_rawlog_records_total", "counter", "Records acknowledged by the raw log.",
         s.records);
  metric("footfall_rawlog_bytes_total", "counter",
         "Bytes of acknowledged records, framing included.", s.bytes);
  metric("footfall_rawlog_syncs_total", "counter", "fdatasync calls on the active segment.",
         s.syncs);
  metric("footfall_rawlog_sealed_segments", "gauge", "Sealed segments in the raw log directory.",
         s.sealed_segments);
  metric("footfall_rawlog_sealed_bytes", "gauge", "Bytes of the sealed segments on disk.",
         s.sealed_bytes);
  metric("footfall_rawlog_active_segment", "gauge", "Number of the active segment.",
         s.active_segment);
  metric("footfall_rawlog_active_bytes", "gauge", "Bytes in the active segment.", s.active_bytes);
  metric("footfall_rawlog_queued_records", "gauge", "Records appended and not yet acknowledged.",
         s.queued_records);
  metric("footfall_rawlog_queued_bytes", "gauge", "Bytes of records not yet acknowledged.",
         s.queued_bytes);
  metric("footfall_rawlog_rejected_records_total", "counter",
         "Appends refused because the queue was full.", s.rejected_records);
  metric("footfall_rawlog_failed_records_total", "counter",
         "Records not stored because of an I/O error.", s.failed_records);
  metric("footfall_rawlog_io_errors_total", "counter",
         "Failed segment creates, writes, syncs and seals.", s.io_errors);
  metric("footfall_rawlog_abandoned_segments", "gauge",
         "Segments left unsealed after an I/O error, waiting to be sealed.", s.abandoned_segments);
  metric("footfall_rawlog_direct_io", "gauge",
         "1 when the active segment's records are written with direct I/O, else 0.",
         s.direct_io ? 1 : 0);
  metric("footfall_rawlog_healthy", "gauge", "1 when the last write batch succeeded, else 0.",
         s.healthy ? 1 : 0);
  s.append_latency.AppendPrometheus(out, "footfall_rawlog_append_latency_seconds",
                                    "Time from Append to the record's acknowledgement.");
  s.sync_latency.AppendPrometheus(out, "footfall_rawlog_sync_latency_seconds",
                                  "Time of one fdatasync of the active segment.");
}

}  // namespace footfall::rawlog
