#include "engine/executor.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace footfall::engine {
namespace {

class LocalExecutor final : public Executor {
 public:
  explicit LocalExecutor(size_t threads) : threads_(threads) {}

  size_t threads() const override { return threads_; }

  Status Run(size_t n, const std::function<Status(size_t)>& task) override {
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex mu;
    size_t failed_index = std::numeric_limits<size_t>::max();  // guarded by mu
    Status failure;                                            // guarded by mu

    auto worker = [&] {
      while (!failed.load(std::memory_order_acquire)) {
        const size_t i = next.fetch_add(1, std::memory_order_relaxed);
        if (i >= n) return;
        Status s;
        try {
          s = task(i);
        } catch (const std::exception& e) {
          s = Internal(std::string("task threw: ") + e.what());
        } catch (...) {
          s = Internal("task threw a non-standard exception");
        }
        if (!s.ok()) {
          std::lock_guard lock(mu);
          if (i < failed_index) {
            failed_index = i;
            failure = std::move(s);
          }
          failed.store(true, std::memory_order_release);
        }
      }
    };

    const size_t helpers = std::min(threads_, n) > 0 ? std::min(threads_, n) - 1 : 0;
    std::vector<std::thread> pool;
    pool.reserve(helpers);
    for (size_t i = 0; i < helpers; ++i) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    return failure;
  }

 private:
  const size_t threads_;
};

}  // namespace

std::unique_ptr<Executor> MakeLocalExecutor(size_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  return std::make_unique<LocalExecutor>(threads);
}

}  // namespace footfall::engine
