// Funnels, journeys and flows: tables the batch computes over the whole history, so these
// answers take the common parameters (a dashboard sends them everywhere) but say that they
// cover every event of the version ("whole_history": true).
#include <algorithm>
#include <cmath>
#include <map>

#include "serving/api_internal.h"

namespace footfall::serving {
namespace {

constexpr size_t kTopVariants = 20;
constexpr size_t kTopDropoffs = 10;
constexpr int kHistogramBuckets = 20;
constexpr std::string_view kJourneySeparator = " > ";

TimeRange WholeHistory(const RequestContext& c) {
  TimeRange r;
  r.from = c.info->first_event.value_or(0);
  r.to = c.info->exact_until.value_or(r.from);
  return r;
}

void WriteHistoryEnvelope(JsonWriter& w, const RequestContext& c) {
  WriteEnvelope(w, c, WholeHistory(c));
  w.Key("whole_history").Bool(true);
}

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> pages;
  size_t start = 0;
  while (true) {
    const size_t at = path.find(kJourneySeparator, start);
    pages.push_back(path.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + kJourneySeparator.size();
  }
  return pages;
}

// Interpolated between closest ranks, as percentile_cont; `v` sorted.
double Percentile(const std::vector<double>& v, double q) {
  if (v.empty()) return NAN;
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(pos);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

Result<std::string> FlowBody(const RequestContext& c, const std::string& name) {
  const std::string flow = SqlQuote(name);
  FOOTFALL_ASSIGN_OR_RETURN(
      QueryResult cases,
      RunQuery(c, "SELECT cycle_time_s, total_cost FROM flow_cases WHERE flow = " + flow));
  FOOTFALL_ASSIGN_OR_RETURN(
      QueryResult activities,
      RunQuery(c, "SELECT * FROM flow_activities WHERE flow = " + flow + " ORDER BY activity"));
  if (cases.rows.empty() && activities.rows.empty()) {
    return NotFound("no flow named '" + name + "' in version " + std::to_string(c.info->version) +
                    " (GET /api/v1/flows lists them)");
  }
  FOOTFALL_ASSIGN_OR_RETURN(QueryResult transitions,
                            RunQuery(c, "SELECT * FROM flow_transitions WHERE flow = " + flow +
                                            " ORDER BY count DESC, from_activity, to_activity"));
  FOOTFALL_ASSIGN_OR_RETURN(
      QueryResult bottlenecks,
      RunQuery(c, "SELECT * FROM flow_bottlenecks WHERE flow = " + flow + " ORDER BY rank"));
  FOOTFALL_ASSIGN_OR_RETURN(
      QueryResult variants,
      RunQuery(c, "SELECT * FROM flow_variants WHERE flow = " + flow + " ORDER BY rank LIMIT " +
                      std::to_string(kTopVariants)));
  FOOTFALL_ASSIGN_OR_RETURN(QueryResult wip,
                            RunQuery(c, "SELECT * FROM flow_wip_daily WHERE flow = " + flow +
                                            " ORDER BY date, activity"));

  std::vector<double> cycle;
  double total_cost = 0;
  for (size_t i = 0; i < cases.rows.size(); ++i) {
    if (!std::holds_alternative<std::monostate>(cases.rows[i][0])) {
      cycle.push_back(RealAt(cases, i, 0));
    }
    total_cost += RealAt(cases, i, 1);
  }
  std::sort(cycle.begin(), cycle.end());

  JsonWriter w;
  w.BeginObject();
  w.Key("name").String(name);
  WriteHistoryEnvelope(w, c);
  w.Key("cases").Int(static_cast<int64_t>(cases.rows.size()));
  w.Key("activities");
  WriteObjects(w, activities, "flow");
  w.Key("transitions");
  WriteObjects(w, transitions, "flow");
  w.Key("bottlenecks");
  WriteObjects(w, bottlenecks, "flow");
  w.Key("variants");
  WriteObjects(w, variants, "flow");

  w.Key("cycle_time").BeginObject();
  w.Key("p50_s").Double(Percentile(cycle, 0.5));
  w.Key("p90_s").Double(Percentile(cycle, 0.9));
  // Equal-width buckets from 0 to the longest cycle; each counts cycles up to its upper bound.
  w.Key("histogram").BeginArray();
  if (!cycle.empty()) {
    const double max = std::max(cycle.back(), 1e-9);
    size_t next = 0;
    for (int b = 1; b <= kHistogramBuckets; ++b) {
      const double upper = max * b / kHistogramBuckets;
      size_t n = 0;
      while (next < cycle.size() && (cycle[next] <= upper || b == kHistogramBuckets)) {
        ++next;
        ++n;
      }
      w.BeginObject().Key("upper_s").Double(upper);
      w.Key("cases").Int(static_cast<int64_t>(n)).EndObject();
    }
  }
  w.EndArray().EndObject();

  w.Key("cost").BeginObject();
  w.Key("total").Double(total_cost);
  w.Key("per_case");
  if (cases.rows.empty()) {
    w.Null();
  } else {
    w.Double(total_cost / static_cast<double>(cases.rows.size()));
  }
  w.Key("by_activity").BeginArray();
  {
    size_t activity = activities.columns.size(), cost = activities.columns.size();
    for (size_t i = 0; i < activities.columns.size(); ++i) {
      if (activities.columns[i] == "activity") activity = i;
      if (activities.columns[i] == "total_cost") cost = i;
    }
    std::vector<std::pair<std::string, double>> by;
    if (activity < activities.columns.size() && cost < activities.columns.size()) {
      for (size_t i = 0; i < activities.rows.size(); ++i) {
        by.emplace_back(KeyAt(activities, i, activity), RealAt(activities, i, cost));
      }
    }
    std::stable_sort(by.begin(), by.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [a, v] : by) {
      w.BeginObject().Key("activity").String(a).Key("cost").Double(v).EndObject();
    }
  }
  w.EndArray().EndObject();
  w.Key("wip_daily");
  WriteObjects(w, wip, "flow");
  w.EndObject();
  return w.Take();
}

}  // namespace

Result<std::string> FunnelsAnswer(const RequestContext& c, const http::Request& req) {
  FOOTFALL_ASSIGN_OR_RETURN(Params p, Params::Parse(req.query, {"from", "to", "app_id", "country",
                                                                "device", "campaign", "name"}));
  const std::string* name = p.Get("name");
  FOOTFALL_ASSIGN_OR_RETURN(
      auto body,
      Cached<std::string>(c, "funnels|" + (name ? "1" + *name : "0"), [&]() -> Result<std::string> {
        const std::string where = name ? " WHERE funnel = " + SqlQuote(*name) : "";
        FOOTFALL_ASSIGN_OR_RETURN(
            QueryResult steps,
            RunQuery(c,
                     "SELECT funnel, step, step_name, sessions, conversion_from_start, "
                     "conversion_from_previous, time_from_previous_p50_s FROM funnel_steps" +
                         where + " ORDER BY funnel, step"));
        if (name && steps.rows.empty()) {
          return NotFound("no funnel named '" + *name + "' in version " +
                          std::to_string(c.info->version) + " (GET /api/v1/meta lists them)");
        }
        FOOTFALL_ASSIGN_OR_RETURN(
            QueryResult drops,
            RunQuery(c, "SELECT funnel, last_step, next_page, sessions FROM funnel_dropoffs" +
                            where + " ORDER BY funnel, last_step, sessions DESC, next_page"));
        std::map<std::pair<std::string, int64_t>, std::vector<size_t>> drops_of;
        for (size_t i = 0; i < drops.rows.size(); ++i) {
          drops_of[{KeyAt(drops, i, 0), IntAt(drops, i, 1)}].push_back(i);
        }
        JsonWriter w;
        w.BeginObject();
        WriteHistoryEnvelope(w, c);
        w.Key("funnels").BeginArray();
        std::string open;
        for (size_t i = 0; i < steps.rows.size(); ++i) {
          const std::string funnel = KeyAt(steps, i, 0);
          if (i == 0 || funnel != open) {
            if (i > 0) w.EndArray().EndObject();
            w.BeginObject().Key("name").String(funnel).Key("steps").BeginArray();
            open = funnel;
          }
          const int64_t step = IntAt(steps, i, 1);
          w.BeginObject();
          w.Key("index").Int(step);
          w.Key("name");
          WriteValue(w, steps.rows[i][2]);
          w.Key("sessions").Int(IntAt(steps, i, 3));
          w.Key("conversion_from_start");
          WriteValue(w, steps.rows[i][4]);
          w.Key("conversion_from_previous");
          WriteValue(w, steps.rows[i][5]);
          w.Key("median_time_from_previous_s");
          WriteValue(w, steps.rows[i][6]);
          // The largest drop-offs, the rest summed as "(other)" so that a funnel step on a
          // large site stays a short list.
          w.Key("dropoffs").BeginArray();
          const std::vector<size_t>& step_drops = drops_of[{funnel, step}];
          int64_t other = 0;
          for (size_t k = 0; k < step_drops.size(); ++k) {
            const size_t d = step_drops[k];
            if (k >= kTopDropoffs) {
              other += IntAt(drops, d, 3);
              continue;
            }
            w.BeginObject().Key("next").String(KeyAt(drops, d, 2));
            w.Key("sessions").Int(IntAt(drops, d, 3)).EndObject();
          }
          if (other > 0) {
            w.BeginObject().Key("next").String("(other)").Key("sessions").Int(other).EndObject();
          }
          w.EndArray().EndObject();
        }
        if (!steps.rows.empty()) w.EndArray().EndObject();
        w.EndArray().EndObject();
        return w.Take();
      }));
  return *body;
}

Result<std::string> JourneysAnswer(const RequestContext& c, const http::Request& req) {
  FOOTFALL_ASSIGN_OR_RETURN(
      Params p, Params::Parse(req.query, {"from", "to", "app_id", "country", "device", "campaign",
                                          "start", "depth", "limit"}));
  FOOTFALL_ASSIGN_OR_RETURN(int64_t depth, p.Int("depth", 1, 10, 3));
  FOOTFALL_ASSIGN_OR_RETURN(int64_t limit, p.Int("limit", 1, 100, 10));
  const std::string* start = p.Get("start");
  const std::string key = "journeys|" + std::to_string(depth) + "|" + std::to_string(limit) + "|" +
                          (start ? "1" + *start : "0");
  FOOTFALL_ASSIGN_OR_RETURN(
      auto body, Cached<std::string>(c, key, [&]() -> Result<std::string> {
        FOOTFALL_ASSIGN_OR_RETURN(QueryResult q,
                                  RunQuery(c, "SELECT path, sessions FROM journey_paths"));
        std::map<std::string, int64_t> landing;
        std::map<std::vector<std::string>, int64_t> paths;
        for (size_t i = 0; i < q.rows.size(); ++i) {
          std::vector<std::string> pages = SplitPath(KeyAt(q, i, 0));
          const int64_t n = IntAt(q, i, 1);
          landing[pages.front()] += n;
          if (start && pages.front() != *start) continue;
          if (pages.size() > static_cast<size_t>(depth)) pages.resize(static_cast<size_t>(depth));
          paths[pages] += n;
        }
        std::vector<std::pair<std::vector<std::string>, int64_t>> top(paths.begin(), paths.end());
        std::stable_sort(top.begin(), top.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        if (top.size() > static_cast<size_t>(limit)) top.resize(static_cast<size_t>(limit));
        // Nodes are (depth, page), so a page seen at two depths is two nodes and the graph
        // stays acyclic.
        std::map<std::pair<size_t, std::string>, int64_t> nodes;
        std::map<std::pair<std::string, std::string>, int64_t> links;
        const auto id = [](size_t d, const std::string& page) {
          return std::to_string(d) + ":" + page;
        };
        for (const auto& [pages, n] : top) {
          for (size_t i = 0; i < pages.size(); ++i) {
            nodes[{i + 1, pages[i]}] += n;
            if (i > 0) links[{id(i, pages[i - 1]), id(i + 1, pages[i])}] += n;
          }
        }
        std::vector<std::pair<std::string, int64_t>> landing_pages(landing.begin(), landing.end());
        std::stable_sort(landing_pages.begin(), landing_pages.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        constexpr size_t kMaxLandingPages = 100;
        if (landing_pages.size() > kMaxLandingPages) landing_pages.resize(kMaxLandingPages);

        JsonWriter w;
        w.BeginObject();
        w.Key("start");
        if (start) {
          w.String(*start);
        } else {
          w.Null();
        }
        w.Key("depth").Int(depth);
        WriteHistoryEnvelope(w, c);
        w.Key("landing_pages").BeginArray();
        for (const auto& [page, n] : landing_pages) {
          w.BeginObject().Key("page").String(page).Key("sessions").Int(n).EndObject();
        }
        w.EndArray();
        w.Key("nodes").BeginArray();
        for (const auto& [node, n] : nodes) {
          w.BeginObject().Key("id").String(id(node.first, node.second));
          w.Key("name").String(node.second).Key("depth").Int(static_cast<int64_t>(node.first));
          w.Key("sessions").Int(n).EndObject();
        }
        w.EndArray();
        w.Key("links").BeginArray();
        for (const auto& [link, n] : links) {
          w.BeginObject().Key("source").String(link.first).Key("target").String(link.second);
          w.Key("value").Int(n).EndObject();
        }
        w.EndArray().EndObject();
        return w.Take();
      }));
  return *body;
}

Result<std::string> FlowsAnswer(const RequestContext& c, const http::Request& req) {
  FOOTFALL_ASSIGN_OR_RETURN(Params p, Params::Parse(req.query, kCommonParams));
  (void)p;
  FOOTFALL_ASSIGN_OR_RETURN(
      auto body, Cached<std::string>(c, "flows", [&]() -> Result<std::string> {
        FOOTFALL_ASSIGN_OR_RETURN(
            QueryResult q,
            RunQuery(c,
                     "SELECT f.flow, "
                     "(SELECT count(*) FROM flow_cases c WHERE c.flow = f.flow), "
                     "(SELECT count(*) FROM flow_activities a WHERE a.flow = f.flow) "
                     "FROM (SELECT flow FROM flow_activities UNION "
                     "SELECT flow FROM flow_cases) f ORDER BY f.flow"));
        JsonWriter w;
        w.BeginObject();
        WriteHistoryEnvelope(w, c);
        w.Key("flows").BeginArray();
        for (size_t i = 0; i < q.rows.size(); ++i) {
          w.BeginObject().Key("name").String(KeyAt(q, i, 0));
          w.Key("cases").Int(IntAt(q, i, 1)).Key("activities").Int(IntAt(q, i, 2)).EndObject();
        }
        w.EndArray().EndObject();
        return w.Take();
      }));
  return *body;
}

Result<std::string> FlowAnswer(const RequestContext& c, const http::Request& req,
                               const std::string& name) {
  FOOTFALL_ASSIGN_OR_RETURN(Params p, Params::Parse(req.query, kCommonParams));
  (void)p;
  FOOTFALL_ASSIGN_OR_RETURN(
      auto body, Cached<std::string>(c, "flow|" + name, [&] { return FlowBody(c, name); }));
  return *body;
}

}  // namespace footfall::serving
