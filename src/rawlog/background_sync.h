// BackgroundSync: one fdatasync at a time on a thread of its own. LogWriter uses it for the
// periodic sync of kInterval durability, so that records keep being written and acknowledged
// while the device works, instead of waiting behind the sync on the writer thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/files.h"
#include "base/status.h"
#include "base/time.h"

namespace footfall::rawlog {

class BackgroundSync {
 public:
  // What to sync: `fd` (closed once synced) is a descriptor of segment `segment`, which held
  // `size` bytes when the sync was asked for at `started`.
  struct Job {
    UniqueFd fd;
    std::string path;
    uint64_t segment = 0;
    uint64_t size = 0;
    Micros started = 0;
  };
  struct Outcome {
    Job job;  // job.fd is closed
    Status status;
  };

  // `sync` performs the sync of a descriptor (the writer adds timing, counting and fault
  // injection to it); `finished` runs on the sync thread after each outcome is ready, to wake
  // whoever will Take() it. Both must be safe to call from another thread.
  BackgroundSync(std::function<Status(const Job&)> sync, std::function<void()> finished);
  ~BackgroundSync();  // waits for a sync in progress
  BackgroundSync(const BackgroundSync&) = delete;
  BackgroundSync& operator=(const BackgroundSync&) = delete;

  // Starts syncing `job`; at most one job at a time: the previous outcome must have been taken.
  void Start(Job job);
  // The outcome of the job started last, once it is finished.
  std::optional<Outcome> Take();

 private:
  void Run();

  const std::function<Status(const Job&)> sync_;
  const std::function<void()> finished_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Job> job_;          // guarded by mu_
  std::optional<Outcome> outcome_;  // guarded by mu_
  bool stopping_ = false;           // guarded by mu_
  std::thread thread_;              // started by the first Start()
};

}  // namespace footfall::rawlog
