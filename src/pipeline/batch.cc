#include "pipeline/batch.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <utility>

#include "base/file_lock.h"
#include "base/files.h"
#include "base/log.h"
#include "base/progress.h"
#include "engine/context.h"
#include "event/fields.h"
#include "parquet/dataset.h"
#include "pipeline/batch_views.h"
#include "pipeline/event_serializer.h"
#include "pipeline/view_config.h"
#include "pipeline/view_tables.h"
#include "serving/layout.h"
#include "serving/postgres_publisher.h"
#include "serving/query.h"
#include "serving/version_writer.h"
#include "views/flow.h"

namespace footfall::pipeline {
namespace {

using serving::Column;
using serving::ColumnType;
using serving::Value;

// (date, type) -> bad rows, from the bad-row files of the current enrichment config.
Result<std::map<std::pair<std::string, std::string>, int64_t>> CountBadRows(
    const std::string& dir, const std::string& config_hash) {
  std::map<std::pair<std::string, std::string>, int64_t> counts;
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return counts;
  constexpr std::string_view kTypePrefix = "{\"type\":\"";
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string path = it->path().string();
    if (!it->is_regular_file() || !path.ends_with("-" + config_hash + ".jsonl")) continue;
    const std::string partition = it->path().parent_path().filename().string();
    const std::string date = partition.starts_with("date=") ? partition.substr(5) : "";
    FOOTFALL_ASSIGN_OR_RETURN(std::string content, ReadWholeFile(path));
    size_t pos = 0;
    while (pos < content.size()) {
      size_t end = content.find('\n', pos);
      if (end == std::string::npos) end = content.size();
      const std::string_view line(content.data() + pos, end - pos);
      if (!line.starts_with(kTypePrefix)) return Corruption(path + ": not a bad-row line");
      const std::string_view rest = line.substr(kTypePrefix.size());
      ++counts[{date, std::string(rest.substr(0, rest.find('"')))}];
      pos = end + 1;
    }
  }
  if (ec) return IoError("cannot list " + dir + ": " + ec.message());
  return counts;
}

// Removes the engine's day files of a run (what a failed run left, or what was published).
Status RemoveRows(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec) return IoError("cannot remove " + dir + ": " + ec.message());
  return Status::Ok();
}

Status LoadBadRows(serving::VersionWriter& w,
                   const std::map<std::pair<std::string, std::string>, int64_t>& counts) {
  FOOTFALL_RETURN_IF_ERROR(w.CreateTable("bad_rows_daily", {{"date", ColumnType::kText},
                                                            {"type", ColumnType::kText},
                                                            {"bad_rows", ColumnType::kInteger}}));
  FOOTFALL_ASSIGN_OR_RETURN(serving::TableInserter ins, w.Inserter("bad_rows_daily"));
  for (const auto& [key, count] : counts) {
    const Value row[] = {Value(key.first), Value(key.second), Value(count)};
    FOOTFALL_RETURN_IF_ERROR(ins.Insert(row));
  }
  return Status::Ok();
}

const std::vector<Column>& VersionColumns() {
  static const std::vector<Column> kColumns = {{"version", ColumnType::kInteger},
                                               {"built_at", ColumnType::kText},
                                               {"watermark_segment", ColumnType::kInteger},
                                               {"segments", ColumnType::kInteger},
                                               {"events", ColumnType::kInteger},
                                               {"duplicates", ColumnType::kInteger},
                                               {"bad_rows", ColumnType::kInteger},
                                               {"sessions", ColumnType::kInteger},
                                               {"page_views", ColumnType::kInteger},
                                               {"flow_cases", ColumnType::kInteger},
                                               {"enrich_config", ColumnType::kText},
                                               {"view_config", ColumnType::kText},
                                               {"view_config_json", ColumnType::kText},
                                               {"build_seconds", ColumnType::kReal}};
  return kColumns;
}

// pipeline_versions keeps the history: the previous version's rows, then this one.
Status LoadVersions(serving::VersionWriter& w, const std::string& serving_dir,
                    const BatchReport& report, const std::string& view_config_json) {
  FOOTFALL_RETURN_IF_ERROR(w.CreateTable("pipeline_versions", VersionColumns()));
  FOOTFALL_ASSIGN_OR_RETURN(serving::TableInserter ins, w.Inserter("pipeline_versions"));
  if (serving::CurrentVersion(serving_dir).ok()) {
    FOOTFALL_ASSIGN_OR_RETURN(auto previous, serving::ReadOnlyStore::OpenCurrent(serving_dir));
    // Versions built before a column existed lack it: their history is not carried over.
    auto rows = previous->Query("SELECT * FROM pipeline_versions ORDER BY version");
    if (rows.ok()) {
      for (const auto& row : rows->rows) {
        if (row.size() == VersionColumns().size()) FOOTFALL_RETURN_IF_ERROR(ins.Insert(row));
      }
    }
  }
  const auto n = [](uint64_t v) { return Value(static_cast<int64_t>(v)); };
  const Value row[] = {Value(report.version),
                       Value(FormatTimestampSql(NowMicros())),
                       n(report.watermark_segment),
                       n(report.segments),
                       n(report.events),
                       n(report.duplicates),
                       n(report.bad_rows),
                       n(report.sessions),
                       n(report.page_views),
                       n(report.flow_cases),
                       Value(report.enrich_config_hash),
                       Value(ViewConfigHash(view_config_json)),
                       Value(view_config_json),
                       Value(static_cast<double>(report.duration) / kMicrosPerSecond)};
  return ins.Insert(row);
}

}  // namespace

BatchOptions BatchOptionsFrom(const Config& config) {
  BatchOptions o;
  o.data_dir = config.data_dir;
  o.enrich.data_dir = config.data_dir;
  o.enrich.config = config.enrich;
  o.enrich.schemas_dir = config.schemas_dir;
  o.enrich.threads = config.enrich_threads;
  o.web = WebModelOptionsFrom(config);
  o.flows = config.flows;
  o.threads = static_cast<size_t>(config.enrich_threads);
  o.memory_budget_bytes = config.batch_memory_mb << 20;
  o.events_table_cap = config.events_table_cap;
  o.keep_versions = config.keep_versions;
  o.postgres = config.postgres;
  o.postgres_reader_role = config.postgres_readonly_role;
  return o;
}

Result<BatchReport> RunBatch(const BatchOptions& options) {
  const Micros started = NowMicros();
  const std::string& data = options.data_dir;
  const std::string serving_dir = data + "/serving";
  // Under MPI: rank 0 leads (lock, enrichment, publishing); the ranks agree after each step.
  engine::Executor* ranks = options.executor.get();
  const bool leader = ranks == nullptr || ranks->rank() == 0;
  const auto agree = [ranks](const Status& s) { return ranks == nullptr ? s : ranks->Agree(s); };
  std::optional<FileLock> lock;
  // Where the engine writes page view and session rows by day, for rank 0 to publish.
  const std::string rows_dir = data + "/tmp/rows";
  BatchReport report;
  EnrichJobReport enriched;
  FOOTFALL_RETURN_IF_ERROR(agree([&]() -> Status {
    if (!leader) return Status::Ok();
    FOOTFALL_RETURN_IF_ERROR(MakeDirs(data));
    FOOTFALL_ASSIGN_OR_RETURN(
        FileLock l,
        FileLock::TryAcquire(data + "/batch.lock", "a batch run is already going on in " + data));
    lock.emplace(std::move(l));
    FOOTFALL_RETURN_IF_ERROR(RemoveRows(rows_dir));
    FOOTFALL_RETURN_IF_ERROR(MakeDirs(rows_dir));
    EnrichJobOptions enrich = options.enrich;
    enrich.data_dir = data;
    enrich.progress = options.progress;
    FOOTFALL_ASSIGN_OR_RETURN(enriched, RunEnrich(enrich));
    return Status::Ok();
  }()));
  report.segments_enriched = enriched.segments_enriched;
  report.raw_records = enriched.raw_records;
  report.enrich_config_hash = enriched.config_hash;

  const Micros views_started = NowMicros();
  ComputedViews computed;
  auto enriched_dataset = parquet::Dataset::Open(data + "/enriched");
  if (enriched_dataset.ok()) {
    for (const std::string& input : enriched_dataset->manifest().Inputs()) {
      ++report.segments;
      report.watermark_segment =
          std::max<uint64_t>(report.watermark_segment, std::strtoull(input.c_str(), nullptr, 10));
    }
  }
  FOOTFALL_RETURN_IF_ERROR(
      agree(enriched_dataset.ok() || enriched_dataset.status().code() == StatusCode::kNotFound
                ? Status::Ok()
                : enriched_dataset.status()));
  {
    engine::EngineOptions eo;
    eo.threads = options.threads;
    eo.memory_budget_bytes = options.memory_budget_bytes;
    eo.spill_dir = data + "/tmp";
    eo.executor = options.executor;
    std::optional<ProgressBar> stage_bar;
    if (options.progress && leader) {
      eo.progress = [&stage_bar](const engine::StageProgress& p) {
        if (p.partitions_done == 0 && !p.done) {
          stage_bar.emplace("views", p.partitions, "partitions");
        }
        if (stage_bar) {
          stage_bar->Update(p.partitions_done, "stage " + std::to_string(p.stage + 1) + "/" +
                                                   std::to_string(p.stages) + " " + p.name + ", " +
                                                   HumanCount(p.rows) + " rows");
        }
        if (p.done && stage_bar) stage_bar->Finish();
      };
    }
    engine::Context ctx(eo);
    if (enriched_dataset.ok()) {
      auto views = ComputeViews(ctx, *enriched_dataset, options.web, options.flows,
                                options.events_table_cap, rows_dir);
      // Every rank has finished its part before rank 0 commits anything.
      FOOTFALL_RETURN_IF_ERROR(agree(views.status()));
      computed = std::move(views).value();
      const engine::EngineStats st = ctx.stats();
      LogInfo("batch", (ranks != nullptr ? "rank " + std::to_string(ranks->rank()) + ": " : "") +
                           "engine shuffled " + std::to_string(st.shuffle_bytes) +
                           " bytes, spilled " + std::to_string(st.bytes_spilled) + " bytes in " +
                           std::to_string(st.spill_runs) + " runs, exchanged " +
                           std::to_string(st.bytes_sent) + " bytes out and " +
                           std::to_string(st.bytes_received) + " in over " +
                           std::to_string(st.exchange_rounds) + " rounds (" +
                           std::to_string(st.exchange_micros / 1000) + " ms; " +
                           std::to_string(st.collective_micros / 1000) + " ms in collectives)");
    } else {
      computed.web = views::SummarizeWeb({}, {}, options.web);
      for (const views::FlowSpec& spec : options.flows) {
        computed.flows.push_back(views::SummarizeFlow(spec, {}));
      }
    }
  }
  // Rank 0's part: the views as Parquet datasets and a serving version, published.
  auto publish = [&]() -> Result<BatchReport> {
    const views::WebViews& web = computed.web;
    const std::vector<views::FlowViews>& flows = computed.flows;
    report.duplicates = computed.duplicates;
    report.events = computed.events;
    report.durations = {{"enrich", views_started - started}};
    for (StepDuration& d : computed.durations) report.durations.push_back(std::move(d));
    Micros step_started = NowMicros();
    const auto step_done = [&](std::string step) {
      const Micros now = NowMicros();
      report.durations.push_back({std::move(step), now - step_started});
      step_started = now;
    };
    for (const DateFile& f : computed.session_files) report.sessions += f.rows;
    for (const DateFile& f : computed.page_view_files) report.page_views += f.rows;
    for (const views::FlowViews& f : flows) report.flow_cases += f.cases.size();
    LogInfo("batch", "views of " + std::to_string(report.events) + " events (" +
                         std::to_string(report.duplicates) + " duplicates removed) computed in " +
                         std::to_string((NowMicros() - views_started) / 1000) + " ms");
    FOOTFALL_ASSIGN_OR_RETURN(auto bad_rows, CountBadRows(data + "/bad", enriched.config_hash));
    for (const auto& [key, n] : bad_rows) report.bad_rows += static_cast<uint64_t>(n);

    // page_views and sessions are in the engine's day files; the other tables in memory.
    const ViewTable by_day[] = {PageViewsTable({}), SessionsTable({})};
    const std::vector<DateFile>* day_files[] = {&computed.page_view_files, &computed.session_files};
    std::vector<ViewTable> tables = WebSummaryTables(web);
    for (ViewTable& t : FlowViewTables(flows)) tables.push_back(std::move(t));
    tables.push_back(MetricsHourlyTable(computed.metrics_hourly));

    FOOTFALL_ASSIGN_OR_RETURN(report.version, serving::NextVersion(serving_dir));
    const std::string view_config_json = ViewConfigJson(options.web, options.flows);
    const std::map<std::string, std::string> properties = {
        {"serving_version", std::to_string(report.version)},
        {"watermark_segment", std::to_string(report.watermark_segment)},
        {"enrich_config", enriched.config_hash},
        {"view_config", ViewConfigHash(view_config_json)}};
    std::optional<ProgressBar> bar;
    if (options.progress) bar.emplace("views", std::size(by_day) + tables.size() + 2, "tables");
    size_t done = 0;
    std::vector<ViewTable> loaded_by_day;
    for (size_t i = 0; i < std::size(by_day); ++i) {
      const std::string dir = data + "/views/" + by_day[i].name;
      FOOTFALL_RETURN_IF_ERROR(
          PublishDateFiles(dir, by_day[i], *day_files[i], properties).status());
      FOOTFALL_ASSIGN_OR_RETURN(parquet::Dataset published, parquet::Dataset::Open(dir));
      loaded_by_day.push_back(DatasetTable(by_day[i], std::move(published)));
      if (bar) bar->Update(++done, "Parquet: " + by_day[i].name);
    }
    FOOTFALL_RETURN_IF_ERROR(RemoveRows(rows_dir));
    for (const ViewTable& t : tables) {
      FOOTFALL_RETURN_IF_ERROR(
          WriteParquetVersion(data + "/views/" + t.name, t, properties).status());
      if (bar) bar->Update(++done, "Parquet: " + t.name);
    }
    step_done("Parquet views");

    FOOTFALL_ASSIGN_OR_RETURN(auto writer,
                              serving::VersionWriter::Create(serving_dir, report.version));
    FOOTFALL_RETURN_IF_ERROR(LoadIntoServing(*writer, EventsTable(computed.recent_events)));
    step_done("SQLite events table");
    if (bar) bar->Update(++done, "SQLite: events");
    for (const ViewTable& t : loaded_by_day) FOOTFALL_RETURN_IF_ERROR(LoadIntoServing(*writer, t));
    for (const ViewTable& t : tables) FOOTFALL_RETURN_IF_ERROR(LoadIntoServing(*writer, t));
    FOOTFALL_RETURN_IF_ERROR(LoadBadRows(*writer, bad_rows));
    step_done("SQLite views");
    report.duration = NowMicros() - started;
    FOOTFALL_RETURN_IF_ERROR(LoadVersions(*writer, serving_dir, report, view_config_json));
    FOOTFALL_RETURN_IF_ERROR(writer->Publish());
    if (bar) {
      bar->Update(++done, "published");
      bar->Finish();
    }
    FOOTFALL_RETURN_IF_ERROR(serving::RemoveOldVersions(serving_dir, options.keep_versions));

    if (!options.postgres.empty()) {
      serving::PostgresTarget target;
      target.conninfo = options.postgres;
      target.reader_role = options.postgres_reader_role;
      auto pg =
          serving::PublishToPostgres(target, serving::VersionPath(serving_dir, report.version));
      if (pg.ok()) {
        report.postgres_published = true;
      } else {
        LogError("batch",
                 "version " + std::to_string(report.version) +
                     " is published in SQLite but not in PostgreSQL: " + pg.status().ToString());
      }
    }
    report.duration = NowMicros() - started;
    return report;
  };
  if (!leader) {
    // Rank 0 publishes; the others learn whether it did.
    FOOTFALL_RETURN_IF_ERROR(agree(Status::Ok()));
    report.duration = NowMicros() - started;
    return report;
  }
  Result<BatchReport> published = publish();
  if (ranks != nullptr && ranks->num_ranks() > 1) {
    FOOTFALL_RETURN_IF_ERROR(agree(published.status()));
  }
  return published;
}

}  // namespace footfall::pipeline
