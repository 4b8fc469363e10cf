#include "serving/api.h"

#include "base/json_writer.h"
#include "base/time.h"
#include "base/url.h"
#include "serving/format.h"
#include "serving/layout.h"

namespace footfall::serving {
namespace {

http::Response Json(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  r.body.push_back('\n');
  return r;
}

http::Response Error(int status, std::string_view message) {
  JsonWriter w;
  w.BeginObject().Key("error").String(message).EndObject();
  return Json(status, w.Take());
}

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kFailedPrecondition:
      return 409;
    default:
      return 500;
  }
}

void WriteValue(JsonWriter& w, const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) {
    w.Int(*i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    w.Double(*d);
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    w.String(*s);
  } else {
    w.Null();
  }
}

}  // namespace

Api::Api(ApiOptions options) : options_(std::move(options)) {}

Result<std::shared_ptr<ReadOnlyStore>> Api::Current() {
  FOOTFALL_ASSIGN_OR_RETURN(int64_t version, CurrentVersion(options_.serving_dir));
  std::lock_guard<std::mutex> l(mu_);
  if (!store_ || store_->version() != version) {
    FOOTFALL_ASSIGN_OR_RETURN(auto opened, ReadOnlyStore::OpenCurrent(options_.serving_dir));
    store_ = std::move(opened);
  }
  return store_;
}

void Api::Handle(http::Request&& request, const http::Responder& respond) {
  const std::string& path = request.path;
  const std::string& method = request.method;
  if (path == "/api/v1/overview" && (method == "GET" || method == "HEAD")) {
    respond(Overview(request));
  } else if (path == "/api/v1/status" && (method == "GET" || method == "HEAD")) {
    respond(Json(200, options_.status_json ? options_.status_json() : "{}"));
  } else if (path == "/api/v1/sql" && method == "POST") {
    respond(Sql(request));
  } else if (path == "/api/v1/batch" && method == "POST") {
    if (!options_.trigger_batch) {
      respond(
          Error(503, "this process does not run batches; use `footfall run` or `footfall batch`"));
      return;
    }
    options_.trigger_batch();
    respond(Json(202, R"({"triggered":true})"));
  } else if (path == "/" || path == "/api/v1") {
    respond(Json(200,
                 R"({"endpoints":["GET /api/v1/overview?from=ISO&to=ISO","GET /api/v1/status",)"
                 R"("POST /api/v1/sql","POST /api/v1/batch"],"docs":"docs/api.md"})"));
  } else if (path.starts_with("/api/")) {
    respond(Error(404, "no such endpoint: " + method + " " + path));
  } else {
    respond(Error(404, "not found: " + path));
  }
}

http::Response Api::Overview(const http::Request& request) {
  Micros from = 0, to = 253402300799 * kMicrosPerSecond;
  for (const auto& [k, v] : ParseQueryString(request.query)) {
    if (k != "from" && k != "to") return Error(400, "unknown parameter '" + k + "' (from, to)");
    auto t = ParseIso8601(v);
    if (!t.ok()) return Error(400, k + ": " + t.status().message());
    (k == "from" ? from : to) = *t;
  }
  if (from > to) return Error(400, "from is after to");
  auto store = Current();
  if (!store.ok()) return Error(HttpStatusFor(store.status()), store.status().message());
  // Sessions are attributed to their start; users are counted once over the whole range.
  const std::string sql =
      "SELECT coalesce(sum(page_views), 0), count(*), "
      "count(DISTINCT coalesce(domain_userid, network_userid)), coalesce(sum(events), 0), "
      "(SELECT watermark_segment FROM pipeline_versions ORDER BY version DESC LIMIT 1), "
      "(SELECT max(end_tstamp) FROM sessions) "
      "FROM sessions WHERE start_tstamp >= '" +
      FormatTimestampSql(from) + "' AND start_tstamp < '" + FormatTimestampSql(to) + "'";
  auto result = (*store)->Query(sql);
  if (!result.ok()) return Error(500, result.status().message());
  const auto& row = result->rows.at(0);
  JsonWriter w;
  w.BeginObject();
  w.Key("page_views");
  WriteValue(w, row[0]);
  w.Key("sessions");
  WriteValue(w, row[1]);
  w.Key("users");
  WriteValue(w, row[2]);
  w.Key("events");
  WriteValue(w, row[3]);
  w.Key("watermark");
  WriteValue(w, row[4]);
  w.Key("exact_until");
  WriteValue(w, row[5]);
  w.Key("version").Int((*store)->version());
  // The speed layer is not built yet: these numbers are batch only.
  w.Key("speed").Null();
  w.EndObject();
  return Json(200, w.Take());
}

http::Response Api::Sql(const http::Request& request) {
  if (request.body.empty()) return Error(400, "POST the SQL text as the request body");
  auto store = Current();
  if (!store.ok()) return Error(HttpStatusFor(store.status()), store.status().message());
  auto result = (*store)->Query(request.body, options_.max_sql_rows);
  if (!result.ok()) return Error(HttpStatusFor(result.status()), result.status().message());
  JsonWriter w;
  w.BeginObject().Key("version").Int((*store)->version()).Key("columns").BeginArray();
  for (const std::string& c : result->columns) w.String(c);
  w.EndArray().Key("rows").BeginArray();
  for (const auto& row : result->rows) {
    w.BeginArray();
    for (const Value& v : row) WriteValue(w, v);
    w.EndArray();
  }
  w.EndArray().Key("truncated").Bool(result->truncated).EndObject();
  return Json(200, w.Take());
}

}  // namespace footfall::serving
