#include "rawlog/log_writer.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "base/log.h"
#include "rawlog/segment.h"

namespace footfall::rawlog {

class LogWriter::Impl {
 public:
  Impl(std::string dir, LogOptions options, FileLock lock, uint64_t next_number)
      : dir_(std::move(dir)),
        options_(options),
        lock_(std::move(lock)),
        next_number_(next_number) {}

  ~Impl() { (void)Close(); }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }

  void Append(std::string record, Done done) {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!closing_) {
        queue_.push_back(Pending{std::move(record), std::move(done)});
        cv_.notify_one();
        return;
      }
    }
    done(FailedPrecondition("raw log " + dir_ + " is closed"));
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
    std::lock_guard<std::mutex> l(mu_);
    return stats_;
  }

 private:
  struct Pending {
    std::string record;
    Done done;
  };

  // The writer thread: take everything queued, write it in one call, sync once, acknowledge.
  void Run() {
    std::vector<Pending> batch;
    std::string frames;
    for (;;) {
      bool closing, seal_now;
      uint64_t seal_ticket;
      {
        std::unique_lock<std::mutex> l(mu_);
        const auto ready = [&] {
          return !queue_.empty() || closing_ || seal_requested_ > seal_completed_;
        };
        if (active_ && !active_->empty()) {
          const Micros wait = opened_at_ + options_.seal_after - NowMicros();
          if (wait > 0) cv_.wait_for(l, std::chrono::microseconds(wait), ready);
        } else {
          cv_.wait(l, ready);
        }
        batch.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.end()));
        queue_.clear();
        closing = closing_;
        seal_ticket = seal_requested_;
        seal_now = seal_requested_ > seal_completed_;
      }

      if (!batch.empty()) WriteBatch(batch, frames);
      batch.clear();

      const bool aged =
          active_ && !active_->empty() && NowMicros() - opened_at_ >= options_.seal_after;
      Status seal_status;
      if (seal_now || closing || aged) seal_status = SealCurrent();
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

  void WriteBatch(std::vector<Pending>& batch, std::string& frames) {
    Status s = EnsureActive();
    size_t i = 0;
    while (s.ok() && i < batch.size()) {
      // Fill the segment up to its size limit; the rest goes into the next segment.
      frames.clear();
      const size_t first = i;
      do {
        FrameRecord(batch[i].record, &frames);
        ++i;
      } while (i < batch.size() && active_->size() + frames.size() + batch[i].record.size() <
                                       options_.segment_max_bytes);
      s = active_->AppendFramed(frames);
      if (s.ok() && options_.sync) s = active_->Sync();
      if (s.ok()) {
        {
          std::lock_guard<std::mutex> l(mu_);
          stats_.records += i - first;
          stats_.bytes += frames.size();
          stats_.syncs += options_.sync ? 1 : 0;
        }
        for (size_t k = first; k < i; ++k) batch[k].done(Status::Ok());
        if (active_->size() >= options_.segment_max_bytes) s = SealCurrent();
        if (s.ok() && i < batch.size()) s = EnsureActive();
      } else {
        i = first;
        break;
      }
    }
    if (!s.ok()) {
      LogError("rawlog", s.ToString());
      for (size_t k = i; k < batch.size(); ++k) batch[k].done(s);
    }
  }

  Status EnsureActive() {
    if (active_) return Status::Ok();
    auto seg = ActiveSegment::Create(dir_, next_number_);
    if (!seg.ok()) return seg.status();
    ++next_number_;
    active_.emplace(std::move(seg).value());
    opened_at_ = NowMicros();
    std::lock_guard<std::mutex> l(mu_);
    stats_.active_segment = active_->number();
    return Status::Ok();
  }

  Status SealCurrent() {
    if (!active_ || active_->empty()) return Status::Ok();
    Status s = active_->Seal();
    active_.reset();
    if (s.ok()) {
      std::lock_guard<std::mutex> l(mu_);
      ++stats_.sealed_segments;
    }
    return s;
  }

  // Constant after construction.
  const std::string dir_;
  const LogOptions options_;
  FileLock lock_;

  // Owned by the writer thread.
  uint64_t next_number_;
  std::optional<ActiveSegment> active_;
  Micros opened_at_ = 0;

  std::mutex join_mu_;
  std::thread thread_;  // guarded by join_mu_ once started

  mutable std::mutex mu_;
  std::condition_variable cv_;       // wakes the writer thread
  std::condition_variable done_cv_;  // wakes SealActive() callers
  std::deque<Pending> queue_;        // guarded by mu_
  bool closing_ = false;             // guarded by mu_
  uint64_t seal_requested_ = 0;      // guarded by mu_
  uint64_t seal_completed_ = 0;      // guarded by mu_
  Status seal_status_;               // guarded by mu_
  Status close_status_;              // guarded by mu_ (written by the writer thread at exit)
  LogStats stats_;                   // guarded by mu_
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
  FOOTFALL_ASSIGN_OR_RETURN(uint64_t next, NextSegmentNumber(dir));
  auto impl = std::make_unique<Impl>(dir, options, std::move(lock), next);
  impl->Start();
  return std::unique_ptr<LogWriter>(new LogWriter(std::move(impl)));
}

void LogWriter::Append(std::string record, Done done) {
  impl_->Append(std::move(record), std::move(done));
}
Status LogWriter::SealActive() { return impl_->SealActive(); }
Status LogWriter::Close() { return impl_->Close(); }
LogStats LogWriter::Stats() const { return impl_->Stats(); }

}  // namespace footfall::rawlog
