#include "pipeline/view_tables.h"

#include <cmath>
#include <map>

#include "engine/serializer.h"
#include "event/fields.h"
#include "parquet/dataset.h"
#include "pipeline/batch_views.h"
#include "pipeline/event_serializer.h"
#include "pipeline/row_pipe.h"

namespace footfall::pipeline {
namespace {

using serving::Value;

// Appends cells to a reused row.
class Row {
 public:
  Row& Text(const std::string& s) {
    cells_.emplace_back(s.empty() ? Value() : Value(s));
    return *this;
  }
  Row& Int(int64_t v) {
    cells_.emplace_back(v);
    return *this;
  }
  Row& Time(Micros t) { return Int(t); }
  Row& Bool(bool b) { return Int(b ? 1 : 0); }
  // NaN (no value to summarize) is NULL.
  Row& Real(double d) {
    cells_.emplace_back(std::isnan(d) ? Value() : Value(d));
    return *this;
  }
  Row& Real(std::optional<double> d) { return d ? Real(*d) : Null(); }
  Row& Null() {
    cells_.emplace_back();
    return *this;
  }
  // Hands the row to `sink` and starts the next one.
  Status Emit(const RowSink& sink) {
    Status s = sink(cells_);
    cells_.clear();
    return s;
  }

 private:
  std::vector<Value> cells_;
};

constexpr CellType kI = CellType::kInt, kR = CellType::kReal, kT = CellType::kText,
                   kTs = CellType::kTimestamp, kB = CellType::kBool;

double Seconds(Micros m) { return static_cast<double>(m) / kMicrosPerSecond; }

// How SQLite stores a cell type (see CellType).
serving::ColumnType SqliteType(CellType type) {
  switch (type) {
    case CellType::kReal:
      return serving::ColumnType::kReal;
    case CellType::kText:
    case CellType::kTimestamp:
      return serving::ColumnType::kText;
    case CellType::kInt:
    case CellType::kBool:
      return serving::ColumnType::kInteger;
  }
  return serving::ColumnType::kText;
}

// The cell type of an enriched-event field.
CellType CellTypeOf(event::FieldType type) {
  switch (type) {
    case event::FieldType::kInt64:
      return CellType::kInt;
    case event::FieldType::kBool:
      return CellType::kBool;
    case event::FieldType::kDouble:
      return CellType::kReal;
    case event::FieldType::kTimestamp:
      return CellType::kTimestamp;
    case event::FieldType::kString:
      return CellType::kText;
  }
  return CellType::kText;
}

}  // namespace

ViewTable PageViewsTable(std::span<const views::PageViewRow> rows) {
  return ViewTable{
      "page_views",
      {{"page_view_id", kT},
       {"domain_sessionid", kT},
       {"page_view_in_session_index", kI},
       {"app_id", kT},
       {"domain_userid", kT},
       {"network_userid", kT},
       {"page_url", kT},
       {"page_urlhost", kT},
       {"page_urlpath", kT},
       {"page_title", kT},
       {"start_tstamp", kTs},
       {"end_tstamp", kTs},
       {"engaged_time_in_s", kR},
       {"absolute_time_in_s", kR},
       {"vertical_percentage_scrolled", kR},
       {"horizontal_percentage_scrolled", kR},
       {"refr_medium", kT},
       {"refr_source", kT},
       {"mkt_medium", kT},
       {"mkt_source", kT},
       {"mkt_campaign", kT},
       {"dvce_type", kT},
       {"br_family", kT},
       {"os_family", kT},
       {"geo_country", kT}},
      {{"start_tstamp"}, {"domain_sessionid"}, {"page_urlpath"}},
      [rows](const RowSink& sink) -> Status {
        Row r;
        for (const views::PageViewRow& p : rows) {
          r.Text(p.page_view_id).Text(p.domain_sessionid).Int(p.page_view_in_session_index);
          r.Text(p.app_id).Text(p.domain_userid).Text(p.network_userid).Text(p.page_url);
          r.Text(p.page_urlhost).Text(p.page_urlpath).Text(p.page_title);
          r.Time(p.start_tstamp).Time(p.end_tstamp).Real(p.engaged_time_in_s);
          r.Real(p.absolute_time_in_s).Real(p.vertical_percentage_scrolled);
          r.Real(p.horizontal_percentage_scrolled).Text(p.refr_medium).Text(p.refr_source);
          r.Text(p.mkt_medium).Text(p.mkt_source).Text(p.mkt_campaign).Text(p.dvce_type);
          r.Text(p.br_family).Text(p.os_family).Text(p.geo_country);
          FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
        }
        return Status::Ok();
      }};
}

ViewTable SessionsTable(std::span<const views::WebSessionRow> rows) {
  return ViewTable{
      "sessions",
      {{"domain_sessionid", kT},  {"sessionized_by", kT},  {"app_id", kT},
       {"domain_userid", kT},     {"network_userid", kT},  {"user_id", kT},
       {"start_tstamp", kTs},     {"end_tstamp", kTs},     {"duration_s", kR},
       {"page_views", kI},        {"page_pings", kI},      {"events", kI},
       {"struct_events", kI},     {"unstruct_events", kI}, {"transactions", kI},
       {"engaged_time_in_s", kR}, {"is_engaged", kB},      {"landing_page", kT},
       {"exit_page", kT},         {"refr_medium", kT},     {"refr_source", kT},
       {"refr_term", kT},         {"mkt_medium", kT},      {"mkt_source", kT},
       {"mkt_campaign", kT},      {"dvce_type", kT},       {"br_family", kT},
       {"os_family", kT},         {"geo_country", kT},     {"converted", kB},
       {"conversions", kT}},
      {{"start_tstamp"}, {"domain_userid"}},
      [rows](const RowSink& sink) -> Status {
        Row r;
        for (const views::WebSessionRow& s : rows) {
          r.Text(s.domain_sessionid).Text(s.from_tracker ? "tracker" : "inactivity");
          r.Text(s.app_id).Text(s.domain_userid).Text(s.network_userid).Text(s.user_id);
          r.Time(s.start_tstamp).Time(s.end_tstamp);
          r.Real(Seconds(s.end_tstamp - s.start_tstamp)).Int(s.page_views);
          r.Int(s.page_pings).Int(s.events).Int(s.struct_events).Int(s.unstruct_events);
          r.Int(s.transactions).Real(s.engaged_time_in_s).Bool(s.is_engaged);
          r.Text(s.landing_page).Text(s.exit_page).Text(s.refr_medium);
          r.Text(s.refr_source).Text(s.refr_term).Text(s.mkt_medium).Text(s.mkt_source);
          r.Text(s.mkt_campaign).Text(s.dvce_type).Text(s.br_family).Text(s.os_family);
          r.Text(s.geo_country).Bool(s.converted).Text(s.conversions);
          FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
        }
        return Status::Ok();
      }};
}

std::vector<ViewTable> WebViewTables(const views::WebViews& web) {
  std::vector<ViewTable> t = {PageViewsTable(web.page_views), SessionsTable(web.sessions)};
  for (ViewTable& s : WebSummaryTables(web)) t.push_back(std::move(s));
  return t;
}

std::vector<ViewTable> WebSummaryTables(const views::WebViews& web) {
  std::vector<ViewTable> t;
  t.push_back({"users",
               {{"user_key", kT},
                {"user_id", kT},
                {"first_seen", kTs},
                {"last_seen", kTs},
                {"sessions", kI},
                {"page_views", kI},
                {"engaged_time_in_s", kR},
                {"first_landing_page", kT},
                {"first_refr_medium", kT},
                {"first_refr_source", kT},
                {"first_mkt_campaign", kT}},
               {{"first_seen"}},
               [&web](const RowSink& sink) -> Status {
                 Row r;
                 for (const views::UserRow& u : web.users) {
                   r.Text(u.user_key).Text(u.user_id).Time(u.first_seen).Time(u.last_seen);
                   r.Int(u.sessions).Int(u.page_views).Real(u.engaged_time_in_s);
                   r.Text(u.first_landing_page).Text(u.first_refr_medium);
                   r.Text(u.first_refr_source).Text(u.first_mkt_campaign);
                   FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
                 }
                 return Status::Ok();
               }});
  for (const auto& [name, bucket, rows] :
       {std::tuple{"traffic_daily", "date", &web.traffic_daily},
        std::tuple{"traffic_hourly", "hour", &web.traffic_hourly}}) {
    t.push_back({name,
                 {{bucket, kT},
                  {"events", kI},
                  {"page_views", kI},
                  {"sessions", kI},
                  {"users", kI},
                  {"engaged_sessions", kI},
                  {"bounce_rate", kR},
                  {"avg_engaged_time_in_s", kR}},
                 {{bucket}},
                 [rows](const RowSink& sink) -> Status {
                   Row r;
                   for (const views::TrafficRow& d : *rows) {
                     r.Text(d.bucket).Int(d.events).Int(d.page_views).Int(d.sessions);
                     r.Int(d.users).Int(d.engaged_sessions).Real(d.bounce_rate);
                     r.Real(d.avg_engaged_time_in_s);
                     FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
                   }
                   return Status::Ok();
                 }});
  }
  t.push_back({"acquisition",
               {{"date", kT},
                {"refr_medium", kT},
                {"refr_source", kT},
                {"mkt_campaign", kT},
                {"sessions", kI},
                {"users", kI},
                {"page_views", kI},
                {"engaged_sessions", kI},
                {"conversions", kI}},
               {{"date"}},
               [&web](const RowSink& sink) -> Status {
                 Row r;
                 for (const views::AcquisitionRow& a : web.acquisition) {
                   r.Text(a.date).Text(a.refr_medium).Text(a.refr_source).Text(a.mkt_campaign);
                   r.Int(a.sessions).Int(a.users).Int(a.page_views).Int(a.engaged_sessions);
                   r.Int(a.conversions);
                   FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
                 }
                 return Status::Ok();
               }});
  t.push_back({"funnel_steps",
               {{"funnel", kT},
                {"step", kI},
                {"step_name", kT},
                {"sessions", kI},
                {"conversion_from_previous", kR},
                {"conversion_from_start", kR},
                {"time_from_previous_p50_s", kR},
                {"time_from_previous_p90_s", kR}},
               {},
               [&web](const RowSink& sink) -> Status {
                 Row r;
                 for (const views::FunnelStepRow& f : web.funnel_steps) {
                   r.Text(f.funnel).Int(f.step).Text(f.step_name).Int(f.sessions);
                   r.Real(f.conversion_from_previous).Real(f.conversion_from_start);
                   r.Real(f.time_from_previous_p50_s).Real(f.time_from_previous_p90_s);
                   FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
                 }
                 return Status::Ok();
               }});
  t.push_back({"funnel_dropoffs",
               {{"funnel", kT}, {"last_step", kI}, {"next_page", kT}, {"sessions", kI}},
               {},
               [&web](const RowSink& sink) -> Status {
                 Row r;
                 for (const views::FunnelDropoffRow& d : web.funnel_dropoffs) {
                   r.Text(d.funnel).Int(d.last_step).Text(d.next_page).Int(d.sessions);
                   FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
                 }
                 return Status::Ok();
               }});
  t.push_back({"journey_transitions",
               {{"from_page", kT}, {"to_page", kT}, {"count", kI}, {"gap_p50_s", kR}},
               {{"from_page"}},
               [&web](const RowSink& sink) -> Status {
                 Row r;
                 for (const views::JourneyTransitionRow& j : web.journey_transitions) {
                   r.Text(j.from_page).Text(j.to_page).Int(j.count).Real(j.gap_p50_s);
                   FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
                 }
                 return Status::Ok();
               }});
  t.push_back({"journey_paths",
               {{"rank", kI}, {"path", kT}, {"steps", kI}, {"sessions", kI}},
               {},
               [&web](const RowSink& sink) -> Status {
                 Row r;
                 for (const views::JourneyPathRow& j : web.journey_paths) {
                   r.Int(j.rank).Text(j.path).Int(j.steps).Int(j.sessions);
                   FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
                 }
                 return Status::Ok();
               }});
  return t;
}

std::vector<ViewTable> FlowViewTables(const std::vector<views::FlowViews>& flows) {
  std::vector<ViewTable> t;
  t.push_back({"flow_cases",
               {{"flow", kT},
                {"case_id", kT},
                {"start_tstamp", kTs},
                {"end_tstamp", kTs},
                {"cycle_time_s", kR},
                {"executions", kI},
                {"total_cost", kR},
                {"variant_id", kT},
                {"completed", kB}},
               {{"flow", "start_tstamp"}},
               [&flows](const RowSink& sink) -> Status {
                 Row r;
                 for (const views::FlowViews& f : flows) {
                   for (const views::FlowCaseRow& c : f.cases) {
                     r.Text(c.flow).Text(c.case_id).Time(c.start_tstamp).Time(c.end_tstamp);
                     r.Real(Seconds(c.end_tstamp - c.start_tstamp)).Int(c.executions);
                     r.Real(c.total_cost).Text(c.variant_id).Bool(c.completed);
                     FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
                   }
                 }
                 return Status::Ok();
               }});
  t.push_back({"flow_activities",
               {{"flow", kT},
                {"activity", kT},
                {"cases", kI},
                {"executions", kI},
                {"service_mean_s", kR},
                {"service_p50_s", kR},
                {"service_p90_s", kR},
                {"wait_mean_s", kR},
                {"wait_p50_s", kR},
                {"wait_p90_s", kR},
                {"total_cost", kR},
                {"completions_per_day", kR},
                {"cycle_time_share", kR}},
               {{"flow"}},
               [&flows](const RowSink& sink) -> Status {
                 Row r;
                 for (const views::FlowViews& f : flows) {
                   for (const views::FlowActivityRow& a : f.activities) {
                     r.Text(a.flow).Text(a.activity).Int(a.cases).Int(a.executions);
                     r.Real(a.service_mean_s).Real(a.service_p50_s).Real(a.service_p90_s);
                     r.Real(a.wait_mean_s).Real(a.wait_p50_s).Real(a.wait_p90_s);
                     r.Real(a.total_cost).Real(a.completions_per_day).Real(a.cycle_time_share);
                     FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
                   }
                 }
                 return Status::Ok();
               }});
  t.push_back({"flow_transitions",
               {{"flow", kT},
                {"from_activity", kT},
                {"to_activity", kT},
                {"count", kI},
                {"gap_p50_s", kR},
                {"gap_p90_s", kR}},
               {{"flow"}},
               [&flows](const RowSink& sink) -> Status {
                 Row r;
                 for (const views::FlowViews& f : flows) {
                   for (const views::FlowTransitionRow& x : f.transitions) {
                     r.Text(x.flow).Text(x.from_activity).Text(x.to_activity).Int(x.count);
                     r.Real(x.gap_p50_s).Real(x.gap_p90_s);
                     FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
                   }
                 }
                 return Status::Ok();
               }});
  t.push_back({"flow_variants",
               {{"flow", kT},
                {"rank", kI},
                {"variant_id", kT},
                {"variant", kT},
                {"cases", kI},
                {"share", kR},
                {"cycle_time_p50_s", kR}},
               {{"flow"}},
               [&flows](const RowSink& sink) -> Status {
                 Row r;
                 for (const views::FlowViews& f : flows) {
                   for (const views::FlowVariantRow& v : f.variants) {
                     r.Text(v.flow).Int(v.rank).Text(v.variant_id).Text(v.variant).Int(v.cases);
                     r.Real(v.share).Real(v.cycle_time_p50_s);
                     FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
                   }
                 }
                 return Status::Ok();
               }});
  t.push_back({"flow_wip_daily",
               {{"flow", kT},
                {"date", kT},
                {"activity", kT},
                {"started", kI},
                {"completed", kI},
                {"wip", kI}},
               {{"flow", "date"}},
               [&flows](const RowSink& sink) -> Status {
                 Row r;
                 for (const views::FlowViews& f : flows) {
                   for (const views::FlowWipDailyRow& w : f.wip_daily) {
                     r.Text(w.flow).Text(w.date).Text(w.activity).Int(w.started);
                     r.Int(w.completed).Int(w.wip);
                     FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
                   }
                 }
                 return Status::Ok();
               }});
  t.push_back({"flow_bottlenecks",
               {{"flow", kT},
                {"rank", kI},
                {"activity", kT},
                {"total_wait_h", kR},
                {"wait_per_case_min", kR},
                {"wait_p90_min", kR},
                {"wait_share", kR},
                {"queue_growth_per_day", kR},
                {"evidence", kT}},
               {{"flow"}},
               [&flows](const RowSink& sink) -> Status {
                 Row r;
                 for (const views::FlowViews& f : flows) {
                   for (const views::FlowBottleneckRow& b : f.bottlenecks) {
                     r.Text(b.flow).Int(b.rank).Text(b.activity).Real(b.total_wait_h);
                     r.Real(b.wait_per_case_min).Real(b.wait_p90_min).Real(b.wait_share);
                     r.Real(b.queue_growth_per_day).Text(b.evidence);
                     FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
                   }
                 }
                 return Status::Ok();
               }});
  return t;
}

ViewTable MetricsHourlyTable(const std::vector<MetricsHour>& hours) {
  return {"metrics_hourly",
          {{"hour", kT},
           {"events", kI},
           {"page_views", kI},
           {"page_pings", kI},
           {"sessions_started", kI},
           {"engaged_sessions", kI},
           {"users", kI},
           {"users_estimate", kI}},
          {{"hour"}},
          [&hours](const RowSink& sink) -> Status {
            Row r;
            for (const MetricsHour& h : hours) {
              const auto pings = h.metrics.events_by_type.find("page_ping");
              r.Text(FormatIso8601(h.hour)).Int(h.metrics.events).Int(h.metrics.page_views);
              r.Int(pings == h.metrics.events_by_type.end() ? 0 : pings->second);
              r.Int(h.metrics.sessions_started).Int(h.metrics.engaged_sessions).Int(h.users);
              r.Int(static_cast<int64_t>(std::llround(h.metrics.users.Estimate())));
              FOOTFALL_RETURN_IF_ERROR(r.Emit(sink));
            }
            return Status::Ok();
          }};
}

Status LoadIntoServing(serving::VersionWriter& writer, const ViewTable& table) {
  std::vector<serving::Column> columns;
  for (const TableColumn& c : table.columns) {
    columns.push_back({c.name, SqliteType(c.type)});
  }
  FOOTFALL_RETURN_IF_ERROR(writer.CreateTable(table.name, columns));
  FOOTFALL_ASSIGN_OR_RETURN(serving::TableInserter ins, writer.Inserter(table.name));
  // The rows are built, and their timestamps formatted, on a thread of their own while SQLite
  // inserts the previous ones.
  FOOTFALL_RETURN_IF_ERROR(PipeRows(
      table.columns.size(), table.rows,
      [&table](std::span<const Value> row, std::span<Value> slot) {
        for (size_t i = 0; i < row.size(); ++i) {
          const auto* t = std::get_if<int64_t>(&row[i]);
          if (t != nullptr && table.columns[i].type == CellType::kTimestamp) {
            slot[i] = FormatTimestampSql(*t);
          } else {
            slot[i] = row[i];
          }
        }
      },
      [&ins](std::span<const Value> row) { return ins.Insert(row); }));
  for (const auto& index : table.indexes) {
    FOOTFALL_RETURN_IF_ERROR(writer.CreateIndex(table.name, index));
  }
  return Status::Ok();
}

ViewTable EventsTable(const std::vector<std::string>& events) {
  ViewTable t;
  t.name = "events";
  for (const event::Field& f : event::EventFields()) {
    t.columns.push_back({std::string(f.name), CellTypeOf(f.type)});
  }
  t.indexes = {{"derived_tstamp"}, {"domain_sessionid"}};
  t.rows = [&events](const RowSink& sink) -> Status {
    std::vector<Value> row(event::EventFields().size());
    event::Event e;
    for (const std::string& serialized : events) {
      engine::Decoder in(serialized);
      engine::Deserialize(in, &e);
      if (!in.ok()) return Internal("an event of the events table does not decode");
      size_t c = 0;
      for (const event::Field& f : event::EventFields()) {
        const event::FieldValue v = f.get(e);
        Value& cell = row[c++];
        if (const auto* s = std::get_if<std::string_view>(&v)) {
          // Into the previous row's string when there is one: no allocation per value.
          if (auto* held = std::get_if<std::string>(&cell)) {
            held->assign(*s);
          } else {
            cell = std::string(*s);
          }
        } else if (const auto* i = std::get_if<int64_t>(&v)) {
          cell = *i;
        } else if (const auto* d = std::get_if<double>(&v)) {
          cell = *d;
        } else if (const auto* b = std::get_if<bool>(&v)) {
          cell = int64_t{*b ? 1 : 0};
        } else {
          cell = Value();
        }
      }
      FOOTFALL_RETURN_IF_ERROR(sink(row));
    }
    return Status::Ok();
  };
  return t;
}

parquet::Schema ParquetSchema(const ViewTable& table) {
  parquet::Schema schema;
  for (const TableColumn& c : table.columns) {
    switch (c.type) {
      case CellType::kInt:
        schema.columns.push_back(parquet::ColumnSpec::Int64(c.name, true));
        break;
      case CellType::kReal:
        schema.columns.push_back(parquet::ColumnSpec::Double(c.name, true));
        break;
      case CellType::kText:
        schema.columns.push_back(parquet::ColumnSpec::String(c.name, true));
        break;
      case CellType::kTimestamp:
        schema.columns.push_back(parquet::ColumnSpec::TimestampMicros(c.name, true));
        break;
      case CellType::kBool:
        schema.columns.push_back(parquet::ColumnSpec::Boolean(c.name, true));
        break;
    }
  }
  return schema;
}

namespace {

// Writes every row of `table` into `file` (of ParquetSchema(table)), 64Ki rows per row group;
// returns the rows written. The file stays open.
Result<int64_t> WriteRows(const ViewTable& table, parquet::ParquetWriter& file) {
  std::vector<parquet::ColumnVector> columns;
  for (const parquet::ColumnSpec& c : file.schema().columns) columns.emplace_back(c.type);
  constexpr size_t kBatchRows = 64 * 1024;
  int64_t rows = 0;
  const auto flush = [&]() -> Status {
    if (columns.front().empty()) return Status::Ok();
    FOOTFALL_RETURN_IF_ERROR(file.Write(columns));
    for (auto& c : columns) c.Clear();
    return Status::Ok();
  };
  FOOTFALL_RETURN_IF_ERROR(table.rows([&](std::span<const Value> cells) -> Status {
    for (size_t i = 0; i < cells.size(); ++i) {
      parquet::ColumnVector& col = columns[i];
      const Value& v = cells[i];
      if (std::holds_alternative<std::monostate>(v)) {
        col.AppendNull();
      } else if (table.columns[i].type == CellType::kBool) {
        col.AppendBool(std::get<int64_t>(v) != 0);
      } else if (const auto* n = std::get_if<int64_t>(&v)) {
        col.AppendInt64(*n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        col.AppendDouble(*d);
      } else {
        col.AppendBytes(std::get<std::string>(v));
      }
    }
    ++rows;
    return columns.front().size() >= kBatchRows ? flush() : Status::Ok();
  }));
  FOOTFALL_RETURN_IF_ERROR(flush());
  return rows;
}

// The cell of `column` at `row` as ViewTable rows hold it.
Value CellOf(const parquet::ColumnVector& column, CellType type, size_t row) {
  if (column.IsNull(row)) return Value();
  switch (type) {
    case CellType::kInt:
    case CellType::kTimestamp:
      return Value(column.GetInt64(row));
    case CellType::kBool:
      return Value(static_cast<int64_t>(column.GetBool(row) ? 1 : 0));
    case CellType::kReal:
      return Value(column.GetDouble(row));
    case CellType::kText:
      return Value(std::string(column.GetBytes(row)));
  }
  return Value();
}

parquet::DatasetWriterOptions WriterOptionsFor(const ViewTable& table) {
  parquet::DatasetWriterOptions options;
  options.holder = "the batch run writing " + table.name;
  options.keep_versions = 2;
  return options;
}

Status CommitReplacing(parquet::DatasetWriter& dataset,
                       const std::map<std::string, std::string>& properties) {
  parquet::CommitOptions commit;
  commit.replace = true;
  commit.properties = properties;
  return dataset.Commit(commit).status();
}

}  // namespace

Result<int64_t> WriteParquetFile(const std::string& path, const ViewTable& table) {
  FOOTFALL_ASSIGN_OR_RETURN(parquet::ParquetWriter file,
                            parquet::ParquetWriter::Create(path, ParquetSchema(table)));
  FOOTFALL_ASSIGN_OR_RETURN(const int64_t rows, WriteRows(table, file));
  FOOTFALL_RETURN_IF_ERROR(file.Close());
  return rows;
}

Result<int64_t> WriteParquetVersion(const std::string& dir, const ViewTable& table,
                                    const std::map<std::string, std::string>& properties) {
  FOOTFALL_ASSIGN_OR_RETURN(parquet::DatasetWriter dataset,
                            parquet::DatasetWriter::Open(dir, WriterOptionsFor(table)));
  const std::string name = "v" + std::to_string(dataset.next_version()) + ".parquet";
  FOOTFALL_ASSIGN_OR_RETURN(parquet::ParquetWriter file,
                            dataset.CreateFile("", name, ParquetSchema(table)));
  FOOTFALL_ASSIGN_OR_RETURN(const int64_t rows, WriteRows(table, file));
  FOOTFALL_RETURN_IF_ERROR(dataset.AddFile(std::move(file), {}));
  FOOTFALL_RETURN_IF_ERROR(CommitReplacing(dataset, properties));
  return rows;
}

Result<int64_t> PublishDateFiles(const std::string& dir, const ViewTable& shape,
                                 const std::vector<DateFile>& files,
                                 const std::map<std::string, std::string>& properties) {
  if (files.empty()) return WriteParquetVersion(dir, shape, properties);
  FOOTFALL_ASSIGN_OR_RETURN(parquet::DatasetWriter dataset,
                            parquet::DatasetWriter::Open(dir, WriterOptionsFor(shape)));
  const std::string name = "v" + std::to_string(dataset.next_version()) + ".parquet";
  int64_t rows = 0;
  for (const DateFile& f : files) {
    FOOTFALL_RETURN_IF_ERROR(dataset.AddWrittenFile(f.path, "date=" + f.date, name, {}));
    rows += f.rows;
  }
  FOOTFALL_RETURN_IF_ERROR(CommitReplacing(dataset, properties));
  return rows;
}

ViewTable DatasetTable(const ViewTable& shape, parquet::Dataset dataset) {
  ViewTable t = shape;
  t.rows = [columns = shape.columns, dataset = std::move(dataset)](const RowSink& sink) -> Status {
    std::vector<std::string> names;
    for (const TableColumn& c : columns) names.push_back(c.name);
    std::vector<Value> row(columns.size());
    for (const parquet::DatasetFile& f : dataset.files()) {
      FOOTFALL_ASSIGN_OR_RETURN(parquet::ParquetReader reader, dataset.OpenFile(f));
      FOOTFALL_ASSIGN_OR_RETURN(const std::vector<size_t> indices, reader.ColumnIndices(names));
      for (size_t g = 0; g < reader.num_row_groups(); ++g) {
        FOOTFALL_ASSIGN_OR_RETURN(const std::vector<parquet::ColumnVector> cols,
                                  reader.ReadRowGroup(g, indices));
        const size_t n = cols.empty() ? 0 : cols.front().size();
        for (size_t r = 0; r < n; ++r) {
          for (size_t c = 0; c < columns.size(); ++c) row[c] = CellOf(cols[c], columns[c].type, r);
          FOOTFALL_RETURN_IF_ERROR(sink(row));
        }
      }
    }
    return Status::Ok();
  };
  return t;
}

}  // namespace footfall::pipeline
