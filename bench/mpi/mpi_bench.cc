// Sessionization under MPI: the job of bench/engine (group page views by user, order by time,
// split on 30-minute gaps) on the MPI executor, so that `mpirun -np N mpi_bench sessions FILE`
// measures the same job at N ranks. Rank 0 prints one line: the checksums (equal at any N),
// the time, and per-rank exchange volume and time, from which run.sh derives the exchange rate.
//
//   mpirun -np N mpi_bench sessions FILE [--budget BYTES] [--threads N] [--spill-dir DIR]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "base/memory.h"
#include "bench/engine/sessionize.h"
#include "engine/dataset.h"
#include "engine/io.h"
#include "engine/mpi_executor.h"

namespace {

using footfall::Status;
namespace engine = footfall::engine;

using footfall::bench::Totals;

// What each rank reports to rank 0.
struct RankReport {
  double seconds = 0;
  uint64_t shuffle_bytes = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  uint64_t exchange_micros = 0;
  uint64_t collective_micros = 0;
  uint64_t rounds = 0;
  uint64_t spilled = 0;
};

int Sessions(const std::string& path, engine::EngineOptions options) {
  engine::Context ctx(options);
  const auto t0 = std::chrono::steady_clock::now();
  auto folded = footfall::bench::SessionizeTotals(ctx, path);
  if (!folded.ok()) {
    std::fprintf(stderr, "%s\n", folded.status().ToString().c_str());
    return 1;
  }
  const Totals totals = *folded;
  const auto stats = ctx.stats();
  RankReport mine{std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                  stats.shuffle_bytes,
                  stats.bytes_sent,
                  stats.bytes_received,
                  stats.exchange_micros,
                  stats.collective_micros,
                  stats.exchange_rounds,
                  stats.bytes_spilled};
  std::string bytes(reinterpret_cast<const char*>(&mine), sizeof(mine));
  auto all = ctx.executor().AllGather(std::move(bytes));
  if (!all.ok()) return 1;
  if (ctx.executor().rank() != 0) return 0;
  double seconds = 0;
  uint64_t sent = 0, shuffled = 0, micros = 0, waited = 0, spilled = 0, rounds = 0;
  for (const std::string& r : *all) {
    RankReport rep;
    std::memcpy(&rep, r.data(), sizeof(rep));
    seconds = std::max(seconds, rep.seconds);
    sent += rep.bytes_sent;
    shuffled += rep.shuffle_bytes;
    micros = std::max(micros, rep.exchange_micros);
    waited = std::max(waited, rep.collective_micros);
    spilled += rep.spilled;
    rounds = std::max(rounds, rep.rounds);
  }
  std::printf(
      "sessions groups=%llu sum_sq=%llu extra=%llu ranks=%zu threads=%zu seconds=%.3f "
      "shuffle_mb=%.1f exchanged_mb=%.1f exchange_seconds=%.3f collective_seconds=%.3f "
      "rounds=%llu spilled_mb=%.1f\n",
      static_cast<unsigned long long>(totals.groups),
      static_cast<unsigned long long>(totals.sum_sq), static_cast<unsigned long long>(totals.extra),
      ctx.executor().num_ranks(), ctx.executor().threads(), seconds,
      static_cast<double>(shuffled) / 1e6, static_cast<double>(sent) / 1e6,
      static_cast<double>(micros) / 1e6, static_cast<double>(waited) / 1e6,
      static_cast<unsigned long long>(rounds), static_cast<double>(spilled) / 1e6);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  footfall::KeepFreedMemory();  // as the footfall binary does
  if (argc < 3 || std::strcmp(argv[1], "sessions") != 0) {
    std::fprintf(stderr,
                 "usage: mpirun -np N mpi_bench sessions FILE [--budget BYTES] [--threads N] "
                 "[--spill-dir DIR]\n");
    return 2;
  }
  engine::EngineOptions options;
  options.memory_budget_bytes = uint64_t{4} << 30;
  engine::MpiExecutorOptions mpi;
  for (int i = 3; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--budget") == 0) {
      options.memory_budget_bytes = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--threads") == 0) {
      mpi.threads = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--spill-dir") == 0) {
      options.spill_dir = argv[i + 1];
    }
  }
  auto executor = engine::MakeMpiExecutor(mpi);
  if (!executor.ok()) {
    std::fprintf(stderr, "%s\n", executor.status().ToString().c_str());
    return 1;
  }
  options.executor = *executor;
  const int rc = Sessions(argv[2], options);
  if (rc != 0) engine::AbortMpiJob(rc);
  return rc;
}
