#include "engine/executor.h"

#include <algorithm>
#include <atomic>
#include <cstring>
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
    return RunOnThreads(
        threads_, n, [](size_t) { return true; }, task);
  }

 private:
  const size_t threads_;
};

// A failure as the bytes Agree gathers: order (8 bytes), code (4 bytes), message. OK is empty.
std::string EncodeFailure(const Status& s, uint64_t order) {
  if (s.ok()) return {};
  std::string out(12, '\0');
  const auto code = static_cast<uint32_t>(s.code());
  std::memcpy(out.data(), &order, 8);
  std::memcpy(out.data() + 8, &code, 4);
  out += s.message();
  return out;
}

}  // namespace

Status RunOnThreads(size_t threads, size_t n, const std::function<bool(size_t)>& owned,
                    const std::function<Status(size_t)>& task) {
  std::vector<size_t> mine;
  for (size_t i = 0; i < n; ++i) {
    if (owned(i)) mine.push_back(i);
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  size_t failed_index = std::numeric_limits<size_t>::max();  // guarded by mu
  Status failure;                                            // guarded by mu

  auto worker = [&] {
    while (!failed.load(std::memory_order_acquire)) {
      const size_t k = next.fetch_add(1, std::memory_order_relaxed);
      if (k >= mine.size()) return;
      const size_t i = mine[k];
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

  const size_t use = std::min(threads, mine.size());
  const size_t helpers = use > 0 ? use - 1 : 0;
  std::vector<std::thread> pool;
  pool.reserve(helpers);
  for (size_t i = 0; i < helpers; ++i) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return failure;
}

Result<std::vector<std::string>> Executor::AllGather(std::string mine) {
  std::vector<std::string> all;
  all.push_back(std::move(mine));
  return all;
}

// Correct for any executor; the MPI executor sends to rank 0 alone.
Result<std::vector<std::string>> Executor::Gather(std::string mine) {
  FOOTFALL_ASSIGN_OR_RETURN(std::vector<std::string> all, AllGather(std::move(mine)));
  if (rank() != 0) all.clear();
  return all;
}

Result<std::vector<std::string>> Executor::AllToAll(std::vector<std::string> send) { return send; }

Status Executor::Agree(const Status& mine, uint64_t order) {
  if (num_ranks() == 1) return mine;
  auto all = AllGather(EncodeFailure(mine, order));
  if (!all.ok()) return all.status();
  const std::string* best = nullptr;
  uint64_t best_order = 0;
  size_t best_rank = 0;
  for (size_t r = 0; r < all->size(); ++r) {
    const std::string& f = (*all)[r];
    if (f.empty()) continue;
    if (f.size() < 12) return Internal("a rank sent a malformed failure report");
    uint64_t o = 0;
    std::memcpy(&o, f.data(), 8);
    if (best == nullptr || o < best_order) {
      best = &f;
      best_order = o;
      best_rank = r;
    }
  }
  if (best == nullptr) return Status::Ok();
  uint32_t code = 0;
  std::memcpy(&code, best->data() + 8, 4);
  if (code == 0 || code > static_cast<uint32_t>(StatusCode::kInternal)) {
    code = static_cast<uint32_t>(StatusCode::kInternal);
  }
  return Status(static_cast<StatusCode>(code), best->substr(12))
      .WithContext("rank " + std::to_string(best_rank));
}

std::unique_ptr<Executor> MakeLocalExecutor(size_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  return std::make_unique<LocalExecutor>(threads);
}

}  // namespace footfall::engine
