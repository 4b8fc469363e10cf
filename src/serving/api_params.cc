// Query parameters, ranges and filters, and the JSON helpers every endpoint shares.
#include <charconv>

#include "base/url.h"
#include "serving/api_internal.h"

namespace footfall::serving {
namespace {

template <class Names>
std::string JoinNames(const Names& names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

Micros FloorTo(Micros t, Micros unit) {
  Micros q = t / unit;
  if (t % unit != 0 && t < 0) --q;
  return q * unit;
}

Micros CeilTo(Micros t, Micros unit) {
  const Micros f = FloorTo(t, unit);
  return f == t ? t : f + unit;
}

}  // namespace

Result<Params> Params::Parse(std::string_view query, const std::vector<std::string_view>& allowed) {
  Params p;
  for (auto& [name, value] : ParseQueryString(query)) {
    bool known = false;
    for (std::string_view a : allowed) known = known || a == name;
    if (!known) {
      return InvalidArgument("unknown parameter '" + name + "'" +
                             (allowed.size() == 0 ? std::string(" (this endpoint takes none)")
                                                  : " (allowed: " + JoinNames(allowed) + ")"));
    }
    if (p.Get(name) != nullptr) return InvalidArgument("parameter '" + name + "' is given twice");
    p.values_.emplace_back(std::move(name), std::move(value));
  }
  return p;
}

const std::string* Params::Get(std::string_view name) const {
  for (const auto& [n, v] : values_) {
    if (n == name) return &v;
  }
  return nullptr;
}

Result<std::string> Params::Enum(std::string_view name,
                                 std::initializer_list<std::string_view> allowed,
                                 std::string_view fallback) const {
  const std::string* v = Get(name);
  if (v == nullptr) return std::string(fallback);
  for (std::string_view a : allowed) {
    if (a == *v) return *v;
  }
  return InvalidArgument(std::string(name) + ": '" + *v + "' is not one of " + JoinNames(allowed));
}

Result<int64_t> Params::Int(std::string_view name, int64_t min, int64_t max,
                            int64_t fallback) const {
  const std::string* v = Get(name);
  if (v == nullptr) return fallback;
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < min || n > max) {
    return InvalidArgument(std::string(name) + ": '" + *v + "' is not an integer from " +
                           std::to_string(min) + " to " + std::to_string(max));
  }
  return n;
}

std::string Filters::Sql() const {
  std::string out;
  const auto add = [&out](std::string_view column, const std::string& value) {
    if (value.empty()) return;
    out += " AND ";
    out += column;
    out += value == "(none)" ? std::string(" IS NULL") : " = " + SqlQuote(value);
  };
  add("app_id", app_id);
  add("geo_country", country);
  add("dvce_type", device);
  add("mkt_campaign", campaign);
  return out;
}

std::string Filters::Key() const {
  std::string out;
  for (const std::string* v : {&app_id, &country, &device, &campaign}) {
    out += std::to_string(v->size());
    out += ':';
    out += *v;
  }
  return out;
}

Filters ParseFilters(const Params& p) {
  Filters f;
  const auto get = [&p](std::string_view name) {
    const std::string* v = p.Get(name);
    return v != nullptr ? *v : std::string();
  };
  f.app_id = get("app_id");
  f.country = get("country");
  f.device = get("device");
  f.campaign = get("campaign");
  return f;
}

Result<TimeRange> ParseRange(const Params& p, const RequestContext& c, Micros align,
                             std::optional<Micros> live_newest) {
  std::optional<Micros> from, to;
  for (const char* name : {"from", "to"}) {
    const std::string* v = p.Get(name);
    if (v == nullptr) continue;
    Result<Micros> t = ParseIso8601(*v);
    if (!t.ok()) {
      return InvalidArgument(std::string(name) + ": '" + *v +
                             "' is not an ISO 8601 date or time (2026-11-26, "
                             "2026-11-26T09:00:00Z, 2026-11-26T10:00+01:00)");
    }
    (std::string_view(name) == "from" ? from : to) = *t;
  }
  if (from && to && *from > *to) {
    return InvalidArgument("from (" + FormatIso8601(*from) + ") is after to (" +
                           FormatIso8601(*to) + ")");
  }
  TimeRange r;
  if (to) {
    r.to = CeilTo(*to, align);
  } else {
    std::optional<Micros> end = c.info->exact_until;
    if (live_newest && (!end || *live_newest > *end)) end = live_newest;
    // The end of the data is included: an event exactly on the hour starts the next one.
    r.to = FloorTo(end.value_or(c.now), kMicrosPerHour) + kMicrosPerHour;
    r.to = CeilTo(r.to, align);
  }
  r.from = from ? FloorTo(*from, align) : FloorTo(r.to - 7 * kMicrosPerDay, align);
  if (r.from > r.to) {
    return InvalidArgument("from (" + FormatIso8601(r.from) + ") is after the default to (" +
                           FormatIso8601(r.to) + ", the end of the data); give to as well");
  }
  return r;
}

std::string SqlQuote(std::string_view text) {
  std::string out = "'";
  for (const char ch : text) {
    if (ch == '\'') out += '\'';
    out += ch;
  }
  out += '\'';
  return out;
}

std::string SqlTime(Micros t) { return "'" + FormatTimestampSql(t) + "'"; }

Result<QueryResult> RunQuery(const RequestContext& c, const std::string& sql) {
  Result<QueryResult> r = c.store->Query(sql);
  if (!r.ok()) return Internal("serving store query failed: " + r.status().message());
  return r;
}

int64_t IntAt(const QueryResult& r, size_t row, size_t column) {
  if (row >= r.rows.size() || column >= r.rows[row].size()) return 0;
  const Value& v = r.rows[row][column];
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  return 0;
}

double RealAt(const QueryResult& r, size_t row, size_t column) {
  if (row >= r.rows.size() || column >= r.rows[row].size()) return 0;
  const Value& v = r.rows[row][column];
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return 0;
}

std::string KeyAt(const QueryResult& r, size_t row, size_t column) {
  const Value& v = r.rows[row][column];
  if (const auto* s = std::get_if<std::string>(&v)) return s->empty() ? "(none)" : *s;
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  return "(none)";
}

void WriteVersion(JsonWriter& w, const RequestContext& c) {
  w.Key("version").Int(c.info->version);
  w.Key("watermark");
  if (c.info->watermark >= 0) {
    w.Int(c.info->watermark);
  } else {
    w.Null();
  }
}

void WriteEnvelope(JsonWriter& w, const RequestContext& c, const TimeRange& range) {
  WriteVersion(w, c);
  w.Key("exact_until");
  if (c.info->exact_until) {
    w.String(FormatIso8601(*c.info->exact_until));
  } else {
    w.Null();
  }
  w.Key("range").BeginObject();
  w.Key("from").String(FormatIso8601(range.from));
  w.Key("to").String(FormatIso8601(range.to));
  w.EndObject();
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

void WriteObjects(JsonWriter& w, const QueryResult& r, std::string_view skip_column) {
  w.BeginArray();
  for (const auto& row : r.rows) {
    w.BeginObject();
    for (size_t i = 0; i < row.size() && i < r.columns.size(); ++i) {
      if (r.columns[i] == skip_column) continue;
      w.Key(r.columns[i]);
      WriteValue(w, row[i]);
    }
    w.EndObject();
  }
  w.EndArray();
}

http::Response JsonResponse(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  r.body.push_back('\n');
  return r;
}

http::Response ErrorResponse(int status, std::string_view message) {
  JsonWriter w;
  w.BeginObject().Key("error").String(message).EndObject();
  return JsonResponse(status, w.Take());
}

http::Response ErrorResponse(const Status& status) {
  int code = 500;
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      code = 400;
      break;
    case StatusCode::kNotFound:
      code = 404;
      break;
    case StatusCode::kFailedPrecondition:
      code = 409;
      break;
    default:
      break;
  }
  return ErrorResponse(code, status.message());
}

http::Response Answer(const Result<std::string>& body) {
  if (!body.ok()) return ErrorResponse(body.status());
  return JsonResponse(200, *body);
}

std::shared_ptr<const void> ApiCache::Get(int64_t version, const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  UseVersion(version);
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void ApiCache::Put(int64_t version, const std::string& key, std::shared_ptr<const void> value) {
  if (capacity_ == 0) return;
  std::lock_guard<std::mutex> l(mu_);
  UseVersion(version);
  auto it = index_.find(key);
  if (it != index_.end()) {
    it->second->second = std::move(value);
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.emplace_front(key, std::move(value));
  index_[key] = lru_.begin();
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

void ApiCache::UseVersion(int64_t version) {
  // Any change empties the cache, also back to an older version (a rollback). A request still
  // on the old version just after a swap may empty it once more; it never sees another
  // version's entry.
  if (version != version_) {
    version_ = version;
    lru_.clear();
    index_.clear();
  }
}

uint64_t ApiCache::hits() const {
  std::lock_guard<std::mutex> l(mu_);
  return hits_;
}

uint64_t ApiCache::misses() const {
  std::lock_guard<std::mutex> l(mu_);
  return misses_;
}

}  // namespace footfall::serving
