#include "pipeline/batch.h"

#include <map>
#include <utility>

#include "base/file_lock.h"
#include "base/files.h"
#include "base/log.h"
#include "enrich/enrich.h"
#include "enrich/ua_parser.h"
#include "event/fields.h"
#include "rawlog/segment.h"
#include "serving/layout.h"
#include "serving/query.h"
#include "serving/version_writer.h"

namespace footfall::pipeline {
namespace {

using serving::Column;
using serving::ColumnType;
using serving::Value;

constexpr Micros kProgressInterval = 2 * kMicrosPerSecond;

Value Text(const std::string& s) { return s.empty() ? Value() : Value(s); }
Value Timestamp(Micros t) { return Value(FormatTimestampSql(t)); }

struct Extracted {
  std::vector<event::Event> events;
  // (date, bad-row type) -> count
  std::map<std::pair<std::string, std::string>, int64_t> bad_rows_daily;
  uint64_t bad_rows = 0;
  uint64_t raw_records = 0;
  uint64_t segments = 0;
  uint64_t watermark = 0;
};

Result<Extracted> ReadAndEnrich(const std::string& raw_dir) {
  FOOTFALL_ASSIGN_OR_RETURN(auto segments, rawlog::ListSegments(raw_dir));
  size_t sealed = 0;
  for (const auto& s : segments) sealed += s.sealed ? 1 : 0;
  Extracted x;
  // Default enrichments and no schema validation until the config carries both.
  FOOTFALL_ASSIGN_OR_RETURN(std::shared_ptr<const enrich::UaParser> ua_parser,
                            enrich::UaParser::Load());
  FOOTFALL_ASSIGN_OR_RETURN(enrich::Enricher enricher,
                            enrich::Enricher::Create(enrich::EnrichConfig(), nullptr, ua_parser));
  enrich::EnrichOutput out;
  Micros last_report = NowMicros();
  for (const rawlog::SegmentInfo& seg : segments) {
    if (!seg.sealed) continue;  // the collector's active segment: the next batch takes it
    FOOTFALL_ASSIGN_OR_RETURN(rawlog::SegmentReader reader, rawlog::SegmentReader::Open(seg.path));
    for (;;) {
      auto record = reader.Next();
      if (!record.ok()) {
        // A sealed segment damaged on disk: keep what precedes the damage, count the rest
        // as one unreadable payload, and say so.
        LogError("batch", record.status().ToString());
        ++x.bad_rows;
        ++x.bad_rows_daily[{"", "collector_payload_format_violation"}];
        break;
      }
      if (!*record) break;
      ++x.raw_records;
      out.clear();
      enricher.EnrichRecord(**record, &out);
      for (event::Event& e : out.events) x.events.push_back(std::move(e));
      for (const enrich::BadRow& bad : out.bad_rows) {
        ++x.bad_rows;
        ++x.bad_rows_daily[{bad.timestamp > 0 ? FormatDate(bad.timestamp) : std::string(),
                            std::string(enrich::BadRowTypeName(bad.type))}];
      }
    }
    ++x.segments;
    x.watermark = seg.number;
    if (NowMicros() - last_report >= kProgressInterval) {
      last_report = NowMicros();
      LogInfo("batch", "enriched " + std::to_string(x.segments) + "/" + std::to_string(sealed) +
                           " segments, " + std::to_string(x.events.size()) + " events");
    }
  }
  return x;
}

ColumnType SqlType(event::FieldType t) {
  switch (t) {
    case event::FieldType::kInt64:
    case event::FieldType::kBool:  // 0 or 1, as SQLite stores booleans
      return ColumnType::kInteger;
    case event::FieldType::kDouble:
      return ColumnType::kReal;
    case event::FieldType::kString:
    case event::FieldType::kTimestamp:
      return ColumnType::kText;
  }
  return ColumnType::kText;
}

Status LoadEvents(serving::VersionWriter& w, const std::vector<event::Event>& events, size_t cap) {
  std::vector<Column> columns;
  for (const event::Field& f : event::EventFields()) {
    columns.push_back({std::string(f.name), SqlType(f.type)});
  }
  FOOTFALL_RETURN_IF_ERROR(w.CreateTable("events", columns));
  FOOTFALL_ASSIGN_OR_RETURN(serving::TableInserter ins, w.Inserter("events"));
  std::vector<Value> row(columns.size());
  // Events are in time order: the most recent ones are at the end.
  const size_t first = events.size() > cap ? events.size() - cap : 0;
  for (size_t i = first; i < events.size(); ++i) {
    size_t c = 0;
    for (const event::Field& f : event::EventFields()) {
      const event::FieldValue v = f.get(events[i]);
      if (std::holds_alternative<std::monostate>(v)) {
        row[c] = Value();
      } else if (const auto* s = std::get_if<std::string_view>(&v)) {
        row[c] = Value(std::string(*s));
      } else if (const auto* d = std::get_if<double>(&v)) {
        row[c] = Value(*d);
      } else if (const auto* b = std::get_if<bool>(&v)) {
        row[c] = Value(static_cast<int64_t>(*b ? 1 : 0));
      } else if (f.type == event::FieldType::kTimestamp) {
        row[c] = Timestamp(std::get<int64_t>(v));
      } else {
        row[c] = Value(std::get<int64_t>(v));
      }
      ++c;
    }
    FOOTFALL_RETURN_IF_ERROR(ins.Insert(row));
  }
  FOOTFALL_RETURN_IF_ERROR(w.CreateIndex("events", {"derived_tstamp"}));
  return w.CreateIndex("events", {"domain_sessionid"});
}

Status LoadSessions(serving::VersionWriter& w, const std::vector<views::SessionRow>& sessions) {
  FOOTFALL_RETURN_IF_ERROR(w.CreateTable("sessions", {{"domain_sessionid", ColumnType::kText},
                                                      {"app_id", ColumnType::kText},
                                                      {"domain_userid", ColumnType::kText},
                                                      {"network_userid", ColumnType::kText},
                                                      {"start_tstamp", ColumnType::kText},
                                                      {"end_tstamp", ColumnType::kText},
                                                      {"duration_s", ColumnType::kReal},
                                                      {"page_views", ColumnType::kInteger},
                                                      {"events", ColumnType::kInteger},
                                                      {"landing_page", ColumnType::kText},
                                                      {"exit_page", ColumnType::kText},
                                                      {"sessionized_by", ColumnType::kText}}));
  FOOTFALL_ASSIGN_OR_RETURN(serving::TableInserter ins, w.Inserter("sessions"));
  for (const views::SessionRow& s : sessions) {
    const Value row[] = {
        Value(s.domain_sessionid),
        Text(s.app_id),
        Text(s.domain_userid),
        Text(s.network_userid),
        Timestamp(s.start_tstamp),
        Timestamp(s.end_tstamp),
        Value(static_cast<double>(s.end_tstamp - s.start_tstamp) / kMicrosPerSecond),
        Value(s.page_views),
        Value(s.events),
        Text(s.landing_page),
        Text(s.exit_page),
        Value(std::string(s.from_tracker ? "tracker" : "inactivity"))};
    FOOTFALL_RETURN_IF_ERROR(ins.Insert(row));
  }
  return w.CreateIndex("sessions", {"start_tstamp"});
}

Status LoadDailyTraffic(serving::VersionWriter& w,
                        const std::vector<views::DailyTrafficRow>& days) {
  FOOTFALL_RETURN_IF_ERROR(w.CreateTable("traffic_daily", {{"date", ColumnType::kText},
                                                           {"events", ColumnType::kInteger},
                                                           {"page_views", ColumnType::kInteger},
                                                           {"sessions", ColumnType::kInteger},
                                                           {"users", ColumnType::kInteger}}));
  FOOTFALL_ASSIGN_OR_RETURN(serving::TableInserter ins, w.Inserter("traffic_daily"));
  for (const views::DailyTrafficRow& d : days) {
    const Value row[] = {Value(d.date), Value(d.events), Value(d.page_views), Value(d.sessions),
                         Value(d.users)};
    FOOTFALL_RETURN_IF_ERROR(ins.Insert(row));
  }
  return Status::Ok();
}

Status LoadBadRows(serving::VersionWriter& w, const Extracted& x) {
  FOOTFALL_RETURN_IF_ERROR(w.CreateTable("bad_rows_daily", {{"date", ColumnType::kText},
                                                            {"type", ColumnType::kText},
                                                            {"bad_rows", ColumnType::kInteger}}));
  FOOTFALL_ASSIGN_OR_RETURN(serving::TableInserter ins, w.Inserter("bad_rows_daily"));
  for (const auto& [key, count] : x.bad_rows_daily) {
    const Value row[] = {Text(key.first), Value(key.second), Value(count)};
    FOOTFALL_RETURN_IF_ERROR(ins.Insert(row));
  }
  return Status::Ok();
}

const std::vector<Column>& VersionColumns() {
  static const std::vector<Column> kColumns = {
      {"version", ColumnType::kInteger},           {"built_at", ColumnType::kText},
      {"watermark_segment", ColumnType::kInteger}, {"segments", ColumnType::kInteger},
      {"raw_records", ColumnType::kInteger},       {"events", ColumnType::kInteger},
      {"duplicates", ColumnType::kInteger},        {"bad_rows", ColumnType::kInteger},
      {"sessions", ColumnType::kInteger},          {"build_seconds", ColumnType::kReal}};
  return kColumns;
}

// pipeline_versions keeps the history: the previous version's rows, then this one.
Status LoadVersions(serving::VersionWriter& w, const std::string& serving_dir,
                    const BatchReport& report) {
  FOOTFALL_RETURN_IF_ERROR(w.CreateTable("pipeline_versions", VersionColumns()));
  FOOTFALL_ASSIGN_OR_RETURN(serving::TableInserter ins, w.Inserter("pipeline_versions"));
  if (serving::CurrentVersion(serving_dir).ok()) {
    FOOTFALL_ASSIGN_OR_RETURN(auto previous, serving::ReadOnlyStore::OpenCurrent(serving_dir));
    FOOTFALL_ASSIGN_OR_RETURN(serving::QueryResult rows,
                              previous->Query("SELECT * FROM pipeline_versions ORDER BY version"));
    for (const auto& row : rows.rows) {
      if (row.size() == VersionColumns().size()) FOOTFALL_RETURN_IF_ERROR(ins.Insert(row));
    }
  }
  const Value row[] = {Value(report.version),
                       Timestamp(NowMicros()),
                       Value(static_cast<int64_t>(report.watermark_segment)),
                       Value(static_cast<int64_t>(report.segments)),
                       Value(static_cast<int64_t>(report.raw_records)),
                       Value(static_cast<int64_t>(report.events)),
                       Value(static_cast<int64_t>(report.duplicates)),
                       Value(static_cast<int64_t>(report.bad_rows)),
                       Value(static_cast<int64_t>(report.sessions)),
                       Value(static_cast<double>(report.duration) / kMicrosPerSecond)};
  return ins.Insert(row);
}

}  // namespace

Result<BatchReport> RunBatch(const BatchOptions& options) {
  const Micros started = NowMicros();
  const std::string serving_dir = options.data_dir + "/serving";
  FOOTFALL_RETURN_IF_ERROR(MakeDirs(options.data_dir));
  FOOTFALL_ASSIGN_OR_RETURN(
      FileLock lock,
      FileLock::TryAcquire(options.data_dir + "/batch.lock",
                           "a batch run is already going on in " + options.data_dir));

  FOOTFALL_ASSIGN_OR_RETURN(Extracted x, ReadAndEnrich(options.data_dir + "/raw"));
  BatchReport report;
  report.watermark_segment = x.watermark;
  report.segments = x.segments;
  report.raw_records = x.raw_records;
  report.bad_rows = x.bad_rows;
  report.duplicates = views::Deduplicate(&x.events);
  report.events = x.events.size();
  const std::vector<views::SessionRow> sessions = views::BuildSessions(x.events, options.sessions);
  report.sessions = sessions.size();
  const std::vector<views::DailyTrafficRow> days = views::BuildDailyTraffic(x.events, sessions);

  FOOTFALL_ASSIGN_OR_RETURN(report.version, serving::NextVersion(serving_dir));
  FOOTFALL_ASSIGN_OR_RETURN(auto writer,
                            serving::VersionWriter::Create(serving_dir, report.version));
  FOOTFALL_RETURN_IF_ERROR(LoadEvents(*writer, x.events, options.events_table_cap));
  FOOTFALL_RETURN_IF_ERROR(LoadSessions(*writer, sessions));
  FOOTFALL_RETURN_IF_ERROR(LoadDailyTraffic(*writer, days));
  FOOTFALL_RETURN_IF_ERROR(LoadBadRows(*writer, x));
  report.duration = NowMicros() - started;
  FOOTFALL_RETURN_IF_ERROR(LoadVersions(*writer, serving_dir, report));
  FOOTFALL_RETURN_IF_ERROR(writer->Publish());
  FOOTFALL_RETURN_IF_ERROR(serving::RemoveOldVersions(serving_dir, options.keep_versions));
  return report;
}

}  // namespace footfall::pipeline
