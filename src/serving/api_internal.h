// Pieces shared by the API's endpoint files (api_*.cc); not part of the serving library's
// interface.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/json_writer.h"
#include "base/status.h"
#include "base/time.h"
#include "http/message.h"
#include "serving/api.h"
#include "serving/query.h"

namespace footfall::serving {

constexpr Micros kMicrosPerMinute = 60 * kMicrosPerSecond;

// What every answer of one version says about it, read once when its pool opens.
struct VersionInfo {
  int64_t version = 0;
  // Last raw segment in the version; -1 when the version does not say (every segment is then
  // past it for the speed layer).
  int64_t watermark = -1;
  // Time of the first and the last event in the version; nullopt when it holds none.
  std::optional<Micros> first_event;
  std::optional<Micros> exact_until;
};

// Answers of one version kept per key, least recently used dropped beyond the capacity; a call
// with another version empties it first. Thread-safe.
class ApiCache {
 public:
  explicit ApiCache(size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<const void> Get(int64_t version, const std::string& key);
  void Put(int64_t version, const std::string& key, std::shared_ptr<const void> value);

  uint64_t hits() const;
  uint64_t misses() const;

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const void>>;
  void UseVersion(int64_t version);  // requires mu_

  const size_t capacity_;
  mutable std::mutex mu_;
  int64_t version_ = 0;   // guarded by mu_
  std::list<Entry> lru_;  // guarded by mu_; newest first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;  // guarded by mu_
  uint64_t hits_ = 0, misses_ = 0;                                     // guarded by mu_
};

// Everything a handler needs for one request.
struct RequestContext {
  ReadOnlyStore* store = nullptr;
  const VersionInfo* info = nullptr;
  const LiveSource* live = nullptr;
  ApiCache* cache = nullptr;
  const ApiOptions* options = nullptr;
  Micros now = 0;
};

// The value of `key` in the cache of the context's version, computed by `compute` (returning
// Result<T>) on a miss.
template <class T, class F>
Result<std::shared_ptr<const T>> Cached(const RequestContext& c, const std::string& key,
                                        F&& compute) {
  if (auto hit = c.cache->Get(c.info->version, key)) {
    return std::static_pointer_cast<const T>(hit);
  }
  Result<T> value = compute();
  if (!value.ok()) return value.status();
  auto shared = std::make_shared<const T>(std::move(*value));
  c.cache->Put(c.info->version, key, shared);
  return shared;
}

// Query parameters of one request: each name at most once, every name among the allowed ones.
// Errors are kInvalidArgument naming the parameter and what is allowed.
class Params {
 public:
  static Result<Params> Parse(std::string_view query, const std::vector<std::string_view>& allowed);

  const std::string* Get(std::string_view name) const;
  // The value, which must be one of `allowed`; `fallback` when the parameter is absent.
  Result<std::string> Enum(std::string_view name, std::initializer_list<std::string_view> allowed,
                           std::string_view fallback) const;
  // A decimal integer in [min, max]; `fallback` when absent.
  Result<int64_t> Int(std::string_view name, int64_t min, int64_t max, int64_t fallback) const;

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

// The filters of the analytical endpoints. "(none)" matches NULL.
struct Filters {
  std::string app_id, country, device, campaign;
  bool any() const {
    return !app_id.empty() || !country.empty() || !device.empty() || !campaign.empty();
  }
  // " AND app_id = '..' ..." for a table that has the columns app_id, geo_country, dvce_type,
  // mkt_campaign.
  std::string Sql() const;
  // Canonical text for cache keys.
  std::string Key() const;
};

struct TimeRange {
  Micros from = 0, to = 0;
};

// The parameters every analytical endpoint takes.
inline const std::vector<std::string_view> kCommonParams = {"from",    "to",     "app_id",
                                                            "country", "device", "campaign"};

// from/to and the filters. `align` (an hour or a day) rounds from down and to up; the default
// `to` is the end of the data (the later of the version's last event and `live_newest`) rounded
// up to the next `align`, the default `from` 7 days before `to`.
Result<TimeRange> ParseRange(const Params& p, const RequestContext& c, Micros align,
                             std::optional<Micros> live_newest);
Filters ParseFilters(const Params& p);

// 'text' as an SQL string literal.
std::string SqlQuote(std::string_view text);
// 'YYYY-MM-DD HH:MM:SS.ffffff' of `t`.
std::string SqlTime(Micros t);

// Runs `sql`; a failure is kInternal (it is the API's query, not the user's).
Result<QueryResult> RunQuery(const RequestContext& c, const std::string& sql);
// The single integer (or 0 for NULL) of a one-row, one-column result at row r, column i.
int64_t IntAt(const QueryResult& r, size_t row, size_t column);
double RealAt(const QueryResult& r, size_t row, size_t column);
// Text at (row, column); "(none)" for NULL.
std::string KeyAt(const QueryResult& r, size_t row, size_t column);

// Writes version and watermark (null before the first batch).
void WriteVersion(JsonWriter& w, const RequestContext& c);
// Writes version, watermark, exact_until and range.
void WriteEnvelope(JsonWriter& w, const RequestContext& c, const TimeRange& range);
void WriteValue(JsonWriter& w, const Value& v);
// Rows of `r` as objects keyed by column name, leaving out `skip_column`.
void WriteObjects(JsonWriter& w, const QueryResult& r, std::string_view skip_column = {});

http::Response JsonResponse(int status, std::string body);
http::Response ErrorResponse(int status, std::string_view message);
// 400 for kInvalidArgument, 404 for kNotFound, 409 for kFailedPrecondition, else 500.
http::Response ErrorResponse(const Status& status);
// A handler's body, or the error it failed with.
http::Response Answer(const Result<std::string>& body);

// The endpoints, one function each (api_web.cc, api_flows.cc, api_meta.cc).
Result<std::string> OverviewAnswer(const RequestContext& c, const http::Request& r);
Result<std::string> TimeseriesAnswer(const RequestContext& c, const http::Request& r);
Result<std::string> TopAnswer(const RequestContext& c, const http::Request& r);
Result<std::string> AcquisitionAnswer(const RequestContext& c, const http::Request& r);
Result<std::string> LiveAnswer(const RequestContext& c, const http::Request& r);
Result<std::string> FunnelsAnswer(const RequestContext& c, const http::Request& r);
Result<std::string> JourneysAnswer(const RequestContext& c, const http::Request& r);
Result<std::string> FlowsAnswer(const RequestContext& c, const http::Request& r);
Result<std::string> FlowAnswer(const RequestContext& c, const http::Request& r,
                               const std::string& name);
Result<std::string> BadRowsAnswer(const RequestContext& c, const http::Request& r);
Result<std::string> MetaAnswer(const RequestContext& c, const http::Request& r);
// POST /api/v1/sql: JSON, CSV or a text table by ?format=.
http::Response SqlAnswer(const RequestContext& c, const http::Request& r);

}  // namespace footfall::serving
