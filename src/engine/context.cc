#include "engine/context.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace footfall::engine {

bool MemoryPool::TryReserve(uint64_t n) {
  uint64_t used = used_.load(std::memory_order_relaxed);
  while (true) {
    if (used + n > limit_) return false;
    if (used_.compare_exchange_weak(used, used + n, std::memory_order_relaxed)) return true;
  }
}

TaskContext::~TaskContext() {
  if (accounted_ != 0) context_->NoteAccounted(-accounted_);
}

uint64_t TaskContext::memory_share() const { return context_->task_memory_share(); }

void TaskContext::Account(int64_t delta) {
  if (delta == 0) return;
  accounted_ += delta;
  context_->NoteAccounted(delta);
}

MemoryPool* TaskContext::retained_pool() const { return context_->retained_pool(); }

std::shared_ptr<SpillFile> TaskContext::NewSpillFile() const {
  return ValueOrThrow(SpillFile::Create(context_->spill_dir(), context_->spill_counters()));
}

Context::Context(EngineOptions options)
    : options_(std::move(options)), retained_(options_.memory_budget_bytes / 2) {
  executor_ = options_.executor ? options_.executor : MakeLocalExecutor(options_.threads);
  spill_dir_ = options_.spill_dir;
  if (spill_dir_.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    spill_dir_ = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  const uint64_t threads = std::max<size_t>(1, executor_->threads());
  task_share_ = std::max<uint64_t>(1, options_.memory_budget_bytes / 2 / threads);
}

Context::~Context() = default;

EngineStats Context::stats() const {
  EngineStats s;
  s.jobs = jobs_.load();
  s.spill_files = spill_.spill_files.load();
  s.spill_runs = spill_.runs_written.load();
  s.bytes_spilled = spill_.bytes_spilled.load();
  s.bytes_spilled_on_disk = spill_.bytes_on_disk.load();
  s.shuffle_bytes = shuffle_bytes_.load();
  s.shuffle_records = shuffle_records_.load();
  s.peak_memory_bytes = peak_.load();
  const ExchangeCounters x = executor_->exchange_counters();
  s.exchange_rounds = x.rounds;
  s.bytes_sent = x.bytes_sent;
  s.bytes_received = x.bytes_received;
  s.exchange_micros = x.alltoall_micros;
  s.collective_micros = x.micros;
  return s;
}

void Context::NoteAccounted(int64_t delta) {
  const int64_t now = accounted_.fetch_add(delta, std::memory_order_relaxed) + delta;
  const uint64_t total = static_cast<uint64_t>(std::max<int64_t>(0, now)) + retained_.used();
  uint64_t peak = peak_.load(std::memory_order_relaxed);
  while (total > peak && !peak_.compare_exchange_weak(peak, total, std::memory_order_relaxed)) {
  }
}

void Context::AddShuffle(uint64_t records, uint64_t bytes) {
  shuffle_records_.fetch_add(records, std::memory_order_relaxed);
  shuffle_bytes_.fetch_add(bytes, std::memory_order_relaxed);
}

std::unique_lock<std::mutex> Context::BeginJob(size_t stages) {
  std::unique_lock lock(job_mu_);
  ++job_;
  jobs_.fetch_add(1, std::memory_order_relaxed);
  stage_ = 0;
  stages_ = stages;
  return lock;
}

Status Context::RunStage(const std::string& name, size_t partitions,
                         const std::function<void(TaskContext&)>& task) {
  std::atomic<bool> cancelled{false};
  StageProgress progress;
  progress.job = job_;
  progress.stage = stage_++;
  progress.stages = std::max(stages_, stage_);
  progress.name = name;
  progress.partitions = partitions;
  auto report = [&](const StageProgress& p) {
    if (options_.progress) options_.progress(p);
  };
  report(progress);

  size_t failed_partition = SIZE_MAX;  // guarded by progress_mu_
  Status failure;                      // guarded by progress_mu_
  Status status = executor_->Run(partitions, [&](size_t p) -> Status {
    TaskContext tc(this, p, &cancelled);
    Status s;
    try {
      task(tc);
    } catch (const TaskCancelled&) {
      // Another task's failure is the one to report.
      return TaskContext::Cancelled();
    } catch (const TaskFailure& f) {
      s = f.status();
    } catch (const std::exception& e) {
      s = Internal(std::string("user function threw: ") + e.what());
    } catch (...) {
      s = Internal("user function threw a non-standard exception");
    }
    if (!s.ok()) {
      cancelled.store(true, std::memory_order_relaxed);
      s = s.WithContext("partition " + std::to_string(p));
      std::lock_guard lock(progress_mu_);
      if (p < failed_partition) {
        failed_partition = p;
        failure = s;
      }
      return s;
    }
    std::lock_guard lock(progress_mu_);
    progress.partitions_done++;
    progress.rows += tc.rows();
    progress.bytes += tc.shuffle_bytes();
    report(progress);
    return Status::Ok();
  });
  if (!failure.ok()) status = failure;
  if (executor_->num_ranks() > 1) {
    // Every rank leaves the stage with the same result, so that all go on to the next
    // collective or all stop.
    status = executor_->Agree(status, failure.ok() ? 0 : failed_partition);
  }
  if (!status.ok()) return status.WithContext("stage '" + name + "'");
  progress.done = true;
  report(progress);
  return Status::Ok();
}

}  // namespace footfall::engine
