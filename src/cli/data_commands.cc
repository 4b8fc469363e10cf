// The commands that work on the data directory and exit: batch, sql, gen, status.
#include <cstdio>
#include <iostream>

#include "base/log.h"
#include "cli/commands.h"
#include "cli/live_status.h"
#include "pipeline/batch.h"
#include "pipeline/enrich_job.h"
#include "pipeline/gen.h"
#include "pipeline/status.h"
#include "serving/format.h"
#include "serving/query.h"
#include "speed/speed_layer.h"
#ifdef FOOTFALL_HAVE_MPI
#include "engine/mpi_executor.h"
#endif

namespace footfall::cli {

namespace {

// Above this much raw log to count, `status` says why it takes a while.
constexpr uint64_t kLiveNoteBytes = 64 << 20;

}  // namespace

int Fail(const std::string& command, const std::string& message) {
  // One write: std::cerr writes each << at once, and the ranks of an MPI job failing together
  // share one stderr, where pieces of their lines would interleave.
  const std::string line = "footfall " + command + ": " + message + "\n";
  std::cerr.write(line.data(), static_cast<std::streamsize>(line.size()));
  std::cerr.flush();
  return kExitFailure;
}

int Batch(const pipeline::Config& config, bool reprocess, bool mpi) {
  pipeline::BatchOptions options = pipeline::BatchOptionsFrom(config);
  options.progress = true;
  options.enrich.reprocess = reprocess;
#ifdef FOOTFALL_HAVE_MPI
  if (mpi || engine::LaunchedByMpi()) {
    engine::MpiExecutorOptions mpi_options;
    mpi_options.threads = options.threads;
    auto executor = engine::MakeMpiExecutor(mpi_options);
    if (!executor.ok()) return Fail("batch", executor.status().ToString());
    options.executor = *executor;
  }
#else
  if (mpi)
    return Fail("batch", "this footfall was built without MPI (install OpenMPI and rebuild)");
#endif
  auto report = pipeline::RunBatch(options);
  if (options.executor != nullptr && options.executor->num_ranks() > 1) {
    const engine::Executor& ranks = *options.executor;
    if (!report.ok()) {
      Fail("batch", "rank " + std::to_string(ranks.rank()) + " of " +
                        std::to_string(ranks.num_ranks()) + ": " + report.status().ToString());
#ifdef FOOTFALL_HAVE_MPI
      // A failure one rank saw alone leaves the others waiting in a collective: end them all.
      engine::AbortMpiJob(kExitFailure);
#endif
      return kExitFailure;
    }
    if (ranks.rank() != 0) return kExitOk;
  }
  if (!report.ok()) return Fail("batch", report.status().ToString());
  std::printf(
      "published version %lld: %llu segments (watermark %llu; %llu enriched now), %llu events "
      "(%llu duplicates removed), %llu bad rows, %llu sessions, %llu page views, %llu flow cases "
      "in %.2f s%s\n",
      static_cast<long long>(report->version), static_cast<unsigned long long>(report->segments),
      static_cast<unsigned long long>(report->watermark_segment),
      static_cast<unsigned long long>(report->segments_enriched),
      static_cast<unsigned long long>(report->events),
      static_cast<unsigned long long>(report->duplicates),
      static_cast<unsigned long long>(report->bad_rows),
      static_cast<unsigned long long>(report->sessions),
      static_cast<unsigned long long>(report->page_views),
      static_cast<unsigned long long>(report->flow_cases),
      static_cast<double>(report->duration) / kMicrosPerSecond,
      report->postgres_published ? " (also in PostgreSQL)" : "");
  std::string steps;
  for (const pipeline::StepDuration& d : report->durations) {
    char took[32];
    std::snprintf(took, sizeof took, " %.2f s", static_cast<double>(d.micros) / kMicrosPerSecond);
    steps += (steps.empty() ? "  " : ", ") + d.step + took;
  }
  std::printf("%s\n", steps.c_str());
  return kExitOk;
}

int Enrich(const pipeline::Config& config, const EnrichArgs& args) {
  pipeline::EnrichJobOptions options;
  options.data_dir = config.data_dir;
  options.config = config.enrich;
  options.schemas_dir = config.schemas_dir;
  options.threads = args.threads >= 0 ? args.threads : config.enrich_threads;
  options.reprocess = args.reprocess;
  auto report = pipeline::RunEnrich(options);
  if (!report.ok()) return Fail("enrich", report.status().ToString());
  std::printf("enriched %llu of %llu sealed segments: %llu raw records, %llu events, %llu bad rows",
              static_cast<unsigned long long>(report->segments_enriched),
              static_cast<unsigned long long>(report->segments_total),
              static_cast<unsigned long long>(report->raw_records),
              static_cast<unsigned long long>(report->events),
              static_cast<unsigned long long>(report->bad_rows));
  std::string types;
  for (const auto& [type, n] : report->bad_rows_by_type) {
    types += (types.empty() ? "" : ", ") + type + " " + std::to_string(n);
  }
  if (!types.empty()) std::printf(" (%s)", types.c_str());
  std::printf("; config %s, dataset version %lld, %.2f s\n", report->config_hash.c_str(),
              static_cast<long long>(report->dataset_version),
              static_cast<double>(report->duration) / kMicrosPerSecond);
  return kExitOk;
}

int Sql(const pipeline::Config& config, const std::string& query, const std::string& format) {
  auto parsed = serving::ParseOutputFormat(format);
  if (!parsed.ok()) return Fail("sql", parsed.status().message());
  auto store = serving::ReadOnlyStore::OpenCurrent(config.data_dir + "/serving");
  if (!store.ok()) return Fail("sql", store.status().message());
  auto result = (*store)->Query(query);
  if (!result.ok()) return Fail("sql", result.status().message());
  std::cout << serving::FormatResult(*result, *parsed);
  return kExitOk;
}

int Gen(const pipeline::Config& config, const GenArgs& args) {
  pipeline::TrafficOptions options;
  options.events = args.events;
  options.seed = args.seed;
  options.app_id = args.app_id;
  options.span = static_cast<Micros>(args.days * static_cast<double>(kMicrosPerDay));
  if (!args.start.empty()) {
    auto start = ParseIso8601(args.start);
    if (!start.ok()) return Fail("gen", "--start: " + start.status().message());
    options.start = *start;
  } else {
    // Whole minutes, so that two runs in the same minute with the same seed match.
    options.start = (NowMicros() - options.span) / (60 * kMicrosPerSecond) * 60 * kMicrosPerSecond;
  }
  const Micros began = NowMicros();
  bool progress_shown = false;
  const auto progress = [&](uint64_t done) {
    std::fprintf(stderr, "\rfootfall gen: %llu/%llu events", static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(args.events));
    progress_shown = true;
  };
  const auto end_progress = [&] {
    if (progress_shown) std::fprintf(stderr, "\n");
  };
  if (!args.raw.empty()) {
    auto written = pipeline::WriteTrafficToRawLog(options, args.raw + "/raw",
                                                  config.segment_max_bytes, progress, args.threads);
    end_progress();
    if (!written.ok()) return Fail("gen", written.status().ToString());
    std::printf(
        "wrote %llu events in %llu requests (%.0f MiB) into %llu sealed segments under "
        "%s/raw in %.2f s\n",
        static_cast<unsigned long long>(written->events),
        static_cast<unsigned long long>(written->records),
        static_cast<double>(written->bytes) / (1 << 20),
        static_cast<unsigned long long>(written->segments), args.raw.c_str(),
        static_cast<double>(NowMicros() - began) / kMicrosPerSecond);
    return kExitOk;
  }
  options.realtime = args.start.empty();
  Status s = pipeline::SendTrafficOverHttp(options, args.target, progress);
  end_progress();
  if (!s.ok()) return Fail("gen", s.ToString());
  std::printf("sent %llu events to %s in %.2f s\n", static_cast<unsigned long long>(args.events),
              args.target.c_str(), static_cast<double>(NowMicros() - began) / kMicrosPerSecond);
  return kExitOk;
}

int ShowStatus(const pipeline::Config& config, const std::string& format, bool live) {
  auto status = pipeline::ReadDataStatus(config.data_dir);
  if (!status.ok()) return Fail("status", status.status().ToString());
  if (live) {
    auto layer = OpenSpeedLayer(config, nullptr);
    if (!layer.ok()) return Fail("status", "live section: " + layer.status().ToString());
    if (*layer) {
      const uint64_t tail = status->lag_bytes + status->active_bytes;
      if (tail > kLiveNoteBytes) {
        std::fprintf(stderr,
                     "footfall status: counting %.0f MiB of raw log past the watermark "
                     "for the live section (--no-live skips it)\n",
                     static_cast<double>(tail) / (1 << 20));
      }
      const Status caught_up = (*layer)->CatchUp();
      if (!caught_up.ok()) return Fail("status", "live section: " + caught_up.ToString());
      AddLiveSection(**layer, &*status);
    }
  }
  std::cout << (format == "json" ? pipeline::DataStatusJson(*status) + "\n"
                                 : pipeline::DataStatusText(*status));
  return kExitOk;
}

}  // namespace footfall::cli
