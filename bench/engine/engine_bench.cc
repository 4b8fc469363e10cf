// The engine's benchmark driver: generates a page-view file and runs sessionization and a
// grouped aggregation on it, printing one result line per job (compared by run.sh with the
// same queries in DuckDB).
//
//   engine_bench gen FILE [ROWS] [USERS]
//   engine_bench sessions FILE [--budget BYTES] [--threads N]
//   engine_bench aggregate FILE [--budget BYTES] [--threads N]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "base/memory.h"
#include "bench/engine/sessionize.h"
#include "engine/dataset.h"
#include "engine/io.h"
#include "parquet/writer.h"

namespace {

using footfall::Status;
using footfall::parquet::ColumnSpec;
using footfall::parquet::ColumnVector;
using footfall::parquet::PhysicalType;
namespace engine = footfall::engine;

using footfall::bench::Totals;
constexpr int64_t kProducts = 1000000;

std::string PagePath(int64_t product) { return "/product/" + std::to_string(product); }

int Gen(const std::string& path, int64_t rows, int64_t users) {
  std::mt19937_64 rng(20240601);
  std::exponential_distribution<double> in_session_gap(1.0 / 45.0);   // seconds
  std::exponential_distribution<double> between_sessions(1.0 / 3e5);  // seconds (~3.5 days)
  std::geometric_distribution<int> session_views(1.0 / 6.0);
  std::uniform_real_distribution<double> unit(0, 1);
  const int64_t start = 1717200000LL * 1000000;  // 2024-06-01 UTC
  struct Row {
    int64_t ts;
    int32_t user;
    int32_t product;
  };
  std::vector<Row> out;
  out.reserve(static_cast<size_t>(rows));
  // Users take turns so that every user has some views; activity is skewed by the number of
  // sessions each draws.
  while (static_cast<int64_t>(out.size()) < rows) {
    for (int64_t u = 0; u < users && static_cast<int64_t>(out.size()) < rows; ++u) {
      double t = unit(rng) * 30 * 86400.0;
      const int sessions = 1 + static_cast<int>(std::pow(unit(rng), 3) * 6);
      for (int s = 0; s < sessions && static_cast<int64_t>(out.size()) < rows; ++s) {
        const int views = 1 + session_views(rng);
        for (int v = 0; v < views && static_cast<int64_t>(out.size()) < rows; ++v) {
          const auto product = static_cast<int32_t>(std::pow(unit(rng), 2.5) * kProducts);
          out.push_back({start + static_cast<int64_t>(t * 1e6), static_cast<int32_t>(u), product});
          t += in_session_gap(rng);
        }
        t += 1800 + between_sessions(rng);
      }
    }
  }
  // A log is in time order.
  std::sort(out.begin(), out.end(), [](const Row& a, const Row& b) { return a.ts < b.ts; });
  footfall::parquet::Schema schema{{ColumnSpec::String("user_id"),
                                    ColumnSpec::TimestampMicros("tstamp"),
                                    ColumnSpec::String("page")}};
  auto writer = footfall::parquet::ParquetWriter::Create(path, schema);
  if (!writer.ok()) {
    std::fprintf(stderr, "%s\n", writer.status().ToString().c_str());
    return 1;
  }
  std::vector<ColumnVector> cols;
  for (const auto& c : schema.columns) cols.emplace_back(c.type);
  char user[32];
  for (size_t i = 0; i < out.size(); ++i) {
    std::snprintf(user, sizeof(user), "u%08d", out[i].user);
    cols[0].AppendBytes(user);
    cols[1].AppendInt64(out[i].ts);
    cols[2].AppendBytes(PagePath(out[i].product));
    if (cols[0].size() == 65536 || i + 1 == out.size()) {
      if (Status s = writer->Write(cols); !s.ok()) {
        std::fprintf(stderr, "%s\n", s.ToString().c_str());
        return 1;
      }
      for (auto& c : cols) c.Clear();
    }
  }
  if (Status s = writer->Close(); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("wrote %zu rows, %lld users to %s\n", out.size(), static_cast<long long>(users),
              path.c_str());
  return 0;
}

double PeakRssMb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

int Run(const std::string& job, const std::string& path, engine::EngineOptions options) {
  engine::Context ctx(options);
  const auto t0 = std::chrono::steady_clock::now();
  Totals totals;
  Status status;
  if (job == "sessions") {
    // One session per row a view would write, folded into checksums here.
    auto folded = footfall::bench::SessionizeTotals(ctx, path);
    if (folded.ok())
      totals = *folded;
    else
      status = folded.status();
  } else if (job == "aggregate") {
    using Row = std::pair<std::string, std::pair<uint64_t, int64_t>>;
    auto rows = engine::ReadParquet<Row>(
        ctx, {path}, {"page", "tstamp"},
        [](std::span<const ColumnVector> c, engine::Emitter<Row> out) -> Status {
          const auto ts = c[1].int64s();
          for (size_t i = 0; i < c[0].size(); ++i) {
            // Seconds, so that the sums of the busiest pages fit in 64 bits.
            out(Row(std::string(c[0].GetBytes(i)), {1, ts[i] / 1000000}));
          }
          return Status::Ok();
        });
    if (!rows.ok()) {
      std::fprintf(stderr, "%s\n", rows.status().ToString().c_str());
      return 1;
    }
    using Acc = std::pair<uint64_t, int64_t>;
    auto folded = rows->ReduceByKey([](Acc a, const Acc& b) {
                        return Acc{a.first + b.first, a.second + b.second};
                      })
                      .Map([](const std::pair<std::string, Acc>& g) {
                        return Totals{1, g.second.first * g.second.first,
                                      static_cast<uint64_t>(g.second.second % 1000003)};
                      })
                      .Reduce([](Totals a, const Totals& b) { return a + b; });
    if (!folded.ok())
      status = folded.status();
    else if (*folded)
      totals = **folded;
  } else {
    std::fprintf(stderr, "unknown job %s\n", job.c_str());
    return 2;
  }
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    return 1;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto stats = ctx.stats();
  std::printf(
      "%s groups=%llu sum_sq=%llu extra=%llu seconds=%.3f peak_rss_mb=%.1f spilled_mb=%.1f "
      "spill_files=%llu threads=%zu budget_mb=%.1f\n",
      job.c_str(), static_cast<unsigned long long>(totals.groups),
      static_cast<unsigned long long>(totals.sum_sq), static_cast<unsigned long long>(totals.extra),
      secs, PeakRssMb(), static_cast<double>(stats.bytes_spilled) / 1e6,
      static_cast<unsigned long long>(stats.spill_files), ctx.executor().threads(),
      static_cast<double>(options.memory_budget_bytes) / 1e6);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  footfall::KeepFreedMemory();  // as the footfall binary does
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: engine_bench gen FILE [ROWS] [USERS]\n"
                 "       engine_bench sessions|aggregate FILE [--budget BYTES] [--threads N]\n");
    return 2;
  }
  const std::string cmd = argv[1];
  const std::string path = argv[2];
  if (cmd == "gen") {
    const int64_t rows = argc > 3 ? std::atoll(argv[3]) : 10000000;
    const int64_t users = argc > 4 ? std::atoll(argv[4]) : 500000;
    return Gen(path, rows, users);
  }
  engine::EngineOptions options;
  options.memory_budget_bytes = uint64_t{8} << 30;
  for (int i = 3; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--budget") == 0) {
      options.memory_budget_bytes = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--threads") == 0) {
      options.threads = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--spill-dir") == 0) {
      options.spill_dir = argv[i + 1];
    }
  }
  return Run(cmd, path, options);
}
