// footfall: a clickstream analytics pipeline in one binary. See README.md for a tour.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "base/memory.h"
#include "cli/commands.h"
#include "cli/signals.h"
#include "pipeline/config.h"
#include "pipeline/traffic_geo.h"

namespace footfall::cli {
namespace {

struct CommonOptions {
  std::string data_dir;
  std::string config_path;
};

void AddCommon(CLI::App* cmd, CommonOptions* common) {
  cmd->add_option("--data", common->data_dir, "Data directory (default ./footfall-data)");
  cmd->add_option("--config", common->config_path,
                  "YAML config file (footfall config --print-defaults)");
}

int Main(int argc, char** argv) {
  CLI::App app{
      "footfall — a self-hosted clickstream analytics pipeline: a Snowplow-compatible collector, "
      "an immutable raw log, batch views and SQL serving, in one binary."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "footfall 0.1.0");
  CommonOptions common;

  auto* run =
      app.add_subcommand("run", "Everything in one process: collector, batch rebuilds, API");
  bool demo = false;
  int run_collector_port = -1, run_ui_port = -1;
  run->add_option("--collector-port", run_collector_port, "Collector port (0 = pick a free one)")
      ->check(CLI::Range(0, 65535));
  run->add_option("--ui-port", run_ui_port, "API port (0 = pick a free one)")
      ->check(CLI::Range(0, 65535));
  run->add_flag("--demo", demo, "Also generate realistic traffic into itself");
  AddCommon(run, &common);

  auto* collect =
      app.add_subcommand("collect", "The collector alone: tracker endpoints -> raw log");
  int collect_port = -1;
  collect->add_option("--port", collect_port, "Port (0 = pick a free one)")
      ->check(CLI::Range(0, 65535));
  AddCommon(collect, &common);

  auto* enrich = app.add_subcommand(
      "enrich", "Enrich the sealed raw segments not yet enriched into the Parquet lake");
  EnrichArgs enrich_args;
  enrich->add_flag("--reprocess", enrich_args.reprocess,
                   "Rebuild the whole lake from the raw log (after a config change)");
  enrich->add_option("--threads", enrich_args.threads, "Worker threads (0 = one per core)")
      ->check(CLI::Range(0, 1024));
  AddCommon(enrich, &common);

  auto* batch =
      app.add_subcommand("batch", "Rebuild every view from the raw log; publish a version");
  bool batch_reprocess = false;
  batch->add_flag("--reprocess", batch_reprocess,
                  "Re-enrich the whole raw log first (after an enrichment config change)");
  bool demo_views = false;
  const char* kDemoViewsHelp =
      "Add the demo's conversions, funnels and flows (those of run --demo) to a config that has "
      "none; batch also places footfall gen's addresses with the demo's geo database";
  batch->add_flag("--demo-views", demo_views, kDemoViewsHelp);
  bool batch_mpi = false;
  batch->add_flag("--mpi", batch_mpi,
                  "Run as one rank of an MPI job (mpirun -np N footfall batch); implied when "
                  "started by mpirun or srun");
  AddCommon(batch, &common);

  auto* serve = app.add_subcommand(
      "serve", "The dashboard and JSON API over the current serving version, with live numbers");
  int serve_port = -1;
  serve->add_option("--port", serve_port, "Port (0 = pick a free one)")
      ->check(CLI::Range(0, 65535));
  serve->add_flag("--demo-views", demo_views, kDemoViewsHelp);
  AddCommon(serve, &common);

  auto* sql = app.add_subcommand("sql", "Run a read-only SQL query on the current serving store");
  std::string query, format = "table";
  sql->add_option("query", query, "One SELECT statement")->required();
  sql->add_option("--format", format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  AddCommon(sql, &common);

  auto* gen = app.add_subcommand("gen", "Synthetic traffic, over HTTP or straight into a raw log");
  GenArgs gen_args;
  gen->add_option("--events", gen_args.events, "Number of events")->check(CLI::PositiveNumber);
  gen->add_option("--seed", gen_args.seed, "Random seed: the same seed gives the same traffic");
  auto* target = gen->add_option("--target", gen_args.target, "Collector URL, http://host:port");
  auto* raw = gen->add_option("--raw", gen_args.raw,
                              "Data directory: write sealed segments into DATA_DIR/raw/");
  target->excludes(raw);
  gen->add_option("--start", gen_args.start, "ISO time of the first session (default: now - days)");
  gen->add_option("--days", gen_args.days, "Days the sessions spread over")
      ->check(CLI::Range(0.0, 3650.0));
  gen->add_option("--app-id", gen_args.app_id, "Application id of the events");
  gen->add_option("--threads", gen_args.threads,
                  "With --raw: threads rendering sessions (0 = one per core; same bytes for any)")
      ->check(CLI::Range(0, 256));
  AddCommon(gen, &common);

  auto* raw_log = app.add_subcommand("raw", "Print every raw-log record as one JSON object a line");
  RawArgs raw_args;
  raw_log->add_option("--segment", raw_args.segment, "Only segment N")->check(CLI::PositiveNumber);
  raw_log->add_flag("--include-active", raw_args.include_active,
                    "Also read the active segment (.open), up to its last whole record");
  AddCommon(raw_log, &common);

  auto* status = app.add_subcommand("status", "Segments, watermark, versions, lag, bad rows");
  std::string status_format = "text";
  status->add_option("--format", status_format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  bool status_no_live = false;
  status->add_flag("--no-live", status_no_live,
                   "Skip the live section (counting the raw log past the watermark)");
  AddCommon(status, &common);

  auto* config_cmd = app.add_subcommand("config", "Configuration helpers");
  bool print_defaults = false;
  config_cmd->add_flag("--print-defaults", print_defaults, "Print the default config as YAML");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  if (config_cmd->parsed()) {
    if (!print_defaults) return Fail("config", "nothing to do: try --print-defaults");
    std::cout << pipeline::DefaultConfigYaml();
    return kExitOk;
  }

  pipeline::Config config;
  if (!common.config_path.empty()) {
    auto loaded = pipeline::LoadConfig(common.config_path);
    if (!loaded.ok()) return Fail("config", loaded.status().message());
    config = std::move(loaded).value();
  }
  if (!common.data_dir.empty()) config.data_dir = common.data_dir;
  if (collect_port >= 0) config.collector_port = static_cast<uint16_t>(collect_port);
  if (run_collector_port >= 0) config.collector_port = static_cast<uint16_t>(run_collector_port);
  if (serve_port >= 0) config.ui_port = static_cast<uint16_t>(serve_port);
  if (run_ui_port >= 0) config.ui_port = static_cast<uint16_t>(run_ui_port);

  if (demo || demo_views) pipeline::AddDemoDefinitions(&config);
  // The demo's traffic comes from documentation networks: its own geo database places them.
  if ((run->parsed() && demo) || (batch->parsed() && demo_views)) {
    if (Status s = pipeline::UseTrafficGeoDatabase(&config); !s.ok()) {
      return Fail(run->parsed() ? "run" : "batch", "demo geo database: " + s.ToString());
    }
  }
  if (run->parsed()) return Run(config, demo);
  if (collect->parsed()) return Collect(config);
  if (serve->parsed()) return Serve(config);
  if (batch->parsed()) return Batch(config, batch_reprocess, batch_mpi);
  if (sql->parsed()) return Sql(config, query, format);
  if (gen->parsed()) {
    if (gen_args.target.empty() && gen_args.raw.empty()) {
      std::cerr << "footfall gen: say where the traffic goes: --target URL or --raw DATA_DIR\n";
      return kExitUsage;
    }
    return Gen(config, gen_args);
  }
  if (raw_log->parsed()) return Raw(config, raw_args);
  if (status->parsed()) return ShowStatus(config, status_format, !status_no_live);
  if (enrich->parsed()) return Enrich(config, enrich_args);
  return kExitUsage;
}

}  // namespace
}  // namespace footfall::cli

int main(int argc, char** argv) {
  footfall::KeepFreedMemory();
  footfall::cli::BlockShutdownSignals();
  return footfall::cli::Main(argc, argv);
}
