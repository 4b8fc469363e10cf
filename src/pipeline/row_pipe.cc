#include "pipeline/row_pipe.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace footfall::pipeline {
namespace {

using serving::Value;

// A few thousand rows per batch keeps the lock out of the way; four batches in flight let either
// side run ahead of the other a little. The slots keep their strings from batch to batch, so a
// steady stream of rows allocates little.
constexpr size_t kRowsPerBatch = 2048;
constexpr size_t kBatches = 4;

struct Batch {
  std::vector<Value> cells;
  size_t rows = 0;
};

class Queue {
 public:
  explicit Queue(size_t columns) {
    for (size_t i = 0; i < kBatches; ++i) {
      auto b = std::make_unique<Batch>();
      b->cells.resize(columns * kRowsPerBatch);
      free_.push_back(std::move(b));
    }
  }

  // An empty batch to fill, or null once the consumer stopped.
  std::unique_ptr<Batch> TakeFree() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return !free_.empty() || stopped_; });
    return stopped_ ? nullptr : Pop(free_);
  }
  // The next filled batch, or null once the producer is done and every batch was taken.
  std::unique_ptr<Batch> TakeFull() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return !full_.empty() || produced_; });
    return full_.empty() ? nullptr : Pop(full_);
  }

  void PutFree(std::unique_ptr<Batch> b) { Put(free_, std::move(b)); }
  void PutFull(std::unique_ptr<Batch> b) { Put(full_, std::move(b)); }

  void ProducerDone(Status status) {
    std::lock_guard lock(mu_);
    produced_ = true;
    producer_status_ = std::move(status);
    changed_.notify_all();
  }
  void ConsumerStopped() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    changed_.notify_all();
  }
  Status producer_status() {
    std::lock_guard lock(mu_);
    return producer_status_;
  }

 private:
  static std::unique_ptr<Batch> Pop(std::deque<std::unique_ptr<Batch>>& from) {
    std::unique_ptr<Batch> b = std::move(from.front());
    from.pop_front();
    return b;
  }
  void Put(std::deque<std::unique_ptr<Batch>>& to, std::unique_ptr<Batch> b) {
    std::lock_guard lock(mu_);
    to.push_back(std::move(b));
    changed_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Batch>> free_, full_;
  bool produced_ = false, stopped_ = false;
  Status producer_status_;
};

}  // namespace

Status PipeRows(size_t columns, const RowSource& produce, const RowFill& fill,
                const RowSink& consume) {
  Queue queue(columns);
  std::thread producer([&] {
    std::unique_ptr<Batch> batch;
    Status status;
    try {
      status = produce([&](std::span<const Value> row) -> Status {
        if (row.size() != columns) {
          return InvalidArgument("a row of " + std::to_string(row.size()) + " cells where " +
                                 std::to_string(columns) + " were expected");
        }
        if (batch == nullptr) {
          batch = queue.TakeFree();
          if (batch == nullptr) return FailedPrecondition("the rows' consumer stopped");
        }
        fill(row, std::span<Value>(batch->cells).subspan(batch->rows * columns, columns));
        if (++batch->rows == kRowsPerBatch) queue.PutFull(std::move(batch));
        return Status::Ok();
      });
    } catch (const std::exception& e) {
      status = Internal(std::string("building rows failed: ") + e.what());
    }
    if (batch != nullptr && batch->rows > 0) queue.PutFull(std::move(batch));
    queue.ProducerDone(std::move(status));
  });
  Status consumed;
  try {
    while (std::unique_ptr<Batch> batch = queue.TakeFull()) {
      const std::span<const Value> cells(batch->cells);
      for (size_t r = 0; r < batch->rows && consumed.ok(); ++r) {
        consumed = consume(cells.subspan(r * columns, columns));
      }
      if (!consumed.ok()) break;
      batch->rows = 0;
      queue.PutFree(std::move(batch));
    }
  } catch (const std::exception& e) {
    consumed = Internal(std::string("consuming rows failed: ") + e.what());
  }
  // The producer stops at its next row, if it has not finished.
  if (!consumed.ok()) queue.ConsumerStopped();
  producer.join();
  if (!consumed.ok()) return consumed;
  return queue.producer_status();
}

}  // namespace footfall::pipeline
