#include "pipeline/scheduler.h"

#include <chrono>

#include "base/log.h"
#include "base/memory.h"

namespace footfall::pipeline {

BatchScheduler::BatchScheduler(BatchOptions options, Micros interval,
                               std::function<Status()> before_batch)
    : options_(std::move(options)), interval_(interval), before_batch_(std::move(before_batch)) {}

BatchScheduler::~BatchScheduler() { Stop(); }

void BatchScheduler::Start(bool run_now) {
  worker_ = std::thread([this, run_now] { Loop(run_now); });
}

void BatchScheduler::Trigger() {
  std::lock_guard<std::mutex> l(mu_);
  triggered_ = true;
  cv_.notify_all();
}

void BatchScheduler::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
}

BatchScheduler::State BatchScheduler::state() const {
  std::lock_guard<std::mutex> l(mu_);
  return state_;
}

void BatchScheduler::Loop(bool run_now) {
  std::unique_lock<std::mutex> l(mu_);
  state_.next_run = run_now ? NowMicros() : NowMicros() + interval_;
  for (;;) {
    cv_.wait_for(l, std::chrono::microseconds(std::max<Micros>(0, state_.next_run - NowMicros())),
                 [&] { return stopping_ || triggered_ || NowMicros() >= state_.next_run; });
    if (stopping_) return;
    triggered_ = false;
    state_.running = true;
    l.unlock();

    const Status before = before_batch_ ? before_batch_() : Status::Ok();
    Result<BatchReport> report = before.ok() ? RunBatch(options_) : Result<BatchReport>(before);
    if (report.ok()) {
      LogInfo("batch", "published version " + std::to_string(report->version) + " with " +
                           std::to_string(report->events) + " events in " +
                           std::to_string(report->duration / 1000) + " ms");
    } else {
      LogError("batch", report.status().ToString());
    }
    // The rebuild's buffers were kept for reuse while it ran; the next one is minutes away.
    ReturnFreedMemory();

    l.lock();
    state_.running = false;
    ++state_.runs;
    if (report.ok()) {
      state_.last_report = *report;
      state_.last_error.clear();
    } else {
      ++state_.failures;
      state_.last_error = report.status().ToString();
    }
    state_.next_run = NowMicros() + interval_;
  }
}

}  // namespace footfall::pipeline
