#include "rawlog/background_sync.h"

#include <cassert>
#include <utility>

#include "base/thread.h"

namespace footfall::rawlog {

BackgroundSync::BackgroundSync(std::function<Status(const Job&)> sync,
                               std::function<void()> finished)
    : sync_(std::move(sync)), finished_(std::move(finished)) {}

BackgroundSync::~BackgroundSync() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();  // the thread finishes a job it was given first
}

void BackgroundSync::Start(Job job) {
  std::lock_guard<std::mutex> l(mu_);
  assert(!job_ && !outcome_);
  job_ = std::move(job);
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  cv_.notify_one();
}

std::optional<BackgroundSync::Outcome> BackgroundSync::Take() {
  std::lock_guard<std::mutex> l(mu_);
  return std::exchange(outcome_, std::nullopt);
}

void BackgroundSync::Run() {
  NameThisThread("rawlog-sync");
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return job_.has_value() || stopping_; });
      if (!job_) return;
      job = std::move(*job_);
      job_.reset();
    }
    Status status = sync_(job);
    job.fd.reset();
    {
      std::lock_guard<std::mutex> l(mu_);
      outcome_ = Outcome{std::move(job), std::move(status)};
    }
    finished_();
  }
}

}  // namespace footfall::rawlog
