// SyncPool: fdatasyncs of the active segment on threads of their own, several in flight at once.
//
// LogWriter syncs through it so that its own thread goes on writing while the device flushes.
// With kFsync durability, records written while a sync runs get a sync of their own, started at
// once on a free thread, instead of waiting for the running one to end and then for theirs: on
// storage that takes several flushes at a time (as this machine's virtual disk does, see
// BENCHMARKS.md) that shortens the wait for an acknowledgement by up to a sync. With kInterval,
// the periodic sync runs here (one thread) while records keep being acknowledged.
//
// Each thread syncs through a descriptor of its own, opened by OpenTarget() before any record
// of the segment is written. Linux reports a writeback error once to each open file
// description, so a sync that returns OK proves that every byte written before it started is
// on disk, even when a sync on another thread failed meanwhile. (Through one shared descriptor,
// one sync could take the error and a concurrent one succeed over the page that was lost.)
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "base/time.h"

namespace footfall::rawlog {

class SyncPool {
 public:
  // One segment's descriptors, one per thread, closed when the last job holding them is done.
  struct Target {
    Target() = default;
    Target(const Target&) = delete;
    Target& operator=(const Target&) = delete;
    ~Target();
    uint64_t segment = 0;
    std::string path;
    std::vector<int> fds;
  };
  // A sync of `target` asked for when its file held `end` bytes, at `started` (steady clock):
  // once it returns OK, bytes [0, end) are durable.
  struct Job {
    std::shared_ptr<const Target> target;
    uint64_t end = 0;
    Micros started = 0;
  };
  // `sync` performs one fdatasync of a descriptor of `path` (the writer adds timing, counting and
  // fault injection); `finished` runs on the pool's thread once a job's sync returned. Both are
  // called from the pool's threads, concurrently when it has more than one.
  using Sync = std::function<Status(int fd, const std::string& path)>;
  using Finished = std::function<void(const Job&, const Status&)>;

  SyncPool(int threads, Sync sync, Finished finished);
  ~SyncPool();  // runs the jobs already started, then stops
  SyncPool(const SyncPool&) = delete;
  SyncPool& operator=(const SyncPool&) = delete;

  int threads() const { return static_cast<int>(threads_.size()); }

  // Opens a descriptor per thread of segment `segment` at `path`.
  Result<std::shared_ptr<const Target>> OpenTarget(uint64_t segment, const std::string& path) const;

  // Queues `job`; the first free thread runs it.
  void Start(Job job);

 private:
  void Run(size_t index);

  const Sync sync_;
  const Finished finished_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;   // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace footfall::rawlog
