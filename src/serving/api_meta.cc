// Metadata for the dashboard's pickers, bad rows with samples, and read-only SQL.
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "base/files.h"
#include "serving/api_internal.h"
#include "serving/format.h"

namespace footfall::serving {
namespace {

constexpr size_t kMaxFilterValues = 200;
constexpr size_t kPayloadChars = 500;
// Samples are the last lines of the newest files; only this much of a file's end is read.
constexpr off_t kTailBytes = 256 * 1024;

// The result, or no rows when the table is missing (versions older than the table).
QueryResult QueryOrEmpty(const RequestContext& c, const std::string& sql) {
  Result<QueryResult> r = c.store->Query(sql);
  return r.ok() ? std::move(*r) : QueryResult();
}

size_t ColumnIndex(const QueryResult& r, std::string_view name) {
  for (size_t i = 0; i < r.columns.size(); ++i) {
    if (r.columns[i] == name) return i;
  }
  return r.columns.size();
}

void WriteColumn(JsonWriter& w, const QueryResult& r, size_t row, size_t column) {
  if (column < r.columns.size()) {
    WriteValue(w, r.rows[row][column]);
  } else {
    w.Null();
  }
}

// `s` cut to at most `max` bytes at a UTF-8 character boundary.
std::string CutUtf8(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut));
}

// The last `kTailBytes` of a file, from its first whole line.
std::string ReadTail(const std::string& path) {
  const Result<UniqueFd> fd = OpenForReading(path);
  if (!fd.ok()) return {};
  std::string out;
  struct stat st;
  if (::fstat(fd->get(), &st) == 0 && st.st_size > 0) {
    const off_t start = st.st_size > kTailBytes ? st.st_size - kTailBytes : 0;
    out.resize(static_cast<size_t>(st.st_size - start));
    const ssize_t n = ::pread(fd->get(), out.data(), out.size(), start);
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
    if (start > 0) {
      const size_t nl = out.find('\n');
      out.erase(0, nl == std::string::npos ? out.size() : nl + 1);
    }
  }
  return out;
}

// Writes a parsed JSON value as it is.
void WriteElement(JsonWriter& w, simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY:
      w.BeginArray();
      for (simdjson::dom::element item : simdjson::dom::array(e)) WriteElement(w, item);
      w.EndArray();
      break;
    case simdjson::dom::element_type::OBJECT:
      w.BeginObject();
      for (simdjson::dom::key_value_pair field : simdjson::dom::object(e)) {
        w.Key(field.key);
        WriteElement(w, field.value);
      }
      w.EndObject();
      break;
    case simdjson::dom::element_type::STRING:
      w.String(std::string_view(e));
      break;
    case simdjson::dom::element_type::INT64:
      w.Int(int64_t(e));
      break;
    case simdjson::dom::element_type::UINT64:
      w.Double(static_cast<double>(uint64_t(e)));
      break;
    case simdjson::dom::element_type::DOUBLE:
      w.Double(double(e));
      break;
    case simdjson::dom::element_type::BOOL:
      w.Bool(bool(e));
      break;
    case simdjson::dom::element_type::NULL_VALUE:
      w.Null();
      break;
  }
}

// Writes the newest bad rows of dates in [from_date, to_date) as sample objects, newest file
// first, last line first; at most `limit`.
void WriteSamples(JsonWriter& w, const std::string& bad_dir, const std::string& from_date,
                  const std::string& to_date, const std::string* type, size_t limit) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (bad_dir.empty() || limit == 0 || !fs::is_directory(bad_dir, ec)) return;
  std::vector<std::string> dates;
  for (const auto& entry : fs::directory_iterator(bad_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("date=")) continue;
    const std::string date = name.substr(5);
    if (date >= from_date && date < to_date) dates.push_back(date);
  }
  std::sort(dates.rbegin(), dates.rend());
  simdjson::dom::parser parser;
  size_t written = 0;
  for (const std::string& date : dates) {
    std::vector<std::pair<fs::file_time_type, std::string>> files;
    for (const auto& entry : fs::directory_iterator(bad_dir + "/date=" + date, ec)) {
      if (entry.path().extension() != ".jsonl") continue;
      files.emplace_back(entry.last_write_time(ec), entry.path().string());
    }
    std::sort(files.rbegin(), files.rend());
    for (const auto& [mtime, path] : files) {
      const std::string tail = ReadTail(path);
      size_t end = tail.size();
      while (end > 0 && written < limit) {
        size_t start = tail.rfind('\n', end - 1);
        start = start == std::string::npos ? 0 : start + 1;
        const std::string_view line(tail.data() + start, end - start);
        end = start > 0 ? start - 1 : 0;
        if (line.empty()) continue;
        simdjson::dom::element doc;
        if (parser.parse(line.data(), line.size()).get(doc) != simdjson::SUCCESS) continue;
        std::string_view row_type, payload;
        if (doc["type"].get_string().get(row_type) != simdjson::SUCCESS) continue;
        if (type != nullptr && row_type != *type) continue;
        w.BeginObject().Key("type").String(row_type).Key("date").String(date);
        w.Key("messages");
        simdjson::dom::element messages;
        if (doc["messages"].get(messages) == simdjson::SUCCESS) {
          WriteElement(w, messages);
        } else {
          w.BeginArray().EndArray();
        }
        w.Key("payload");
        if (doc["payload"].get_string().get(payload) == simdjson::SUCCESS) {
          w.String(CutUtf8(payload, kPayloadChars));
        } else {
          w.Null();
        }
        w.EndObject();
        ++written;
      }
      if (written >= limit) return;
    }
  }
}

}  // namespace

Result<std::string> MetaAnswer(const RequestContext& c, const http::Request& req) {
  FOOTFALL_ASSIGN_OR_RETURN(Params p, Params::Parse(req.query, kCommonParams));
  (void)p;
  FOOTFALL_ASSIGN_OR_RETURN(
      auto body, Cached<std::string>(c, "meta", [&]() -> Result<std::string> {
        JsonWriter w;
        w.BeginObject();
        WriteVersion(w, c);
        w.Key("data_range").BeginObject();
        for (const auto& [key, t] :
             {std::pair{"from", c.info->first_event}, std::pair{"to", c.info->exact_until}}) {
          w.Key(key);
          if (t) {
            w.String(FormatIso8601(*t));
          } else {
            w.Null();
          }
        }
        w.EndObject();

        const QueryResult versions =
            QueryOrEmpty(c, "SELECT * FROM pipeline_versions ORDER BY version");
        const size_t version = ColumnIndex(versions, "version");
        const size_t built_at = ColumnIndex(versions, "built_at");
        const size_t watermark = ColumnIndex(versions, "watermark_segment");
        const size_t enrich = ColumnIndex(versions, "enrich_config");
        const size_t view = ColumnIndex(versions, "view_config");
        w.Key("versions").BeginArray();
        for (size_t i = 0; i < versions.rows.size(); ++i) {
          w.BeginObject();
          w.Key("version");
          WriteColumn(w, versions, i, version);
          w.Key("built_at");
          WriteColumn(w, versions, i, built_at);
          w.Key("watermark");
          WriteColumn(w, versions, i, watermark);
          w.Key("enrich_config");
          WriteColumn(w, versions, i, enrich);
          w.Key("view_config");
          WriteColumn(w, versions, i, view);
          w.EndObject();
        }
        w.EndArray();

        w.Key("filters").BeginObject();
        for (const auto& [name, column] :
             {std::pair{"app_id", "app_id"}, std::pair{"country", "geo_country"},
              std::pair{"device", "dvce_type"}, std::pair{"campaign", "mkt_campaign"}}) {
          const QueryResult values =
              QueryOrEmpty(c, std::string("SELECT ") + column + " FROM sessions WHERE " + column +
                                  " IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT " +
                                  std::to_string(kMaxFilterValues));
          w.Key(name).BeginArray();
          for (size_t i = 0; i < values.rows.size(); ++i) w.String(KeyAt(values, i, 0));
          w.EndArray();
        }
        w.EndObject();
        for (const auto& [key, sql] :
             {std::pair{"funnels", "SELECT DISTINCT funnel FROM funnel_steps ORDER BY 1"},
              std::pair{"flows",
                        "SELECT flow FROM flow_activities UNION "
                        "SELECT flow FROM flow_cases ORDER BY 1"}}) {
          const QueryResult names = QueryOrEmpty(c, sql);
          w.Key(key).BeginArray();
          for (size_t i = 0; i < names.rows.size(); ++i) w.String(KeyAt(names, i, 0));
          w.EndArray();
        }
        w.EndObject();
        return w.Take();
      }));
  return *body;
}

Result<std::string> BadRowsAnswer(const RequestContext& c, const http::Request& req) {
  FOOTFALL_ASSIGN_OR_RETURN(
      Params p, Params::Parse(req.query, {"from", "to", "app_id", "country", "device", "campaign",
                                          "type", "limit"}));
  FOOTFALL_ASSIGN_OR_RETURN(int64_t limit, p.Int("limit", 0, 200, 20));
  const std::string* type = p.Get("type");
  FOOTFALL_ASSIGN_OR_RETURN(TimeRange r, ParseRange(p, c, kMicrosPerDay, std::nullopt));
  const std::string from_date = FormatDate(r.from), to_date = FormatDate(r.to);
  const std::string where = " WHERE date >= " + SqlQuote(from_date) + " AND date < " +
                            SqlQuote(to_date) +
                            (type != nullptr ? " AND type = " + SqlQuote(*type) : "");
  const QueryResult by_type = QueryOrEmpty(c, "SELECT type, sum(bad_rows) FROM bad_rows_daily" +
                                                  where + " GROUP BY 1 ORDER BY 2 DESC, 1");
  const QueryResult daily = QueryOrEmpty(
      c, "SELECT date, type, bad_rows FROM bad_rows_daily" + where + " ORDER BY date, type");
  int64_t total = 0;
  for (size_t i = 0; i < by_type.rows.size(); ++i) total += IntAt(by_type, i, 1);

  JsonWriter w;
  w.BeginObject();
  WriteEnvelope(w, c, r);
  w.Key("total").Int(total);
  w.Key("by_type").BeginArray();
  for (size_t i = 0; i < by_type.rows.size(); ++i) {
    w.BeginObject().Key("type").String(KeyAt(by_type, i, 0));
    w.Key("count").Int(IntAt(by_type, i, 1)).EndObject();
  }
  w.EndArray();
  w.Key("daily").BeginArray();
  for (size_t i = 0; i < daily.rows.size(); ++i) {
    w.BeginObject().Key("date").String(KeyAt(daily, i, 0)).Key("type").String(KeyAt(daily, i, 1));
    w.Key("count").Int(IntAt(daily, i, 2)).EndObject();
  }
  w.EndArray();
  w.Key("samples").BeginArray();
  WriteSamples(w, c.options->bad_dir, from_date, to_date, type, static_cast<size_t>(limit));
  w.EndArray().EndObject();
  return w.Take();
}

http::Response SqlAnswer(const RequestContext& c, const http::Request& req) {
  auto p = Params::Parse(req.query, {"format"});
  if (!p.ok()) return ErrorResponse(p.status());
  auto format_name = p->Enum("format", {"json", "csv", "table"}, "json");
  if (!format_name.ok()) return ErrorResponse(format_name.status());
  if (req.body.empty()) return ErrorResponse(400, "POST the SQL text as the request body");
  auto result = c.store->Query(req.body, c.options->max_sql_rows);
  if (!result.ok()) return ErrorResponse(result.status());
  if (*format_name != "json") {
    const bool csv = *format_name == "csv";
    http::Response r;
    r.content_type = csv ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8";
    r.body = FormatResult(*result, csv ? OutputFormat::kCsv : OutputFormat::kTable);
    r.AddHeader("X-Footfall-Version", std::to_string(c.info->version));
    r.AddHeader("X-Footfall-Truncated", result->truncated ? "true" : "false");
    return r;
  }
  JsonWriter w;
  w.BeginObject().Key("version").Int(c.info->version).Key("columns").BeginArray();
  for (const std::string& col : result->columns) w.String(col);
  w.EndArray().Key("rows").BeginArray();
  for (const auto& row : result->rows) {
    w.BeginArray();
    for (const Value& v : row) WriteValue(w, v);
    w.EndArray();
  }
  w.EndArray().Key("truncated").Bool(result->truncated).EndObject();
  return JsonResponse(200, w.Take());
}

}  // namespace footfall::serving
