// The web-analytics endpoints: overview, timeseries, top, acquisition and live. Counts are the
// batch version's rows plus, without filters, the speed layer's state for raw segments past the
// version's watermark: each event is in exactly one of the two, since the batch holds segments up
// to the watermark and the speed layer only those after it.
#include <algorithm>
#include <cmath>
#include <map>

#include "serving/api_internal.h"
#include "serving/live_source.h"

namespace footfall::serving {
namespace {

// Buckets of one answer at most, so that a year by the hour is refused rather than slow.
constexpr int64_t kMaxBuckets = 10'000;

int64_t Scaled(int64_t sampled, double rate) { return std::llround(ScaledCount(sampled, rate)); }

int64_t ScaledUsers(const views::HyperLogLog& users, double rate) {
  if (users.empty()) return 0;
  return std::llround(users.Estimate() / (rate > 0 && rate < 1 ? rate : 1.0));
}

// The speed layer's newest event, for the default range; nullopt without one.
std::optional<Micros> LiveNewest(const RequestContext& c) {
  if (c.live == nullptr) return std::nullopt;
  const LiveSnapshot s = c.live->Snapshot(c.info->watermark, 0, 0);
  if (s.newest_event <= 0) return std::nullopt;
  return s.newest_event;
}

// The live metrics of [from, to) combined into one bucket.
struct LiveTotal {
  LiveSnapshot snapshot;
  views::BucketMetrics total;
};

LiveTotal LiveOver(const RequestContext& c, const TimeRange& r) {
  LiveTotal t;
  t.snapshot = c.live->Snapshot(c.info->watermark, r.from, r.to);
  for (const auto& [minute, m] : t.snapshot.minutes) t.total.Combine(m);
  return t;
}

std::string RangeKey(const TimeRange& r) {
  return std::to_string(r.from) + "-" + std::to_string(r.to);
}

// The bucket start of a key as the SQL tables write it ("2026-11-26", "2026-11-26T09:00:00Z",
// or "2026-11-26 09" from substr of a timestamp).
std::optional<Micros> BucketStart(const std::string& key) {
  std::string text = key;
  if (text.size() == 13) text += ":00";
  Result<Micros> t = ParseIso8601(text);
  if (!t.ok()) return std::nullopt;
  return *t;
}

// The expression that buckets a timestamp column by hour or by day.
std::string BucketSql(std::string_view column, Micros align) {
  return "substr(" + std::string(column) + ", 1, " + (align == kMicrosPerDay ? "10" : "13") + ")";
}

std::string InRange(std::string_view column, const TimeRange& r) {
  return std::string(column) + " >= " + SqlTime(r.from) + " AND " + std::string(column) + " < " +
         SqlTime(r.to);
}

// ---- overview ----

struct Kpis {
  int64_t page_views = 0, sessions = 0, users = 0, events = 0, engaged_sessions = 0;
  int64_t bounces = 0;
  double engaged_time = 0;
};

struct OverviewBatch {
  Kpis current, previous;
};

Result<Kpis> BatchKpis(const RequestContext& c, const TimeRange& r, const Filters& f) {
  Kpis k;
  FOOTFALL_ASSIGN_OR_RETURN(
      QueryResult s,
      RunQuery(c,
               "SELECT count(*), count(DISTINCT coalesce(domain_userid, network_userid)), "
               "coalesce(sum(is_engaged), 0), "
               "coalesce(sum(page_views <= 1 AND NOT is_engaged), 0), "
               "coalesce(sum(engaged_time_in_s), 0.0), coalesce(sum(events), 0) "
               "FROM sessions WHERE " +
                   InRange("start_tstamp", r) + f.Sql()));
  k.sessions = IntAt(s, 0, 0);
  k.users = IntAt(s, 0, 1);
  k.engaged_sessions = IntAt(s, 0, 2);
  k.bounces = IntAt(s, 0, 3);
  k.engaged_time = RealAt(s, 0, 4);
  if (f.any()) {
    // Filtered: the events of the matching sessions, the page views with matching columns.
    k.events = IntAt(s, 0, 5);
    FOOTFALL_ASSIGN_OR_RETURN(QueryResult p, RunQuery(c, "SELECT count(*) FROM page_views WHERE " +
                                                             InRange("start_tstamp", r) + f.Sql()));
    k.page_views = IntAt(p, 0, 0);
  } else {
    // Every event by its own time, also those that belong to no session.
    FOOTFALL_ASSIGN_OR_RETURN(
        QueryResult t, RunQuery(c,
                                "SELECT coalesce(sum(events), 0), coalesce(sum(page_views), 0) "
                                "FROM traffic_hourly WHERE hour >= " +
                                    SqlQuote(FormatIso8601(r.from)) + " AND hour < " +
                                    SqlQuote(FormatIso8601(r.to))));
    k.events = IntAt(t, 0, 0);
    k.page_views = IntAt(t, 0, 1);
  }
  return k;
}

void WriteKpis(JsonWriter& w, const Kpis& batch, const views::BucketMetrics* live, double rate) {
  Kpis k = batch;
  if (live != nullptr) {
    k.page_views += Scaled(live->page_views, rate);
    k.events += Scaled(live->events, rate);
    k.sessions += Scaled(live->sessions_started, rate);
    k.engaged_sessions += Scaled(live->engaged_sessions, rate);
    k.users += ScaledUsers(live->users, rate);
  }
  w.Key("page_views").Int(k.page_views);
  w.Key("sessions").Int(k.sessions);
  w.Key("users").Int(k.users);
  w.Key("events").Int(k.events);
  w.Key("engaged_sessions").Int(k.engaged_sessions);
  // Of the batch sessions only: the speed layer does not know where a session ends.
  w.Key("bounce_rate");
  if (batch.sessions > 0) {
    w.Double(static_cast<double>(batch.bounces) / static_cast<double>(batch.sessions));
  } else {
    w.Null();
  }
  w.Key("avg_engaged_time_s");
  if (batch.sessions > 0) {
    w.Double(batch.engaged_time / static_cast<double>(batch.sessions));
  } else {
    w.Null();
  }
}

void WriteSpeed(JsonWriter& w, const LiveTotal& live) {
  const double rate = live.snapshot.sample_rate;
  const views::BucketMetrics& m = live.total;
  w.Key("speed").BeginObject();
  w.Key("events").Int(Scaled(m.events, rate));
  w.Key("page_views").Int(Scaled(m.page_views, rate));
  w.Key("sessions").Int(Scaled(m.sessions_started, rate));
  w.Key("users").Int(ScaledUsers(m.users, rate));
  w.Key("sample_rate").Double(rate);
  // Whole users are sampled, so the event count varies by the design effect more.
  w.Key("relative_error")
      .Double(ClusteredRelativeError(m.events, rate, live.snapshot.events_design_effect));
  w.Key("users_relative_error");
  {
    const double sampling = CountRelativeError(ScaledUsers(m.users, 1.0), rate);
    const double hll = m.users.empty() ? 0.0 : m.users.RelativeError();
    w.Double(std::sqrt(sampling * sampling + hll * hll));
  }
  w.Key("since_segment").Int(live.snapshot.since_segment);
  w.EndObject();
}

// ---- timeseries ----

using Series = std::map<Micros, int64_t>;

Result<Series> BatchSeries(const RequestContext& c, const std::string& metric, Micros align,
                           const TimeRange& r, const Filters& f) {
  std::string sql;
  if (!f.any()) {
    if (align == kMicrosPerDay) {
      sql = "SELECT date, " + metric +
            " FROM traffic_daily WHERE date >= " + SqlQuote(FormatDate(r.from)) + " AND date < " +
            SqlQuote(FormatDate(r.to));
    } else {
      sql = "SELECT hour, " + metric +
            " FROM traffic_hourly WHERE hour >= " + SqlQuote(FormatIso8601(r.from)) +
            " AND hour < " + SqlQuote(FormatIso8601(r.to));
    }
  } else if (metric == "page_views") {
    sql = "SELECT " + BucketSql("start_tstamp", align) + ", count(*) FROM page_views WHERE " +
          InRange("start_tstamp", r) + f.Sql() + " GROUP BY 1";
  } else {
    const std::string expr = metric == "sessions" ? "count(*)"
                             : metric == "users"
                                 ? "count(DISTINCT coalesce(domain_userid, network_userid))"
                             : metric == "engaged_sessions" ? "coalesce(sum(is_engaged), 0)"
                                                            : "coalesce(sum(events), 0)";
    sql = "SELECT " + BucketSql("start_tstamp", align) + ", " + expr + " FROM sessions WHERE " +
          InRange("start_tstamp", r) + f.Sql() + " GROUP BY 1";
  }
  FOOTFALL_ASSIGN_OR_RETURN(QueryResult q, RunQuery(c, sql));
  Series s;
  for (size_t i = 0; i < q.rows.size(); ++i) {
    const auto* key = std::get_if<std::string>(&q.rows[i][0]);
    if (key == nullptr) continue;
    if (std::optional<Micros> t = BucketStart(*key)) s[*t] += IntAt(q, i, 1);
  }
  return s;
}

int64_t LiveMetric(const views::BucketMetrics& m, const std::string& metric, double rate) {
  if (metric == "page_views") return Scaled(m.page_views, rate);
  if (metric == "sessions") return Scaled(m.sessions_started, rate);
  if (metric == "engaged_sessions") return Scaled(m.engaged_sessions, rate);
  if (metric == "users") return ScaledUsers(m.users, rate);
  return Scaled(m.events, rate);
}

Micros AlignOf(const std::string& granularity) {
  return granularity == "day" ? kMicrosPerDay : kMicrosPerHour;
}

Status CheckBuckets(const TimeRange& r, Micros align, const std::string& granularity) {
  if ((r.to - r.from) / align > kMaxBuckets) {
    return InvalidArgument("the range from " + FormatIso8601(r.from) + " to " +
                           FormatIso8601(r.to) + " has more than " + std::to_string(kMaxBuckets) +
                           " buckets of granularity=" + granularity +
                           "; shorten it or use granularity=day");
  }
  return Status::Ok();
}

// ---- top ----

struct Ranked {
  std::vector<std::pair<std::string, int64_t>> rows;  // every key, value descending
};

std::string TopColumn(const std::string& dimension, bool sessions) {
  if (dimension == "page") return sessions ? "landing_page" : "page_urlpath";
  if (dimension == "referrer") return "refr_source";
  if (dimension == "medium") return "refr_medium";
  if (dimension == "source") return "mkt_source";
  if (dimension == "campaign") return "mkt_campaign";
  if (dimension == "country") return "geo_country";
  if (dimension == "browser") return "br_family";
  if (dimension == "os") return "os_family";
  return "dvce_type";
}

}  // namespace

Result<std::string> OverviewAnswer(const RequestContext& c, const http::Request& req) {
  FOOTFALL_ASSIGN_OR_RETURN(Params p, Params::Parse(req.query, kCommonParams));
  const Filters f = ParseFilters(p);
  FOOTFALL_ASSIGN_OR_RETURN(TimeRange r, ParseRange(p, c, kMicrosPerHour, LiveNewest(c)));
  const TimeRange prev{r.from - (r.to - r.from), r.from};
  FOOTFALL_ASSIGN_OR_RETURN(
      auto batch, Cached<OverviewBatch>(
                      c, "overview|" + RangeKey(r) + "|" + f.Key(), [&]() -> Result<OverviewBatch> {
                        OverviewBatch b;
                        FOOTFALL_ASSIGN_OR_RETURN(b.current, BatchKpis(c, r, f));
                        FOOTFALL_ASSIGN_OR_RETURN(b.previous, BatchKpis(c, prev, f));
                        return b;
                      }));
  const bool use_live = c.live != nullptr && !f.any();
  std::optional<LiveTotal> live, live_prev;
  if (use_live) {
    live = LiveOver(c, r);
    live_prev = LiveOver(c, prev);
  }
  JsonWriter w;
  w.BeginObject();
  WriteKpis(w, batch->current, live ? &live->total : nullptr,
            live ? live->snapshot.sample_rate : 1.0);
  WriteEnvelope(w, c, r);
  w.Key("previous").BeginObject();
  WriteKpis(w, batch->previous, live_prev ? &live_prev->total : nullptr,
            live_prev ? live_prev->snapshot.sample_rate : 1.0);
  w.Key("range").BeginObject();
  w.Key("from").String(FormatIso8601(prev.from)).Key("to").String(FormatIso8601(prev.to));
  w.EndObject().EndObject();
  if (live) {
    WriteSpeed(w, *live);
  } else {
    w.Key("speed").Null();
  }
  if (c.live != nullptr && f.any()) w.Key("live_filtered_out").Bool(true);
  w.EndObject();
  return w.Take();
}

Result<std::string> TimeseriesAnswer(const RequestContext& c, const http::Request& req) {
  FOOTFALL_ASSIGN_OR_RETURN(
      Params p, Params::Parse(req.query, {"from", "to", "app_id", "country", "device", "campaign",
                                          "metric", "granularity"}));
  FOOTFALL_ASSIGN_OR_RETURN(
      std::string metric,
      p.Enum("metric", {"page_views", "sessions", "users", "engaged_sessions", "events"},
             "page_views"));
  FOOTFALL_ASSIGN_OR_RETURN(std::string granularity,
                            p.Enum("granularity", {"hour", "day"}, "hour"));
  const Micros align = AlignOf(granularity);
  const Filters f = ParseFilters(p);
  FOOTFALL_ASSIGN_OR_RETURN(TimeRange r, ParseRange(p, c, align, LiveNewest(c)));
  FOOTFALL_RETURN_IF_ERROR(CheckBuckets(r, align, granularity));
  FOOTFALL_ASSIGN_OR_RETURN(
      auto batch,
      Cached<Series>(c,
                     "timeseries|" + metric + "|" + granularity + "|" + RangeKey(r) + "|" + f.Key(),
                     [&] { return BatchSeries(c, metric, align, r, f); }));
  // Live minutes combined per bucket.
  std::map<Micros, views::BucketMetrics> live;
  double rate = 1.0;
  if (c.live != nullptr && !f.any()) {
    LiveSnapshot s = c.live->Snapshot(c.info->watermark, r.from, r.to);
    rate = s.sample_rate;
    for (const auto& [minute, m] : s.minutes) {
      const Micros bucket = minute - ((minute - r.from) % align + align) % align;
      live[bucket].Combine(m);
    }
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("metric").String(metric).Key("granularity").String(granularity);
  WriteEnvelope(w, c, r);
  if (c.live != nullptr && f.any()) w.Key("live_filtered_out").Bool(true);
  w.Key("points").BeginArray();
  for (Micros t = r.from; t < r.to; t += align) {
    int64_t value = 0;
    if (auto it = batch->find(t); it != batch->end()) value = it->second;
    bool is_live = false;
    if (auto it = live.find(t); it != live.end() && it->second.events > 0) {
      value += LiveMetric(it->second, metric, rate);
      is_live = true;
    }
    w.BeginObject().Key("t").String(FormatIso8601(t)).Key("value").Int(value);
    w.Key("live").Bool(is_live).EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

Result<std::string> TopAnswer(const RequestContext& c, const http::Request& req) {
  FOOTFALL_ASSIGN_OR_RETURN(
      Params p, Params::Parse(req.query, {"from", "to", "app_id", "country", "device", "campaign",
                                          "dimension", "metric", "limit"}));
  FOOTFALL_ASSIGN_OR_RETURN(std::string dimension,
                            p.Enum("dimension",
                                   {"page", "referrer", "medium", "source", "campaign", "country",
                                    "browser", "os", "device"},
                                   "page"));
  FOOTFALL_ASSIGN_OR_RETURN(std::string metric,
                            p.Enum("metric", {"sessions", "page_views"}, "page_views"));
  FOOTFALL_ASSIGN_OR_RETURN(int64_t limit, p.Int("limit", 1, 1000, 10));
  const Filters f = ParseFilters(p);
  FOOTFALL_ASSIGN_OR_RETURN(TimeRange r, ParseRange(p, c, kMicrosPerHour, LiveNewest(c)));
  const bool by_sessions = metric == "sessions";
  FOOTFALL_ASSIGN_OR_RETURN(
      auto batch,
      Cached<Ranked>(c, "top|" + dimension + "|" + metric + "|" + RangeKey(r) + "|" + f.Key(),
                     [&]() -> Result<Ranked> {
                       FOOTFALL_ASSIGN_OR_RETURN(
                           QueryResult q,
                           RunQuery(c, "SELECT " + TopColumn(dimension, by_sessions) +
                                           ", count(*) FROM " +
                                           (by_sessions ? "sessions" : "page_views") + " WHERE " +
                                           InRange("start_tstamp", r) + f.Sql() + " GROUP BY 1"));
                       Ranked out;
                       for (size_t i = 0; i < q.rows.size(); ++i) {
                         out.rows.emplace_back(KeyAt(q, i, 0), IntAt(q, i, 1));
                       }
                       return out;
                     }));
  // The speed layer keeps page views by page and by referrer medium.
  const bool live_dimension = !by_sessions && (dimension == "page" || dimension == "medium");
  const bool use_live = c.live != nullptr && !f.any() && live_dimension;
  std::map<std::string, int64_t> merged(batch->rows.begin(), batch->rows.end());
  if (use_live) {
    LiveTotal live = LiveOver(c, r);
    const auto& counts = dimension == "page" ? live.total.pages : live.total.referrer_mediums;
    for (const auto& [key, n] : counts) {
      merged[key.empty() ? "(none)" : key] += Scaled(n, live.snapshot.sample_rate);
    }
  }
  std::vector<std::pair<std::string, int64_t>> rows(merged.begin(), merged.end());
  int64_t total = 0;
  for (const auto& [key, n] : rows) total += n;
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (rows.size() > static_cast<size_t>(limit)) rows.resize(static_cast<size_t>(limit));
  JsonWriter w;
  w.BeginObject();
  w.Key("dimension").String(dimension).Key("metric").String(metric).Key("total").Int(total);
  WriteEnvelope(w, c, r);
  w.Key("live").Bool(use_live);
  if (c.live != nullptr && f.any()) w.Key("live_filtered_out").Bool(true);
  w.Key("rows").BeginArray();
  for (const auto& [key, n] : rows) {
    w.BeginObject().Key("key").String(key).Key("value").Int(n).Key("share");
    w.Double(total > 0 ? static_cast<double>(n) / static_cast<double>(total) : 0.0);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

Result<std::string> AcquisitionAnswer(const RequestContext& c, const http::Request& req) {
  FOOTFALL_ASSIGN_OR_RETURN(
      Params p, Params::Parse(req.query, {"from", "to", "app_id", "country", "device", "campaign",
                                          "by", "granularity", "limit"}));
  FOOTFALL_ASSIGN_OR_RETURN(std::string by,
                            p.Enum("by", {"medium", "source", "campaign"}, "medium"));
  FOOTFALL_ASSIGN_OR_RETURN(std::string granularity, p.Enum("granularity", {"day", "hour"}, "day"));
  FOOTFALL_ASSIGN_OR_RETURN(int64_t limit, p.Int("limit", 1, 50, 8));
  const Micros align = AlignOf(granularity);
  const Filters f = ParseFilters(p);
  FOOTFALL_ASSIGN_OR_RETURN(TimeRange r, ParseRange(p, c, align, LiveNewest(c)));
  FOOTFALL_RETURN_IF_ERROR(CheckBuckets(r, align, granularity));
  const std::string column = by == "medium"   ? "refr_medium"
                             : by == "source" ? "refr_source"
                                              : "mkt_campaign";
  const std::string key = "acquisition|" + by + "|" + granularity + "|" + std::to_string(limit) +
                          "|" + RangeKey(r) + "|" + f.Key();
  FOOTFALL_ASSIGN_OR_RETURN(
      auto body, Cached<std::string>(c, key, [&]() -> Result<std::string> {
        FOOTFALL_ASSIGN_OR_RETURN(
            QueryResult q,
            RunQuery(c, "SELECT " + BucketSql("start_tstamp", align) + ", " + column +
                            ", count(*) FROM sessions WHERE " + InRange("start_tstamp", r) +
                            f.Sql() + " GROUP BY 1, 2"));
        std::map<std::string, std::map<Micros, int64_t>> series;
        std::map<std::string, int64_t> totals;
        for (size_t i = 0; i < q.rows.size(); ++i) {
          const auto* bucket = std::get_if<std::string>(&q.rows[i][0]);
          if (bucket == nullptr) continue;
          std::optional<Micros> t = BucketStart(*bucket);
          if (!t) continue;
          const std::string k = KeyAt(q, i, 1);
          series[k][*t] += IntAt(q, i, 2);
          totals[k] += IntAt(q, i, 2);
        }
        std::vector<std::pair<std::string, int64_t>> ranked(totals.begin(), totals.end());
        std::stable_sort(ranked.begin(), ranked.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        if (ranked.size() > static_cast<size_t>(limit)) ranked.resize(static_cast<size_t>(limit));
        JsonWriter w;
        w.BeginObject();
        w.Key("by").String(by).Key("granularity").String(granularity);
        WriteEnvelope(w, c, r);
        w.Key("series").BeginArray();
        for (const auto& [k, total] : ranked) {
          const auto& points = series[k];
          w.BeginObject().Key("key").String(k).Key("sessions").Int(total);
          w.Key("points").BeginArray();
          for (Micros t = r.from; t < r.to; t += align) {
            auto it = points.find(t);
            w.BeginObject().Key("t").String(FormatIso8601(t));
            w.Key("sessions").Int(it == points.end() ? 0 : it->second).EndObject();
          }
          w.EndArray().EndObject();
        }
        w.EndArray().EndObject();
        return w.Take();
      }));
  return *body;
}

Result<std::string> LiveAnswer(const RequestContext& c, const http::Request& req) {
  FOOTFALL_ASSIGN_OR_RETURN(Params p, Params::Parse(req.query, {"minutes"}));
  FOOTFALL_ASSIGN_OR_RETURN(int64_t minutes, p.Int("minutes", 1, 1440, 30));
  JsonWriter w;
  w.BeginObject();
  if (c.live == nullptr) {
    w.Key("available").Bool(false).EndObject();
    return w.Take();
  }
  const Micros end =
      c.now - ((c.now % kMicrosPerMinute) + kMicrosPerMinute) % kMicrosPerMinute + kMicrosPerMinute;
  const TimeRange r{end - minutes * kMicrosPerMinute, end};
  const LiveTotal live = LiveOver(c, r);
  const double rate = live.snapshot.sample_rate;
  w.Key("available").Bool(true);
  w.Key("sample_rate").Double(rate);
  w.Key("lag_ms").Int(live.snapshot.lag_ms);
  w.Key("since_segment").Int(live.snapshot.since_segment);
  w.Key("newest_event");
  if (live.snapshot.newest_event > 0) {
    w.String(FormatIso8601(live.snapshot.newest_event));
  } else {
    w.Null();
  }
  WriteEnvelope(w, c, r);
  w.Key("minutes").BeginArray();
  for (Micros t = r.from; t < r.to; t += kMicrosPerMinute) {
    int64_t events = 0, page_views = 0;
    if (auto it = live.snapshot.minutes.find(t); it != live.snapshot.minutes.end()) {
      events = Scaled(it->second.events, rate);
      page_views = Scaled(it->second.page_views, rate);
    }
    w.BeginObject().Key("t").String(FormatIso8601(t));
    w.Key("events").Int(events).Key("page_views").Int(page_views).EndObject();
  }
  w.EndArray();
  w.Key("total").BeginObject();
  w.Key("events").Int(Scaled(live.total.events, rate));
  w.Key("page_views").Int(Scaled(live.total.page_views, rate));
  w.Key("sessions").Int(Scaled(live.total.sessions_started, rate));
  w.Key("users").Int(ScaledUsers(live.total.users, rate));
  w.EndObject();
  w.Key("relative_error")
      .Double(ClusteredRelativeError(live.total.events, rate, live.snapshot.events_design_effect));
  w.EndObject();
  return w.Take();
}

}  // namespace footfall::serving
