#include "views/web_summary.h"

#include <algorithm>
#include <tuple>

#include "views/flow.h"

namespace footfall::views {
namespace {

Micros DayStart(Micros t) { return DayNumber(t) * kMicrosPerDay; }

// The hour an instant falls in: "2026-11-26T09:00:00Z".
std::string Hour(Micros t) { return FormatIso8601(t).substr(0, 13) + ":00:00Z"; }

double Ratio(int64_t a, int64_t b) {
  return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
}

}  // namespace

SessionFacts FactsOf(const SessionAnalysis& a) {
  const WebSessionRow& s = a.session;
  SessionFacts f;
  f.session_id = s.domain_sessionid;
  f.start = s.start_tstamp;
  f.end = s.end_tstamp;
  f.user = s.domain_userid.empty() ? s.network_userid : s.domain_userid;
  f.user_id = s.user_id;
  f.engaged = s.is_engaged;
  f.converted = s.converted;
  f.page_views = s.page_views;
  f.engaged_time_in_s = s.engaged_time_in_s;
  f.landing_page = s.landing_page;
  f.refr_medium = s.refr_medium;
  f.refr_source = s.refr_source;
  f.mkt_campaign = s.mkt_campaign;
  f.pages = a.pages;
  f.page_times = a.page_times;
  f.funnels = a.funnels;
  return f;
}

// ---- traffic ----

void TrafficPartial::Merge(const TrafficPartial& o) {
  sessions += o.sessions;
  engaged_sessions += o.engaged_sessions;
  bounces += o.bounces;
  page_views += o.page_views;
  events += o.events;
  engaged_time_in_s += o.engaged_time_in_s;
}

std::vector<std::pair<TrafficKey, TrafficPartial>> TrafficOf(const SessionFacts& s) {
  TrafficPartial p;
  p.sessions = 1;
  p.engaged_sessions = s.engaged ? 1 : 0;
  p.bounces = s.page_views <= 1 && !s.engaged ? 1 : 0;
  p.engaged_time_in_s = s.engaged_time_in_s;
  std::vector<std::pair<TrafficKey, TrafficPartial>> out = {{{false, DayStart(s.start)}, p},
                                                            {{true, HourStart(s.start)}, p}};
  TrafficPartial view;
  view.page_views = 1;
  for (Micros t : s.page_times) {
    out.push_back({{false, DayStart(t)}, view});
    out.push_back({{true, HourStart(t)}, view});
  }
  return out;
}

std::vector<std::pair<TrafficKey, std::string>> TrafficUsersOf(const SessionFacts& s) {
  return {{{false, DayStart(s.start)}, s.user}, {{true, HourStart(s.start)}, s.user}};
}

std::vector<std::pair<TrafficKey, TrafficPartial>> TrafficOfEvents(Micros hour, int64_t events) {
  TrafficPartial p;
  p.events = events;
  return {{{false, DayStart(hour)}, p}, {{true, HourStart(hour)}, p}};
}

std::vector<TrafficRow> FinishTraffic(bool hourly,
                                      const std::map<TrafficKey, TrafficPartial>& buckets,
                                      const std::map<TrafficKey, int64_t>& users) {
  std::vector<TrafficRow> out;
  for (const auto& [key, p] : buckets) {
    if (key.hourly != hourly) continue;
    TrafficRow r;
    r.bucket = hourly ? Hour(key.start) : FormatDate(key.start);
    r.page_views = p.page_views;
    r.sessions = p.sessions;
    r.engaged_sessions = p.engaged_sessions;
    r.events = p.events;
    if (auto it = users.find(key); it != users.end()) r.users = it->second;
    if (p.sessions > 0) {
      r.bounce_rate = Ratio(p.bounces, p.sessions);
      r.avg_engaged_time_in_s = p.engaged_time_in_s / static_cast<double>(p.sessions);
    }
    out.push_back(std::move(r));
  }
  return out;  // the buckets' starts in order are their texts in order
}

// ---- acquisition ----

void AcquisitionPartial::Merge(const AcquisitionPartial& o) {
  sessions += o.sessions;
  page_views += o.page_views;
  engaged_sessions += o.engaged_sessions;
  conversions += o.conversions;
}

std::pair<AcquisitionKey, AcquisitionPartial> AcquisitionOf(const SessionFacts& s) {
  AcquisitionPartial p;
  p.sessions = 1;
  p.page_views = s.page_views;
  p.engaged_sessions = s.engaged ? 1 : 0;
  p.conversions = s.converted ? 1 : 0;
  return {{DayNumber(s.start), s.refr_medium, s.refr_source, s.mkt_campaign}, p};
}

std::vector<AcquisitionRow> FinishAcquisition(
    const std::map<AcquisitionKey, AcquisitionPartial>& groups,
    const std::map<AcquisitionKey, int64_t>& users) {
  std::vector<AcquisitionRow> out;
  for (const auto& [key, p] : groups) {
    AcquisitionRow r;
    r.date = FormatDate(key.day * kMicrosPerDay);
    r.refr_medium = key.refr_medium;
    r.refr_source = key.refr_source;
    r.mkt_campaign = key.mkt_campaign;
    r.sessions = p.sessions;
    r.page_views = p.page_views;
    r.engaged_sessions = p.engaged_sessions;
    r.conversions = p.conversions;
    if (auto it = users.find(key); it != users.end()) r.users = it->second;
    out.push_back(std::move(r));
  }
  return out;  // day numbers in order are dates in order
}

// ---- users ----

void UserPartial::Merge(const UserPartial& o) {
  if (std::tie(o.first_start, o.first_session) < std::tie(first_start, first_session)) {
    first_start = o.first_start;
    first_session = o.first_session;
    first_landing_page = o.first_landing_page;
    first_refr_medium = o.first_refr_medium;
    first_refr_source = o.first_refr_source;
    first_mkt_campaign = o.first_mkt_campaign;
  }
  if (!o.id_session.empty() &&
      (id_session.empty() || std::tie(o.id_start, o.id_session) > std::tie(id_start, id_session))) {
    id_start = o.id_start;
    id_session = o.id_session;
    user_id = o.user_id;
  }
  last_seen = std::max(last_seen, o.last_seen);
  sessions += o.sessions;
  page_views += o.page_views;
  engaged_time_in_s += o.engaged_time_in_s;
}

std::pair<std::string, UserPartial> UserOf(const SessionFacts& s) {
  UserPartial u;
  u.first_start = s.start;
  u.first_session = s.session_id;
  u.first_landing_page = s.landing_page;
  u.first_refr_medium = s.refr_medium;
  u.first_refr_source = s.refr_source;
  u.first_mkt_campaign = s.mkt_campaign;
  if (!s.user_id.empty()) {
    u.id_start = s.start;
    u.id_session = s.session_id;
    u.user_id = s.user_id;
  }
  u.last_seen = s.end;
  u.sessions = 1;
  u.page_views = s.page_views;
  u.engaged_time_in_s = s.engaged_time_in_s;
  return {s.user, std::move(u)};
}

UserRow FinishUser(const std::string& user_key, const UserPartial& u) {
  UserRow r;
  r.user_key = user_key;
  r.user_id = u.user_id;
  r.first_seen = u.first_start;
  r.last_seen = u.last_seen;
  r.sessions = u.sessions;
  r.page_views = u.page_views;
  r.engaged_time_in_s = u.engaged_time_in_s;
  r.first_landing_page = u.first_landing_page;
  r.first_refr_medium = u.first_refr_medium;
  r.first_refr_source = u.first_refr_source;
  r.first_mkt_campaign = u.first_mkt_campaign;
  return r;
}

// ---- journeys ----

std::vector<std::pair<std::pair<std::string, std::string>, double>> TransitionsOf(
    const SessionFacts& s) {
  std::vector<std::pair<std::pair<std::string, std::string>, double>> out;
  for (size_t i = 0; i + 1 < s.pages.size(); ++i) {
    out.push_back({{s.pages[i], s.pages[i + 1]},
                   static_cast<double>(s.page_times[i + 1] - s.page_times[i]) / kMicrosPerSecond});
  }
  return out;
}

JourneyTransitionRow FinishTransition(std::pair<std::string, std::string> pages,
                                      std::vector<double> gaps) {
  return {std::move(pages.first), std::move(pages.second), static_cast<int64_t>(gaps.size()),
          PercentileCont(gaps, 0.5)};
}

void PathCount::Merge(const PathCount& o) {
  sessions += o.sessions;
  steps = std::max(steps, o.steps);
}

std::optional<std::pair<std::string, PathCount>> PathOf(const SessionFacts& s,
                                                        const WebModelOptions& options) {
  if (s.pages.empty()) return std::nullopt;
  std::string path;
  const size_t n = std::min<size_t>(s.pages.size(), options.journey_steps);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) path += " > ";
    path += s.pages[i];
  }
  return std::pair<std::string, PathCount>(std::move(path), {1, static_cast<int64_t>(n)});
}

std::vector<JourneyPathRow> FinishPaths(std::vector<std::pair<std::string, PathCount>> paths) {
  std::vector<JourneyPathRow> out;
  out.reserve(paths.size());
  for (auto& [p, c] : paths) out.push_back({0, std::move(p), c.steps, c.sessions});
  std::sort(out.begin(), out.end(), [](const JourneyPathRow& a, const JourneyPathRow& b) {
    return a.sessions != b.sessions ? a.sessions > b.sessions : a.path < b.path;
  });
  for (size_t i = 0; i < out.size(); ++i) out[i].rank = static_cast<int64_t>(i + 1);
  return out;
}

// ---- funnels ----

std::vector<std::pair<FunnelStepKey, double>> FunnelStepsOf(const SessionFacts& s) {
  std::vector<std::pair<FunnelStepKey, double>> out;
  for (size_t f = 0; f < s.funnels.size(); ++f) {
    const FunnelProgress& fp = s.funnels[f];
    for (int k = 0; k < fp.reached; ++k) {
      const double gap =
          k == 0 ? 0.0 : static_cast<double>(fp.times[k] - fp.times[k - 1]) / kMicrosPerSecond;
      out.push_back({{static_cast<int64_t>(f), k}, gap});
    }
  }
  return out;
}

std::vector<FunnelDropoffKey> FunnelDropoffsOf(const SessionFacts& s,
                                               const WebModelOptions& options) {
  std::vector<FunnelDropoffKey> out;
  for (size_t f = 0; f < s.funnels.size(); ++f) {
    const FunnelProgress& fp = s.funnels[f];
    if (fp.reached > 0 && static_cast<size_t>(fp.reached) < options.funnels[f].steps.size()) {
      out.push_back(
          {static_cast<int64_t>(f), fp.reached, fp.next_page.empty() ? "(exit)" : fp.next_page});
    }
  }
  return out;
}

void FinishFunnels(const WebModelOptions& options,
                   std::map<FunnelStepKey, std::vector<double>> reached,
                   const std::map<FunnelDropoffKey, int64_t>& dropoffs, WebViews* out) {
  for (size_t f = 0; f < options.funnels.size(); ++f) {
    const FunnelSpec& spec = options.funnels[f];
    std::vector<int64_t> sessions(spec.steps.size(), 0);
    std::vector<std::vector<double>> gaps(spec.steps.size());
    for (size_t k = 0; k < spec.steps.size(); ++k) {
      auto it = reached.find({static_cast<int64_t>(f), static_cast<int64_t>(k)});
      if (it == reached.end()) continue;
      sessions[k] = static_cast<int64_t>(it->second.size());
      if (k > 0) gaps[k] = std::move(it->second);  // the first step has no previous one
    }
    for (size_t k = 0; k < spec.steps.size(); ++k) {
      FunnelStepRow r;
      r.funnel = spec.name;
      r.step = static_cast<int64_t>(k + 1);
      r.step_name =
          spec.steps[k].name.empty() ? "step " + std::to_string(k + 1) : spec.steps[k].name;
      r.sessions = sessions[k];
      r.conversion_from_previous = k == 0 ? 1.0 : Ratio(sessions[k], sessions[k - 1]);
      r.conversion_from_start = Ratio(sessions[k], sessions[0]);
      r.time_from_previous_p50_s = PercentileCont(gaps[k], 0.5);
      r.time_from_previous_p90_s = PercentileCont(gaps[k], 0.9);
      out->funnel_steps.push_back(std::move(r));
    }
  }
  for (const auto& [key, n] : dropoffs) {
    out->funnel_dropoffs.push_back(
        {options.funnels[key.funnel].name, key.last_step, key.next_page, n});
  }
}

}  // namespace footfall::views
