// BatchScheduler: runs batch rebuilds in the background of `footfall run` — at start when no
// version is published yet, then every `interval`, and when triggered (POST /api/v1/batch).
// Runs never overlap (one worker thread; RunBatch also locks the data directory).
//
// Thread-safe: Trigger(), State() and Stop() may be called from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "pipeline/batch.h"

namespace footfall::pipeline {

class BatchScheduler {
 public:
  struct State {
    bool running = false;
    uint64_t runs = 0;  // finished runs, failed ones included
    uint64_t failures = 0;
    std::optional<BatchReport> last_report;
    std::string last_error;  // of the last run, "" when it succeeded
    Micros next_run = 0;
  };

  // `before_batch` runs first in every run (the collector seals its active segment there, so
  // the rebuild includes what was collected until now); a failure there fails the run.
  BatchScheduler(BatchOptions options, Micros interval, std::function<Status()> before_batch);
  ~BatchScheduler();  // Stop()

  void Start(bool run_now);
  void Trigger();
  // Waits for a running rebuild to finish (a half-built version is never published), then
  // stops the worker. Idempotent.
  void Stop();
  State state() const;

 private:
  void Loop(bool run_now);

  // Constant after construction.
  const BatchOptions options_;
  const Micros interval_;
  const std::function<Status()> before_batch_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;   // guarded by mu_
  bool triggered_ = false;  // guarded by mu_
  State state_;             // guarded by mu_
  std::thread worker_;
};

}  // namespace footfall::pipeline
