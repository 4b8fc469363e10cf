// Executor: where the tasks of a stage run. The engine hands it a stage as N independent tasks
// (one per partition) and waits for all of them; how and where they run is the executor's.
//
// The seam for scale-out (docs/engine.md, "Executors"): an SPMD executor runs the same program
// in every process; rank() and num_ranks() tell the engine which share of the partitions this
// process computes, and a shuffle becomes an all-to-all exchange of serialized partitions. Only
// the local thread executor exists now; it is rank 0 of 1.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "base/status.h"

namespace footfall::engine {

class Executor {
 public:
  virtual ~Executor() = default;

  // Tasks that may run at once in this process.
  virtual size_t threads() const = 0;

  // Runs task(i) for every i in [0, n) and returns when none is running any more. After the
  // first task fails no new task starts; the failure of the lowest-numbered failed task is
  // returned, so that the error does not depend on timing. `task` must not throw (the engine
  // converts exceptions to a Status at the task boundary); an exception that escapes anyway is
  // returned as kInternal rather than ending the process.
  virtual Status Run(size_t n, const std::function<Status(size_t)>& task) = 0;

  // This process's place among the processes running the same job (SPMD). A partition p of a
  // source is read by rank p % num_ranks(); every rank holds the results of its partitions.
  virtual size_t rank() const { return 0; }
  virtual size_t num_ranks() const { return 1; }
};

// Runs tasks on `threads` threads of this process (0: one per core). Threads live only while
// Run() runs, so an idle executor holds none and none outlives it. Run() may be called from
// one thread at a time.
std::unique_ptr<Executor> MakeLocalExecutor(size_t threads);

}  // namespace footfall::engine
