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
#include "views/web_summary.h"

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
  return SessionGroupKey(e.domain_sessionid, e.app_id, e.domain_userid, e.network_userid);
}

std::string SessionGroupKey(std::string_view domain_sessionid, std::string_view app_id,
                            std::string_view domain_userid, std::string_view network_userid) {
  std::string key;
  if (!domain_sessionid.empty()) {
    key.reserve(1 + domain_sessionid.size());
    key += 's';
    key += domain_sessionid;
    return key;
  }
  const std::string_view user = domain_userid.empty() ? network_userid : domain_userid;
  // Without a session id or a user (server-side events of a back office), there is no
  // visitor to sessionize.
  if (user.empty()) return key;
  key += 'u';
  key += app_id;
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

bool PageViewRowLess(const PageViewRow& a, const PageViewRow& b) {
  return PageViewOrder(a) < PageViewOrder(b);
}

bool SessionRowLess(const WebSessionRow& a, const WebSessionRow& b) {
  return SessionOrder(a) < SessionOrder(b);
}

WebViews SummarizeWeb(std::vector<SessionAnalysis> sessions,
                      std::span<const std::pair<Micros, int64_t>> events_per_hour,
                      const WebModelOptions& options) {
  WebViews v;
  std::sort(sessions.begin(), sessions.end(),
            [](const SessionAnalysis& a, const SessionAnalysis& b) {
              return SessionRowLess(a.session, b.session);
            });
  // The partials of web_summary.h, merged in maps.
  const auto merge = [](auto& map, auto&& key, const auto& partial) {
    auto [it, fresh] = map.try_emplace(std::move(key), partial);
    if (!fresh) it->second.Merge(partial);
  };
  std::map<TrafficKey, TrafficPartial> traffic;
  std::set<std::pair<TrafficKey, std::string>> traffic_users;
  std::map<AcquisitionKey, AcquisitionPartial> acquisition;
  std::set<std::pair<AcquisitionKey, std::string>> acquisition_users;
  std::map<std::string, UserPartial> users;
  std::map<std::pair<std::string, std::string>, std::vector<double>> transitions;
  std::map<std::string, PathCount> paths;
  std::map<FunnelStepKey, std::vector<double>> funnel_steps;
  std::map<FunnelDropoffKey, int64_t> dropoffs;
  for (const auto& [hour, n] : events_per_hour) {
    for (auto& [key, p] : TrafficOfEvents(hour, n)) merge(traffic, key, p);
  }
  for (SessionAnalysis& a : sessions) {
    const SessionFacts s = FactsOf(a);
    for (auto& [key, p] : TrafficOf(s)) merge(traffic, key, p);
    for (auto& ku : TrafficUsersOf(s)) traffic_users.insert(std::move(ku));
    auto [acq_key, acq] = AcquisitionOf(s);
    acquisition_users.emplace(acq_key, s.user);
    merge(acquisition, acq_key, acq);
    auto [user, u] = UserOf(s);
    merge(users, user, u);
    for (auto& [pages, gap] : TransitionsOf(s)) transitions[pages].push_back(gap);
    if (auto path = PathOf(s, options)) merge(paths, path->first, path->second);
    for (auto& [key, gap] : FunnelStepsOf(s)) funnel_steps[key].push_back(gap);
    for (FunnelDropoffKey& key : FunnelDropoffsOf(s, options)) ++dropoffs[std::move(key)];
    for (PageViewRow& pv : a.page_views) v.page_views.push_back(std::move(pv));
    v.sessions.push_back(std::move(a.session));
  }
  std::sort(v.page_views.begin(), v.page_views.end(), PageViewRowLess);
  const auto count = [](const auto& pairs) {
    std::map<std::decay_t<decltype(pairs.begin()->first)>, int64_t> counts;
    for (const auto& [key, user] : pairs) ++counts[key];
    return counts;
  };
  const auto traffic_user_counts = count(traffic_users);
  v.traffic_daily = FinishTraffic(false, traffic, traffic_user_counts);
  v.traffic_hourly = FinishTraffic(true, traffic, traffic_user_counts);
  v.acquisition = FinishAcquisition(acquisition, count(acquisition_users));
  for (const auto& [key, u] : users) v.users.push_back(FinishUser(key, u));
  for (auto& [pages, gaps] : transitions) {
    v.journey_transitions.push_back(FinishTransition(pages, std::move(gaps)));
  }
  v.journey_paths = FinishPaths({paths.begin(), paths.end()});
  FinishFunnels(options, std::move(funnel_steps), dropoffs, &v);
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
