// Context: what a job runs with — the executor, the memory budget, the spill directory, the
// progress observer — and the counters of what its jobs did. Datasets are built from a Context
// and their actions run on it.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "base/status.h"
#include "engine/executor.h"
#include "engine/spill.h"

namespace footfall::engine {

// One report about a stage: sent when it starts (partitions_done 0), after each partition and
// when it ends (done). Rows and bytes are cumulative for the stage: rows emitted by its tasks,
// bytes they wrote to a shuffle (0 for a job's last stage).
struct StageProgress {
  uint64_t job = 0;   // per Context, from 1
  size_t stage = 0;   // index within the job
  size_t stages = 0;  // stages in the job
  std::string name;   // what the stage computes, e.g. "ReduceByKey (map side)"
  size_t partitions = 0;
  size_t partitions_done = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  bool done = false;
};

// Called from worker threads, one call at a time (the engine serializes them); keep it quick.
using ProgressObserver = std::function<void(const StageProgress&)>;

struct EngineOptions {
  // Tasks at once; 0: one per core. Results do not depend on it.
  size_t threads = 0;
  // Bytes that shuffle buffers, hash tables and sort buffers may hold together. Half is shared
  // by the shuffle outputs kept in memory between stages, the other half is split evenly among
  // the running tasks; over its share a task spills. See docs/engine.md for the constant part
  // of peak memory that comes on top.
  uint64_t memory_budget_bytes = uint64_t{1} << 30;
  // Where spill files go (created when missing); empty: $TMPDIR, else /tmp.
  std::string spill_dir;
  ProgressObserver progress;
  // Runs the tasks; null: a local thread executor of `threads` threads.
  std::shared_ptr<Executor> executor;
};

// Totals over a Context's jobs.
struct EngineStats {
  uint64_t jobs = 0;
  uint64_t spill_files = 0;
  uint64_t spill_runs = 0;
  uint64_t bytes_spilled = 0;  // uncompressed
  uint64_t bytes_spilled_on_disk = 0;
  uint64_t shuffle_bytes = 0;  // serialized bytes written by map tasks
  uint64_t shuffle_records = 0;
  uint64_t peak_memory_bytes = 0;  // the most bytes accounted at once
  // Between ranks (SPMD executors; zero in one process): all-to-all rounds, bytes this rank
  // sent to and received from the others (shuffle blocks, gathered results, agreements), the
  // time spent in all-to-all rounds, and in every collective (waiting for slower ranks at the
  // end of each stage included).
  uint64_t exchange_rounds = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  uint64_t exchange_micros = 0;
  uint64_t collective_micros = 0;
};

// Thrown inside a task to fail it with a Status; caught at the task boundary. Internal to the
// engine's operators and sources (user functions may throw anything: it is caught there too).
class TaskFailure : public std::exception {
 public:
  explicit TaskFailure(Status status) : status_(std::move(status)) {}
  const char* what() const noexcept override { return status_.message().c_str(); }
  const Status& status() const { return status_; }

 private:
  Status status_;
};

// Thrown by TaskContext::CheckCancelled in the tasks still running after another failed.
class TaskCancelled : public std::exception {
 public:
  const char* what() const noexcept override { return "job cancelled"; }
};

inline void ThrowIfError(Status status) {
  if (!status.ok()) throw TaskFailure(std::move(status));
}
template <typename T>
T ValueOrThrow(Result<T> result) {
  if (!result.ok()) throw TaskFailure(result.status());
  return std::move(result).value();
}

class Context;

// Bytes accounted against a limit, from any thread.
class MemoryPool {
 public:
  explicit MemoryPool(uint64_t limit) : limit_(limit) {}
  // Takes `n` bytes when they fit under the limit.
  bool TryReserve(uint64_t n);
  void Release(uint64_t n) { used_.fetch_sub(n, std::memory_order_relaxed); }
  uint64_t used() const { return used_.load(std::memory_order_relaxed); }

 private:
  const uint64_t limit_;
  std::atomic<uint64_t> used_{0};
};

// What one task of a stage sees: its partition, its memory share, a way to spill, cancellation
// and the counters it adds to. Owned by the engine for the task's duration; one thread.
class TaskContext {
 public:
  TaskContext(Context* context, size_t partition, const std::atomic<bool>* cancelled)
      : context_(context), partition_(partition), cancelled_(cancelled) {}
  ~TaskContext();
  TaskContext(const TaskContext&) = delete;
  TaskContext& operator=(const TaskContext&) = delete;

  size_t partition() const { return partition_; }
  Context* context() const { return context_; }

  // Throws when another task of the job failed: long loops call it now and then so that a
  // failed job stops quickly.
  void CheckCancelled() const {
    if (cancelled_->load(std::memory_order_relaxed)) throw TaskCancelled();
  }
  static Status Cancelled() { return {StatusCode::kFailedPrecondition, "job cancelled"}; }

  // Bytes this task's buffers may hold before they spill.
  uint64_t memory_share() const;
  // The task's buffers grew (or shrank) by `delta` bytes (for the peak-memory statistic).
  void Account(int64_t delta);
  // Shuffle outputs that stay in memory after the task draw from this pool.
  MemoryPool* retained_pool() const;
  std::shared_ptr<SpillFile> NewSpillFile() const;  // throws TaskFailure on error

  void AddRows(uint64_t n) { rows_ += n; }
  void AddShuffleBytes(uint64_t n) { bytes_ += n; }
  uint64_t rows() const { return rows_; }
  uint64_t shuffle_bytes() const { return bytes_; }

 private:
  Context* context_;
  size_t partition_;
  const std::atomic<bool>* cancelled_;
  int64_t accounted_ = 0;
  uint64_t rows_ = 0;
  uint64_t bytes_ = 0;
};

// The bytes one buffer of a task holds, reported to its TaskContext as they change.
class Accounted {
 public:
  explicit Accounted(TaskContext& tc) : tc_(tc) {}
  ~Accounted() { Set(0); }
  Accounted(const Accounted&) = delete;
  Accounted& operator=(const Accounted&) = delete;
  void Set(uint64_t bytes) {
    tc_.Account(static_cast<int64_t>(bytes) - static_cast<int64_t>(reported_));
    reported_ = bytes;
  }

 private:
  TaskContext& tc_;
  uint64_t reported_ = 0;
};

// Owns the executor and options. Datasets keep a pointer to their Context, which must outlive
// them. Jobs on one Context run one at a time (an action called while another runs waits);
// build datasets from any thread.
class Context {
 public:
  explicit Context(EngineOptions options = {});
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const EngineOptions& options() const { return options_; }
  Executor& executor() { return *executor_; }
  // Read between jobs: the exchange counters are the executor's, updated while a job runs.
  EngineStats stats() const;

  // -- For the engine's own operators. --

  // Runs one stage: task(tc) for each of `partitions` partitions on the executor, reporting
  // progress. A task fails by throwing (TaskFailure or anything else); the first failure
  // cancels the rest and is returned with the stage's name as context.
  Status RunStage(const std::string& name, size_t partitions,
                  const std::function<void(TaskContext&)>& task);
  // Starts and ends a job: one at a time per Context. `stages` is for progress reports.
  std::unique_lock<std::mutex> BeginJob(size_t stages);

  uint64_t task_memory_share() const { return task_share_; }
  MemoryPool* retained_pool() { return &retained_; }
  SpillCounters* spill_counters() { return &spill_; }
  const std::string& spill_dir() const { return spill_dir_; }
  void NoteAccounted(int64_t delta);
  void AddShuffle(uint64_t records, uint64_t bytes);

 private:
  EngineOptions options_;
  std::shared_ptr<Executor> executor_;
  std::string spill_dir_;
  uint64_t task_share_ = 0;
  MemoryPool retained_;
  SpillCounters spill_;
  std::mutex job_mu_;  // held for a job's duration
  std::mutex progress_mu_;
  uint64_t job_ = 0;  // guarded by job_mu_
  size_t stage_ = 0;
  size_t stages_ = 0;
  std::atomic<uint64_t> jobs_{0};
  std::atomic<int64_t> accounted_{0};
  std::atomic<uint64_t> peak_{0};
  std::atomic<uint64_t> shuffle_records_{0};
  std::atomic<uint64_t> shuffle_bytes_{0};
};

}  // namespace footfall::engine
