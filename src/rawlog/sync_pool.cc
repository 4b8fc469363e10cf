#include "rawlog/sync_pool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "base/thread.h"

namespace footfall::rawlog {

SyncPool::Target::~Target() {
  for (int fd : fds) ::close(fd);
}

SyncPool::SyncPool(int threads, Sync sync, Finished finished)
    : sync_(std::move(sync)), finished_(std::move(finished)) {
  for (int i = 0; i < std::max(threads, 1); ++i) {
    threads_.emplace_back([this, i] { Run(static_cast<size_t>(i)); });
  }
}

SyncPool::~SyncPool() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

Result<std::shared_ptr<const SyncPool::Target>> SyncPool::OpenTarget(
    uint64_t segment, const std::string& path) const {
  auto target = std::make_shared<Target>();
  target->segment = segment;
  target->path = path;
  for (size_t i = 0; i < threads_.size(); ++i) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoError("cannot open " + path + " to sync it");
    target->fds.push_back(fd);
  }
  return std::shared_ptr<const Target>(std::move(target));
}

void SyncPool::Start(Job job) {
  {
    std::lock_guard<std::mutex> l(mu_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void SyncPool::Run(size_t index) {
  NameThisThread("rawlog-sync");
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return !jobs_.empty() || stopping_; });
      if (jobs_.empty()) return;  // stopping, and every job started has run
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    const Status status = sync_(job.target->fds[index], job.target->path);
    finished_(job, status);
  }
}

}  // namespace footfall::rawlog
