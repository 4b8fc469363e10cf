// The traffic generator of `footfall gen --raw` without the file system: events/s of planning and
// rendering the traffic into framed raw-log records (RenderFramedTraffic), the blocks counted
// and dropped, on one thread and on T threads.
//
//   gen_bench [--events N] [--threads T]
//
// The same traffic as bench/gen_raw.sh (seed 1, seven days from 2026-11-01). Best of three
// passes after a warm-up; wall-clock events/s and events per CPU-second of the process.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "base/memory.h"
#include "pipeline/traffic_frames.h"

namespace footfall::pipeline {
namespace {

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Pass {
  double wall = 0, cpu = 0;
  uint64_t events = 0, bytes = 0;
};

Pass Run(const TrafficOptions& options, int threads) {
  Pass p;
  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  const Status s = RenderFramedTraffic(options, threads, [&](const FramedTraffic& block) {
    p.events += block.events;
    p.bytes += block.frames.size();
    return Status::Ok();
  });
  p.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  p.cpu = CpuSeconds() - cpu0;
  if (!s.ok()) {
    std::fprintf(stderr, "gen_bench: %s\n", s.ToString().c_str());
    std::exit(1);
  }
  return p;
}

int Main(int argc, char** argv) {
  KeepFreedMemory();
  TrafficOptions options;
  options.events = 2'000'000;
  options.seed = 1;
  options.start = 1793491200000000;  // 2026-11-01T00:00:00Z
  options.span = 7 * kMicrosPerDay;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--events") == 0) {
      options.events = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--threads") == 0) {
      threads = std::atoi(argv[i + 1]);
    } else {
      std::fprintf(stderr, "usage: gen_bench [--events N] [--threads T]\n");
      return 2;
    }
  }
  for (const int t : {1, threads}) {
    Pass best;
    for (int pass = 0; pass < 4; ++pass) {
      const Pass p = Run(options, t);
      if (pass > 0 && (best.wall == 0 || p.wall < best.wall)) best = p;
    }
    std::printf(
        "gen_bench: %llu events (%.0f MiB) on %d rendering thread%s: %.3f s, %.0f events/s, "
        "%.0f events per CPU-second, %.0f MiB/s\n",
        static_cast<unsigned long long>(best.events), static_cast<double>(best.bytes) / (1 << 20),
        t, t == 1 ? "" : "s", best.wall, static_cast<double>(best.events) / best.wall,
        static_cast<double>(best.events) / best.cpu,
        static_cast<double>(best.bytes) / (1 << 20) / best.wall);
    if (t == threads) break;
  }
  return 0;
}

}  // namespace
}  // namespace footfall::pipeline

int main(int argc, char** argv) { return footfall::pipeline::Main(argc, argv); }
