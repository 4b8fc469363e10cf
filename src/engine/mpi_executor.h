// The MPI executor: the engine SPMD across processes (docs/scale-out.md). Every rank (process)
// runs the same program and builds the same plan; a stage's tasks run on the rank that owns the
// partition (p % ranks), on that rank's threads; shuffles exchange serialized blocks between
// ranks in bounded rounds (MPI_Alltoallv, or point-to-point messages); actions gather results
// to every rank; failures are agreed so that every rank returns the same Status.
//
// Built only when CMake finds MPI (target footfall::engine_mpi, which defines
// FOOTFALL_HAVE_MPI for its users); the rest of the engine does not depend on it.
//
// MPI is initialized when the first executor is made and finalized when the process exits;
// collectives run on the thread that runs the job (MPI_THREAD_FUNNELED). A rank that dies makes
// the launcher (mpirun, srun) end every other rank: the job fails and is simply run again.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "engine/executor.h"

namespace footfall::engine {

enum class ExchangeMethod {
  kAllToAllV,     // MPI_Alltoall of sizes, then MPI_Alltoallv of bytes
  kPointToPoint,  // MPI_Isend to every peer, MPI_Mprobe/MPI_Mrecv from every peer
};

struct MpiExecutorOptions {
  size_t threads = 0;  // per rank; 0: one per core of this host divided among its ranks
  ExchangeMethod exchange = ExchangeMethod::kAllToAllV;
};

// Initializes MPI in this process (once; kFailedPrecondition when MPI cannot start or was
// already initialized by another executor) and returns rank `MPI_COMM_WORLD` rank of size
// `MPI_COMM_WORLD` size. Reads FOOTFALL_MPI_EXCHANGE (alltoallv|p2p) to override the method,
// and the test hook FOOTFALL_MPI_KILL_RANK=R with FOOTFALL_MPI_KILL_ROUND=K: rank R kills
// itself (SIGKILL) before its K-th all-to-all round (from 1), i.e. in the middle of a shuffle.
Result<std::shared_ptr<Executor>> MakeMpiExecutor(MpiExecutorOptions options = {});

// True when this process was started by an MPI launcher (mpirun/mpiexec, srun with PMI/PMIx).
bool LaunchedByMpi();

// Ends every rank of the job now with `exit_code` (MPI_Abort): for a failure on one rank that
// the others cannot learn through a collective. Does nothing when MPI is not initialized.
void AbortMpiJob(int exit_code);

}  // namespace footfall::engine
