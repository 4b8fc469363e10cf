// Executor: where the tasks of a stage run. The engine hands it a stage as N independent tasks
// (one per partition) and waits for all of them; how and where they run is the executor's.
//
// Scale-out (docs/engine.md, "Executors"; docs/scale-out.md): an SPMD executor runs the same
// program in every process (rank). rank() and num_ranks() tell the engine which share of the
// partitions this process computes (partition p belongs to rank p % num_ranks()), and the
// collectives below carry what crosses processes: serialized shuffle blocks (AllToAll, in
// bounded rounds), the per-partition results of actions (AllGather) and failures (Agree). The
// local thread executor is rank 0 of 1; its collectives return their input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace footfall::engine {

// What an executor's collectives moved, summed over its life (this rank's view).
struct ExchangeCounters {
  uint64_t rounds = 0;           // AllToAll rounds
  uint64_t bytes_sent = 0;       // to other ranks, by AllToAll and AllGather
  uint64_t bytes_received = 0;   // from other ranks
  uint64_t micros = 0;           // spent inside collectives (waiting for other ranks included)
  uint64_t alltoall_micros = 0;  // of which in AllToAll rounds: moving shuffle blocks
};

class Executor {
 public:
  virtual ~Executor() = default;

  // Tasks that may run at once in this process.
  virtual size_t threads() const = 0;

  // Runs task(i) for every i in [0, n) that this rank owns (i % num_ranks() == rank()) and
  // returns when none is running any more. After the first task fails no new task starts; the
  // failure of the lowest-numbered failed task is returned, so that the error does not depend on
  // timing. This rank's result only: the engine agrees on failures across ranks (Agree). `task`
  // must not throw (the engine converts exceptions to a Status at the task boundary); an
  // exception that escapes anyway is returned as kInternal rather than ending the process.
  virtual Status Run(size_t n, const std::function<Status(size_t)>& task) = 0;

  // This process's place among the processes running the same job (SPMD).
  virtual size_t rank() const { return 0; }
  virtual size_t num_ranks() const { return 1; }
  bool Owns(size_t partition) const { return partition % num_ranks() == rank(); }

  // ---- Collectives: every rank calls them in the same order, from the thread that runs the
  // job (never from a task). A transport failure is returned; with MPI it usually ends the
  // job instead (the default error handler aborts every rank).

  // Every rank's `mine`, indexed by rank.
  virtual Result<std::vector<std::string>> AllGather(std::string mine);
  // Every rank's `mine`, indexed by rank, on rank 0; an empty vector on the others.
  virtual Result<std::vector<std::string>> Gather(std::string mine);
  // One round of an all-to-all: send[d] goes to rank d (send.size() == num_ranks()); returns
  // what each rank sent to this one, indexed by source. send[rank()] comes back unchanged.
  virtual Result<std::vector<std::string>> AllToAll(std::vector<std::string> send);

  // The same Status on every rank: OK when every rank's `mine` is OK, else the failure with the
  // lowest `order` (ties: the lowest rank). Stages pass the failed partition as the order.
  Status Agree(const Status& mine, uint64_t order = 0);

  // Ends the whole job now, on every rank, after reporting `why`: for a failure in the middle
  // of a collective exchange, where this rank cannot tell the others through a collective (they
  // wait in the next round). One process: does nothing (the Status is returned as usual).
  virtual void AbortJob(const Status& why) { (void)why; }

  ExchangeCounters exchange_counters() const { return counters_; }

 protected:
  ExchangeCounters counters_;
};

// Runs tasks on `threads` threads of this process (0: one per core). Threads live only while
// Run() runs, so an idle executor holds none and none outlives it. Run() may be called from
// one thread at a time.
std::unique_ptr<Executor> MakeLocalExecutor(size_t threads);

// Runs every task i in [0, n) for which owned(i) holds on `threads` threads; what the local
// executor does, shared with executors that own a share of the partitions.
Status RunOnThreads(size_t threads, size_t n, const std::function<bool(size_t)>& owned,
                    const std::function<Status(size_t)>& task);

}  // namespace footfall::engine
