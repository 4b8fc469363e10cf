#include "engine/mpi_executor.h"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace footfall::engine {
namespace {

// Bytes per MPI call: counts are ints.
constexpr uint64_t kMaxMessageBytes = uint64_t{1} << 30;

uint64_t NowMicros() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

void FinalizeAtExit() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

Status MpiError(const char* what, int code) {
  char text[MPI_MAX_ERROR_STRING];
  int n = 0;
  MPI_Error_string(code, text, &n);
  return Internal(std::string(what) + " failed: " + std::string(text, static_cast<size_t>(n)));
}

#define FOOTFALL_MPI(call)                                                         \
  do {                                                                             \
    const int footfall_mpi_rc_ = (call);                                           \
    if (footfall_mpi_rc_ != MPI_SUCCESS) return MpiError(#call, footfall_mpi_rc_); \
  } while (0)

class MpiExecutor final : public Executor {
 public:
  MpiExecutor(size_t threads, size_t rank, size_t ranks, ExchangeMethod method, int kill_round)
      : threads_(threads), rank_(rank), ranks_(ranks), method_(method), kill_round_(kill_round) {}

  size_t threads() const override { return threads_; }
  size_t rank() const override { return rank_; }
  size_t num_ranks() const override { return ranks_; }

  Status Run(size_t n, const std::function<Status(size_t)>& task) override {
    return RunOnThreads(
        threads_, n, [this](size_t i) { return Owns(i); }, task);
  }

  Result<std::vector<std::string>> AllGather(std::string mine) override {
    const uint64_t started = NowMicros();
    std::vector<uint64_t> sizes(ranks_);
    uint64_t size = mine.size();
    if (MPI_Allgather(&size, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD) !=
        MPI_SUCCESS) {
      return Internal("MPI_Allgather of sizes failed");
    }
    std::vector<std::string> all(ranks_);
    uint64_t total = 0;
    for (size_t r = 0; r < ranks_; ++r) {
      total += sizes[r];
      if (r != rank_) all[r].resize(sizes[r]);
    }
    all[rank_] = std::move(mine);
    if (total <= kMaxMessageBytes) {
      // One call: everything lands in one buffer, then is split per rank.
      std::string buffer(total, '\0');
      std::vector<int> counts(ranks_), displs(ranks_);
      uint64_t at = 0;
      for (size_t r = 0; r < ranks_; ++r) {
        counts[r] = static_cast<int>(sizes[r]);
        displs[r] = static_cast<int>(at);
        at += sizes[r];
      }
      const std::string& m = all[rank_];
      if (MPI_Allgatherv(m.data(), static_cast<int>(m.size()), MPI_BYTE, buffer.data(),
                         counts.data(), displs.data(), MPI_BYTE, MPI_COMM_WORLD) != MPI_SUCCESS) {
        return Internal("MPI_Allgatherv failed");
      }
      for (size_t r = 0; r < ranks_; ++r) {
        if (r != rank_) all[r].assign(buffer, static_cast<size_t>(displs[r]), sizes[r]);
      }
    } else {
      // Over a GiB in all: each rank broadcasts its part in pieces.
      for (size_t r = 0; r < ranks_; ++r) {
        for (uint64_t at = 0; at < sizes[r]; at += kMaxMessageBytes) {
          const int n = static_cast<int>(std::min(kMaxMessageBytes, sizes[r] - at));
          if (MPI_Bcast(all[r].data() + at, n, MPI_BYTE, static_cast<int>(r), MPI_COMM_WORLD) !=
              MPI_SUCCESS) {
            return Internal("MPI_Bcast failed");
          }
        }
      }
    }
    for (size_t r = 0; r < ranks_; ++r) {
      if (r == rank_) continue;
      counters_.bytes_sent += all[rank_].size();
      counters_.bytes_received += sizes[r];
    }
    counters_.micros += NowMicros() - started;
    return all;
  }

  Result<std::vector<std::string>> Gather(std::string mine) override {
    const uint64_t started = NowMicros();
    std::vector<uint64_t> sizes(ranks_);
    uint64_t size = mine.size();
    if (MPI_Gather(&size, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, 0, MPI_COMM_WORLD) !=
        MPI_SUCCESS) {
      return Internal("MPI_Gather of sizes failed");
    }
    std::vector<std::string> all;
    if (rank_ != 0) {
      // In pieces of at most kMaxMessageBytes, which rank 0 receives in rank order.
      for (uint64_t at = 0; at < mine.size(); at += kMaxMessageBytes) {
        const int n = static_cast<int>(std::min(kMaxMessageBytes, mine.size() - at));
        if (MPI_Send(mine.data() + at, n, MPI_BYTE, 0, 0, MPI_COMM_WORLD) != MPI_SUCCESS) {
          return Internal("MPI_Send to rank 0 failed");
        }
      }
      counters_.bytes_sent += mine.size();
    } else {
      all.resize(ranks_);
      all[0] = std::move(mine);
      for (size_t r = 1; r < ranks_; ++r) {
        all[r].resize(sizes[r]);
        for (uint64_t at = 0; at < sizes[r]; at += kMaxMessageBytes) {
          const int n = static_cast<int>(std::min(kMaxMessageBytes, sizes[r] - at));
          if (MPI_Recv(all[r].data() + at, n, MPI_BYTE, static_cast<int>(r), 0, MPI_COMM_WORLD,
                       MPI_STATUS_IGNORE) != MPI_SUCCESS) {
            return Internal("MPI_Recv from rank " + std::to_string(r) + " failed");
          }
        }
        counters_.bytes_received += sizes[r];
      }
    }
    counters_.micros += NowMicros() - started;
    return all;
  }

  void AbortJob(const Status& why) override {
    std::fprintf(stderr, "footfall: rank %zu of %zu ends the MPI job: %s\n", rank_, ranks_,
                 why.ToString().c_str());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }

  Result<std::vector<std::string>> AllToAll(std::vector<std::string> send) override {
    if (send.size() != ranks_) return Internal("AllToAll needs one buffer per rank");
    ++counters_.rounds;
    if (kill_round_ > 0 && counters_.rounds == static_cast<uint64_t>(kill_round_)) {
      // The fault hook of the rank-failure test: die as a crashed host would, mid-shuffle.
      std::raise(SIGKILL);
    }
    for (size_t d = 0; d < ranks_; ++d) {
      if (send[d].size() > kMaxMessageBytes) return Internal("an all-to-all round over 1 GiB");
    }
    const uint64_t started = NowMicros();
    std::vector<std::string> received(ranks_);
    Status s = method_ == ExchangeMethod::kAllToAllV ? AllToAllV(send, &received)
                                                     : PointToPoint(send, &received);
    if (!s.ok()) return s;
    received[rank_] = std::move(send[rank_]);
    for (size_t r = 0; r < ranks_; ++r) {
      if (r == rank_) continue;
      counters_.bytes_sent += send[r].size();
      counters_.bytes_received += received[r].size();
    }
    counters_.micros += NowMicros() - started;
    counters_.alltoall_micros += NowMicros() - started;
    return received;
  }

 private:
  Status AllToAllV(const std::vector<std::string>& send, std::vector<std::string>* received) {
    std::vector<int> send_counts(ranks_), recv_counts(ranks_), send_displs(ranks_),
        recv_displs(ranks_);
    std::string send_buffer;
    for (size_t d = 0; d < ranks_; ++d) {
      send_displs[d] = static_cast<int>(send_buffer.size());
      send_counts[d] = d == rank_ ? 0 : static_cast<int>(send[d].size());
      if (d != rank_) send_buffer += send[d];
    }
    FOOTFALL_MPI(MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT,
                              MPI_COMM_WORLD));
    uint64_t total = 0;
    for (size_t s = 0; s < ranks_; ++s) {
      recv_displs[s] = static_cast<int>(total);
      total += static_cast<uint64_t>(recv_counts[s]);
    }
    if (total > INT_MAX) return Internal("an all-to-all round receives over 2 GiB");
    std::string recv_buffer(total, '\0');
    FOOTFALL_MPI(MPI_Alltoallv(send_buffer.data(), send_counts.data(), send_displs.data(), MPI_BYTE,
                               recv_buffer.data(), recv_counts.data(), recv_displs.data(), MPI_BYTE,
                               MPI_COMM_WORLD));
    for (size_t s = 0; s < ranks_; ++s) {
      if (s != rank_) {
        (*received)[s].assign(recv_buffer, static_cast<size_t>(recv_displs[s]),
                              static_cast<size_t>(recv_counts[s]));
      }
    }
    return Status::Ok();
  }

  Status PointToPoint(const std::vector<std::string>& send, std::vector<std::string>* received) {
    // One message per peer per round; messages between two ranks do not overtake each other,
    // so rounds cannot mix. The tag is fixed: every round sends exactly one message per pair.
    constexpr int kTag = 7;
    std::vector<MPI_Request> requests;
    requests.reserve(ranks_);
    for (size_t d = 0; d < ranks_; ++d) {
      if (d == rank_) continue;
      requests.emplace_back();
      FOOTFALL_MPI(MPI_Isend(send[d].data(), static_cast<int>(send[d].size()), MPI_BYTE,
                             static_cast<int>(d), kTag, MPI_COMM_WORLD, &requests.back()));
    }
    for (size_t k = 1; k < ranks_; ++k) {
      MPI_Message message;
      MPI_Status status;
      FOOTFALL_MPI(MPI_Mprobe(MPI_ANY_SOURCE, kTag, MPI_COMM_WORLD, &message, &status));
      int count = 0;
      FOOTFALL_MPI(MPI_Get_count(&status, MPI_BYTE, &count));
      std::string& into = (*received)[static_cast<size_t>(status.MPI_SOURCE)];
      into.resize(static_cast<size_t>(count));
      FOOTFALL_MPI(MPI_Mrecv(into.data(), count, MPI_BYTE, &message, MPI_STATUS_IGNORE));
    }
    FOOTFALL_MPI(
        MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE));
    return Status::Ok();
  }

  const size_t threads_;
  const size_t rank_;
  const size_t ranks_;
  const ExchangeMethod method_;
  const int kill_round_;  // 0: no fault
};

}  // namespace

bool LaunchedByMpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"}) {
    if (std::getenv(v) != nullptr) return true;
  }
  return false;
}

Result<std::shared_ptr<Executor>> MakeMpiExecutor(MpiExecutorOptions options) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) return FailedPrecondition("MPI is already initialized in this process");
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    return FailedPrecondition("MPI_Init_thread failed: is this process started by mpirun?");
  }
  std::atexit(FinalizeAtExit);
  if (provided < MPI_THREAD_FUNNELED) {
    return FailedPrecondition("this MPI library does not allow threads beside MPI calls");
  }
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);

  size_t threads = options.threads;
  if (threads == 0) {
    // The ranks on this host share its cores.
    MPI_Comm local;
    int local_size = 1;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &local) ==
        MPI_SUCCESS) {
      MPI_Comm_size(local, &local_size);
      MPI_Comm_free(&local);
    }
    const size_t cores = std::max(1u, std::thread::hardware_concurrency());
    threads = std::max<size_t>(1, cores / static_cast<size_t>(std::max(1, local_size)));
  }
  ExchangeMethod method = options.exchange;
  if (const char* m = std::getenv("FOOTFALL_MPI_EXCHANGE")) {
    const std::string v = m;
    if (v == "p2p") {
      method = ExchangeMethod::kPointToPoint;
    } else if (v == "alltoallv") {
      method = ExchangeMethod::kAllToAllV;
    } else {
      return InvalidArgument("FOOTFALL_MPI_EXCHANGE must be alltoallv or p2p, not '" + v + "'");
    }
  }
  int kill_round = 0;
  const char* kill_rank = std::getenv("FOOTFALL_MPI_KILL_RANK");
  if (kill_rank != nullptr && std::atoi(kill_rank) == rank) {
    const char* round = std::getenv("FOOTFALL_MPI_KILL_ROUND");
    kill_round = round != nullptr ? std::max(1, std::atoi(round)) : 1;
  }
  return std::shared_ptr<Executor>(std::make_shared<MpiExecutor>(
      threads, static_cast<size_t>(rank), static_cast<size_t>(ranks), method, kill_round));
}

void AbortMpiJob(int exit_code) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) MPI_Abort(MPI_COMM_WORLD, exit_code);
}

}  // namespace footfall::engine
