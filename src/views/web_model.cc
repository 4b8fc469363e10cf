#include "views/web_model.h"

#include <simdjson.h>
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "base/random.h"
#include "views/flow.h"

namespace footfall::views {
namespace {

constexpr std::string_view kWebPagePrefix = "iglu:com.snowplowanalytics.snowplow/web_page/";

Micros When(const event::Event& e) {
  return e.derived_tstamp.value_or(e.collector_tstamp.value_or(0));
}

// The id of the event's web_page context, or "".
std::string WebPageId(const event::Event& e) {
  if (e.contexts.empty()) return {};
  thread_local simdjson::dom::parser parser;
  simdjson::dom::array contexts;
  if (parser.parse(e.contexts).get(contexts)) return {};
  for (simdjson::dom::element c : contexts) {
    std::string_view schema, id;
    if (!c["schema"].get(schema) && schema.starts_with(kWebPagePrefix) &&
        !c["data"]["id"].get(id)) {
      return std::string(id);
    }
  }
  return {};
}

std::string DerivedSessionId(const std::string& app_id, const std::string& user, Micros start) {
  std::string key = app_id;
  key += '\0';
  key += user;
  key += '\0';
  key += std::to_string(start);
  Rng rng(XXH3_64bits(key.data(), key.size()));
  return NewUuid(rng);
}

bool IsIdSegment(std::string_view seg) {
  if (seg.empty()) return false;
  if (std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return true;
  }
  return seg.size() == 36 && IsUuid(std::string(seg));
}

// The hour an instant falls in: "2026-11-26T09:00:00Z".
std::string Hour(Micros t) { return FormatIso8601(t).substr(0, 13) + ":00:00Z"; }

}  // namespace

Status ValidateWebModelOptions(const WebModelOptions& o) {
  if (o.session_timeout <= 0 || o.heartbeat <= 0 || o.min_visit_length < 0) {
    return InvalidArgument("session timeout and heartbeat must be positive");
  }
  if (o.journey_steps < 2) return InvalidArgument("journeys: steps must be at least 2");
  for (size_t i = 0; i < o.conversions.size(); ++i) {
    const std::string what = "conversion '" + o.conversions[i].name + "'";
    if (o.conversions[i].name.empty()) return InvalidArgument("a conversion needs a name");
    FOOTFALL_RETURN_IF_ERROR(ValidateEventMatch(o.conversions[i], what));
  }
  std::set<std::string> names;
  for (const FunnelSpec& f : o.funnels) {
    if (f.name.empty()) return InvalidArgument("a funnel needs a name");
    if (!names.insert(f.name).second) return InvalidArgument("funnel '" + f.name + "' twice");
    if (f.steps.size() < 2) {
      return InvalidArgument("funnel '" + f.name + "' needs at least two steps");
    }
    for (size_t s = 0; s < f.steps.size(); ++s) {
      FOOTFALL_RETURN_IF_ERROR(
          ValidateEventMatch(f.steps[s], "funnel '" + f.name + "' step " + std::to_string(s + 1)));
    }
    if (f.time_limit < 0) return InvalidArgument("funnel '" + f.name + "': negative time limit");
  }
  return Status::Ok();
}

std::string JourneyPageName(const event::Event& pv, bool keep_query) {
  std::string out;
  std::string_view path = pv.page_urlpath.empty() ? std::string_view("/") : pv.page_urlpath;
  size_t begin = 0;
  while (begin <= path.size()) {
    const size_t end = std::min(path.find('/', begin), path.size());
    const std::string_view seg = path.substr(begin, end - begin);
    out.append(IsIdSegment(seg) ? std::string_view(":id") : seg);
    if (end == path.size()) break;
    out.push_back('/');
    begin = end + 1;
  }
  if (keep_query && !pv.page_urlquery.empty()) out += "?" + pv.page_urlquery;
  return out;
}

const std::string& UserKey(const event::Event& e) {
  return e.domain_userid.empty() ? e.network_userid : e.domain_userid;
}

std::string SessionGroupKey(const event::Event& e) {
  if (!e.domain_sessionid.empty()) return "s" + e.domain_sessionid;
  const std::string& user = UserKey(e);
  // Without a session id or a user (server-side events of a back office), there is no
  // visitor to sessionize.
  if (user.empty()) return {};
  std::string key = "u" + e.app_id;
  key += '\0';
  key += user;
  return key;
}

bool EventTimeLess(const event::Event& a, const event::Event& b) {
  const Micros ta = When(a), tb = When(b);
  return ta != tb ? ta < tb : a.event_id < b.event_id;
}

std::vector<SessionAnalysis> AnalyzeSessionGroup(const std::string& group_key,
                                                 std::span<const event::Event* const> events,
                                                 const WebModelOptions& options) {
  std::vector<SessionAnalysis> out;
  if (events.empty()) return out;
  if (group_key.starts_with("s")) {
    out.push_back(AnalyzeSession(group_key.substr(1), true, events, options));
    return out;
  }
  size_t begin = 0;
  for (size_t i = 1; i <= events.size(); ++i) {
    if (i == events.size() || When(*events[i]) - When(*events[i - 1]) > options.session_timeout) {
      const event::Event& first = *events[begin];
      out.push_back(AnalyzeSession(DerivedSessionId(first.app_id, UserKey(first), When(first)),
                                   false, events.subspan(begin, i - begin), options));
      begin = i;
    }
  }
  return out;
}

SessionAnalysis AnalyzeSession(const std::string& session_key, bool from_tracker,
                               std::span<const event::Event* const> events,
                               const WebModelOptions& options) {
  SessionAnalysis out;
  WebSessionRow& s = out.session;
  s.domain_sessionid = session_key;
  s.from_tracker = from_tracker;
  if (events.empty()) return out;

  struct PingState {
    std::set<int64_t> buckets;
    std::optional<int64_t> max_y, max_x, view_h, view_w, doc_h, doc_w;
  };
  std::vector<PingState> pings;
  std::unordered_map<std::string, size_t> by_id;  // page_view_id -> index
  std::vector<EventMatcher> conversions;
  for (const EventMatch& m : options.conversions) conversions.emplace_back(m);
  std::vector<bool> converted(conversions.size());
  std::vector<std::vector<EventMatcher>> funnels;
  for (const FunnelSpec& f : options.funnels) {
    funnels.emplace_back();
    for (const EventMatch& m : f.steps) funnels.back().emplace_back(m);
  }
  out.funnels.resize(funnels.size());
  std::vector<bool> funnel_broken(funnels.size());
  std::vector<size_t> funnel_last_event(funnels.size());

  const event::Event& first = *events.front();
  s.app_id = first.app_id;
  s.dvce_type = first.dvce_type;
  s.br_family = first.br_family;
  s.os_family = first.os_family;
  s.geo_country = first.geo_country;
  s.start_tstamp = When(first);
  s.end_tstamp = s.start_tstamp;

  for (size_t i = 0; i < events.size(); ++i) {
    const event::Event& e = *events[i];
    const Micros t = When(e);
    s.end_tstamp = std::max(s.end_tstamp, t);
    ++s.events;
    if (s.domain_userid.empty()) s.domain_userid = e.domain_userid;
    if (s.network_userid.empty()) s.network_userid = e.network_userid;
    if (!e.user_id.empty()) s.user_id = e.user_id;
    if (e.event == "struct") ++s.struct_events;
    if (e.event == "unstruct") ++s.unstruct_events;
    if (e.event == "transaction") ++s.transactions;

    if (e.event == "page_view") {
      PageViewRow pv;
      pv.page_view_id = WebPageId(e);
      if (pv.page_view_id.empty()) pv.page_view_id = e.event_id;
      pv.domain_sessionid = session_key;
      pv.page_view_in_session_index = static_cast<int64_t>(out.page_views.size() + 1);
      pv.app_id = e.app_id;
      pv.domain_userid = e.domain_userid;
      pv.network_userid = e.network_userid;
      pv.page_url = e.page_url;
      pv.page_urlhost = e.page_urlhost;
      pv.page_urlpath = e.page_urlpath;
      pv.page_title = e.page_title;
      pv.start_tstamp = pv.end_tstamp = t;
      pv.refr_medium = e.refr_medium;
      pv.refr_source = e.refr_source;
      pv.mkt_medium = e.mkt_medium;
      pv.mkt_source = e.mkt_source;
      pv.mkt_campaign = e.mkt_campaign;
      pv.dvce_type = e.dvce_type;
      pv.br_family = e.br_family;
      pv.os_family = e.os_family;
      pv.geo_country = e.geo_country;
      if (s.page_views == 0) {
        s.landing_page = e.page_urlpath;
        s.refr_medium = e.refr_medium;
        s.refr_source = e.refr_source;
        s.refr_term = e.refr_term;
        s.mkt_medium = e.mkt_medium;
        s.mkt_source = e.mkt_source;
        s.mkt_campaign = e.mkt_campaign;
      }
      s.exit_page = e.page_urlpath;
      ++s.page_views;
      // A repeated id (a page view sent twice with new event ids) keeps the first.
      by_id.try_emplace(pv.page_view_id, out.page_views.size());
      PingState ps;
      ps.view_h = e.br_viewheight;
      ps.view_w = e.br_viewwidth;
      ps.doc_h = e.doc_height;
      ps.doc_w = e.doc_width;
      pings.push_back(ps);
      out.pages.push_back(JourneyPageName(e, options.journey_keep_query));
      out.page_times.push_back(t);
      out.page_views.push_back(std::move(pv));
    } else if (e.event == "page_ping") {
      ++s.page_pings;
      // Its page view by context id; else the latest one. A ping naming a page view this
      // session does not have strayed from another session and is not counted.
      const std::string id = WebPageId(e);
      size_t index;
      if (!id.empty()) {
        const auto it = by_id.find(id);
        if (it == by_id.end()) continue;
        index = it->second;
      } else if (!out.page_views.empty()) {
        index = out.page_views.size() - 1;
      } else {
        continue;
      }
      PingState& ps = pings[index];
      const Micros created = e.dvce_created_tstamp.value_or(t);
      ps.buckets.insert(created >= 0 ? created / options.heartbeat
                                     : (created - options.heartbeat + 1) / options.heartbeat);
      const auto keep_max = [](std::optional<int64_t>& acc, std::optional<int64_t> v) {
        if (v && (!acc || *v > *acc)) acc = v;
      };
      keep_max(ps.max_y, e.pp_yoffset_max);
      keep_max(ps.max_x, e.pp_xoffset_max);
      if (e.br_viewheight) ps.view_h = e.br_viewheight;
      if (e.br_viewwidth) ps.view_w = e.br_viewwidth;
      if (e.doc_height) ps.doc_h = e.doc_height;
      if (e.doc_width) ps.doc_w = e.doc_width;
      PageViewRow& pv = out.page_views[index];
      pv.end_tstamp = std::max(pv.end_tstamp, t);
    }

    for (size_t c = 0; c < conversions.size(); ++c) {
      if (!converted[c] && conversions[c].Matches(e)) converted[c] = true;
    }
    for (size_t f = 0; f < funnels.size(); ++f) {
      FunnelProgress& fp = out.funnels[f];
      const size_t n = funnels[f].size();
      if (funnel_broken[f] || static_cast<size_t>(fp.reached) == n) continue;
      const Micros limit = options.funnels[f].time_limit;
      if (funnels[f][fp.reached].Matches(e) &&
          (fp.reached == 0 || limit == 0 || t - fp.times[0] <= limit)) {
        fp.times.push_back(t);
        ++fp.reached;
        funnel_last_event[f] = i;
      } else if (options.funnels[f].consecutive && fp.reached > 0 && e.event == "page_view") {
        funnel_broken[f] = true;
      }
    }
  }

  const double heartbeat_s = static_cast<double>(options.heartbeat) / kMicrosPerSecond;
  for (size_t i = 0; i < out.page_views.size(); ++i) {
    PageViewRow& pv = out.page_views[i];
    const PingState& ps = pings[i];
    if (!ps.buckets.empty()) {
      pv.engaged_time_in_s = heartbeat_s * static_cast<double>(ps.buckets.size() - 1) +
                             static_cast<double>(options.min_visit_length) / kMicrosPerSecond;
    }
    pv.absolute_time_in_s = static_cast<double>(pv.end_tstamp - pv.start_tstamp) / kMicrosPerSecond;
    const auto percent = [](std::optional<int64_t> offset, std::optional<int64_t> view,
                            std::optional<int64_t> doc) -> std::optional<double> {
      if (!view || !doc || *doc <= 0) return std::nullopt;
      const double seen = static_cast<double>(offset.value_or(0) + *view);
      return std::min(100.0, std::floor(100.0 * seen / static_cast<double>(*doc)));
    };
    pv.vertical_percentage_scrolled = percent(ps.max_y, ps.view_h, ps.doc_h);
    pv.horizontal_percentage_scrolled = percent(ps.max_x, ps.view_w, ps.doc_w);
    s.engaged_time_in_s += pv.engaged_time_in_s;
  }
  s.is_engaged = s.page_views >= 2 || s.engaged_time_in_s >= 2 * heartbeat_s;
  for (size_t c = 0; c < conversions.size(); ++c) {
    if (!converted[c]) continue;
    s.converted = true;
    if (!s.conversions.empty()) s.conversions += ",";
    s.conversions += options.conversions[c].name;
  }
  for (size_t f = 0; f < funnels.size(); ++f) {
    FunnelProgress& fp = out.funnels[f];
    if (fp.reached == 0 || static_cast<size_t>(fp.reached) == funnels[f].size()) continue;
    for (size_t i = funnel_last_event[f] + 1; i < events.size(); ++i) {
      if (events[i]->event == "page_view") {
        fp.next_page = JourneyPageName(*events[i], options.journey_keep_query);
        break;
      }
    }
  }
  return out;
}

WebViews SummarizeWeb(std::vector<SessionAnalysis> sessions,
                      std::span<const std::pair<Micros, int64_t>> events_per_hour,
                      const WebModelOptions& options) {
  WebViews v;
  std::sort(sessions.begin(), sessions.end(),
            [](const SessionAnalysis& a, const SessionAnalysis& b) {
              if (a.session.start_tstamp != b.session.start_tstamp) {
                return a.session.start_tstamp < b.session.start_tstamp;
              }
              return a.session.domain_sessionid < b.session.domain_sessionid;
            });

  // Users and pages are numbered once (interned), so that the distinct-user sets and the
  // transitions hold integers; days and hours are keyed by their start. Rows come out in the
  // order of their text keys, as sorted at the end.
  std::unordered_map<std::string, uint32_t> user_numbers;
  std::vector<UserRow> user_rows;
  std::unordered_map<std::string, uint32_t> page_numbers;
  std::vector<const std::string*> page_names;
  const auto page_number = [&](const std::string& page) {
    auto [it, fresh] = page_numbers.try_emplace(page, static_cast<uint32_t>(page_names.size()));
    if (fresh) page_names.push_back(&it->first);
    return it->second;
  };
  struct Bucket {
    TrafficRow row;
    std::vector<uint32_t> users;  // sorted and made unique at the end
    double engaged = 0;
    int64_t bounces = 0;
  };
  std::map<int64_t, Bucket> days, hours;  // by day number, by hour start
  struct AcqAcc {
    AcquisitionRow row;
    std::vector<uint32_t> users;
  };
  std::map<std::tuple<int64_t, std::string, std::string, std::string>, AcqAcc> acq;
  const auto pair_key = [](uint32_t a, uint32_t b) { return uint64_t{a} << 32 | b; };
  std::unordered_map<uint64_t, std::vector<double>> transitions;
  struct PathCount {
    int64_t sessions = 0, steps = 0;
  };
  std::unordered_map<std::string, PathCount> paths;
  // Per funnel: sessions reaching each step, times from the previous step, drop-offs.
  std::vector<std::vector<int64_t>> reached(options.funnels.size());
  std::vector<std::vector<std::vector<double>>> step_times(options.funnels.size());
  std::vector<std::map<std::pair<int64_t, std::string>, int64_t>> dropoffs(options.funnels.size());
  for (size_t f = 0; f < options.funnels.size(); ++f) {
    reached[f].assign(options.funnels[f].steps.size(), 0);
    step_times[f].resize(options.funnels[f].steps.size());
  }

  for (const auto& [hour, n] : events_per_hour) {
    days[DayNumber(hour)].row.events += n;
    hours[HourStart(hour)].row.events += n;
  }

  std::string path;
  for (SessionAnalysis& a : sessions) {
    const WebSessionRow& s = a.session;
    const std::string& user = s.domain_userid.empty() ? s.network_userid : s.domain_userid;
    auto [number, fresh] = user_numbers.try_emplace(user, static_cast<uint32_t>(user_rows.size()));
    const uint32_t user_number = number->second;
    if (fresh) {
      UserRow& u = user_rows.emplace_back();
      u.user_key = user;
      u.first_seen = s.start_tstamp;
      u.first_landing_page = s.landing_page;
      u.first_refr_medium = s.refr_medium;
      u.first_refr_source = s.refr_source;
      u.first_mkt_campaign = s.mkt_campaign;
    }
    const int64_t day = DayNumber(s.start_tstamp);
    for (auto* b : {&days[day], &hours[HourStart(s.start_tstamp)]}) {
      ++b->row.sessions;
      if (s.is_engaged) ++b->row.engaged_sessions;
      if (s.page_views <= 1 && !s.is_engaged) ++b->bounces;
      b->engaged += s.engaged_time_in_s;
      b->users.push_back(user_number);
    }
    for (const PageViewRow& pv : a.page_views) {
      ++days[DayNumber(pv.start_tstamp)].row.page_views;
      ++hours[HourStart(pv.start_tstamp)].row.page_views;
    }
    AcqAcc& acc = acq[{day, s.refr_medium, s.refr_source, s.mkt_campaign}];
    ++acc.row.sessions;
    acc.users.push_back(user_number);
    acc.row.page_views += s.page_views;
    if (s.is_engaged) ++acc.row.engaged_sessions;
    if (s.converted) ++acc.row.conversions;

    UserRow& u = user_rows[user_number];
    u.last_seen = std::max(u.last_seen, s.end_tstamp);
    if (!s.user_id.empty()) u.user_id = s.user_id;  // sessions in time order: the latest wins
    ++u.sessions;
    u.page_views += s.page_views;
    u.engaged_time_in_s += s.engaged_time_in_s;

    for (size_t i = 0; i + 1 < a.pages.size(); ++i) {
      transitions[pair_key(page_number(a.pages[i]), page_number(a.pages[i + 1]))].push_back(
          static_cast<double>(a.page_times[i + 1] - a.page_times[i]) / kMicrosPerSecond);
    }
    if (!a.pages.empty()) {
      path.clear();
      const size_t n = std::min<size_t>(a.pages.size(), options.journey_steps);
      for (size_t i = 0; i < n; ++i) {
        if (i > 0) path += " > ";
        path += a.pages[i];
      }
      PathCount& c = paths[path];
      ++c.sessions;
      c.steps = static_cast<int64_t>(n);
    }
    for (size_t f = 0; f < a.funnels.size(); ++f) {
      const FunnelProgress& fp = a.funnels[f];
      for (int k = 0; k < fp.reached; ++k) {
        ++reached[f][k];
        if (k > 0) {
          step_times[f][k].push_back(static_cast<double>(fp.times[k] - fp.times[k - 1]) /
                                     kMicrosPerSecond);
        }
      }
      if (fp.reached > 0 && static_cast<size_t>(fp.reached) < reached[f].size()) {
        ++dropoffs[f][{fp.reached, fp.next_page.empty() ? "(exit)" : fp.next_page}];
      }
    }
    for (PageViewRow& pv : a.page_views) v.page_views.push_back(std::move(pv));
    v.sessions.push_back(std::move(a.session));
  }

  std::sort(v.page_views.begin(), v.page_views.end(),
            [](const PageViewRow& a, const PageViewRow& b) {
              return a.start_tstamp != b.start_tstamp ? a.start_tstamp < b.start_tstamp
                                                      : a.page_view_id < b.page_view_id;
            });
  const auto distinct = [](std::vector<uint32_t>* users) {
    std::sort(users->begin(), users->end());
    return static_cast<int64_t>(std::unique(users->begin(), users->end()) - users->begin());
  };
  const auto finish = [&](std::map<int64_t, Bucket>& buckets, auto format,
                          std::vector<TrafficRow>* out) {
    for (auto& [key, b] : buckets) {
      b.row.bucket = format(key);
      b.row.users = distinct(&b.users);
      if (b.row.sessions > 0) {
        b.row.bounce_rate = static_cast<double>(b.bounces) / static_cast<double>(b.row.sessions);
        b.row.avg_engaged_time_in_s = b.engaged / static_cast<double>(b.row.sessions);
      }
      out->push_back(b.row);
    }
    std::stable_sort(out->begin(), out->end(),
                     [](const TrafficRow& x, const TrafficRow& y) { return x.bucket < y.bucket; });
  };
  finish(
      days, [](int64_t day) { return FormatDate(day * kMicrosPerDay); }, &v.traffic_daily);
  finish(
      hours, [](Micros hour) { return Hour(hour); }, &v.traffic_hourly);
  for (auto& [key, a] : acq) {
    a.row.date = FormatDate(std::get<0>(key) * kMicrosPerDay);
    a.row.refr_medium = std::get<1>(key);
    a.row.refr_source = std::get<2>(key);
    a.row.mkt_campaign = std::get<3>(key);
    a.row.users = distinct(&a.users);
    v.acquisition.push_back(a.row);
  }
  std::stable_sort(v.acquisition.begin(), v.acquisition.end(),
                   [](const AcquisitionRow& x, const AcquisitionRow& y) {
                     return std::tie(x.date, x.refr_medium, x.refr_source, x.mkt_campaign) <
                            std::tie(y.date, y.refr_medium, y.refr_source, y.mkt_campaign);
                   });
  std::sort(user_rows.begin(), user_rows.end(),
            [](const UserRow& x, const UserRow& y) { return x.user_key < y.user_key; });
  v.users = std::move(user_rows);
  for (auto& [key, gaps] : transitions) {
    v.journey_transitions.push_back({*page_names[key >> 32], *page_names[key & 0xffffffffu],
                                     static_cast<int64_t>(gaps.size()), PercentileCont(gaps, 0.5)});
  }
  std::sort(v.journey_transitions.begin(), v.journey_transitions.end(),
            [](const JourneyTransitionRow& x, const JourneyTransitionRow& y) {
              return std::tie(x.from_page, x.to_page) < std::tie(y.from_page, y.to_page);
            });
  for (const auto& [p, c] : paths) v.journey_paths.push_back({0, p, c.steps, c.sessions});
  std::sort(v.journey_paths.begin(), v.journey_paths.end(),
            [](const JourneyPathRow& a, const JourneyPathRow& b) {
              return a.sessions != b.sessions ? a.sessions > b.sessions : a.path < b.path;
            });
  for (size_t i = 0; i < v.journey_paths.size(); ++i)
    v.journey_paths[i].rank = static_cast<int64_t>(i + 1);
  for (size_t f = 0; f < options.funnels.size(); ++f) {
    const FunnelSpec& spec = options.funnels[f];
    for (size_t k = 0; k < spec.steps.size(); ++k) {
      FunnelStepRow r;
      r.funnel = spec.name;
      r.step = static_cast<int64_t>(k + 1);
      r.step_name =
          spec.steps[k].name.empty() ? "step " + std::to_string(k + 1) : spec.steps[k].name;
      r.sessions = reached[f][k];
      const auto ratio = [](int64_t a, int64_t b) {
        return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
      };
      r.conversion_from_previous = k == 0 ? 1.0 : ratio(reached[f][k], reached[f][k - 1]);
      r.conversion_from_start = ratio(reached[f][k], reached[f][0]);
      r.time_from_previous_p50_s = PercentileCont(step_times[f][k], 0.5);
      r.time_from_previous_p90_s = PercentileCont(step_times[f][k], 0.9);
      v.funnel_steps.push_back(std::move(r));
    }
    for (const auto& [key, n] : dropoffs[f]) {
      v.funnel_dropoffs.push_back({spec.name, key.first, key.second, n});
    }
  }
  return v;
}

WebViews BuildWebViews(const std::vector<event::Event>& events, const WebModelOptions& options) {
  std::unordered_map<std::string, std::vector<const event::Event*>> groups;
  std::vector<std::string> order;
  std::map<Micros, int64_t> per_hour;
  for (const event::Event& e : events) {
    ++per_hour[HourStart(When(e))];
    std::string key = SessionGroupKey(e);
    if (key.empty()) continue;
    auto [it, fresh] = groups.try_emplace(key);
    if (fresh) order.push_back(std::move(key));
    it->second.push_back(&e);
  }
  std::vector<SessionAnalysis> analyses;
  for (const std::string& key : order) {
    for (SessionAnalysis& a : AnalyzeSessionGroup(key, groups[key], options)) {
      analyses.push_back(std::move(a));
    }
  }
  const std::vector<std::pair<Micros, int64_t>> hours(per_hour.begin(), per_hour.end());
  return SummarizeWeb(std::move(analyses), hours, options);
}

}  // namespace footfall::views
