#include "views/sessions.h"

#include <xxhash.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "base/random.h"

namespace footfall::views {
namespace {

Micros When(const event::Event& e) {
  return e.derived_tstamp.value_or(e.collector_tstamp.value_or(0));
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

void AddEvent(const event::Event& e, SessionRow* s) {
  const Micros t = When(e);
  if (s->events == 0 || t < s->start_tstamp) s->start_tstamp = t;
  if (s->events == 0 || t > s->end_tstamp) s->end_tstamp = t;
  ++s->events;
  if (s->domain_userid.empty()) s->domain_userid = e.domain_userid;
  if (s->network_userid.empty()) s->network_userid = e.network_userid;
  if (e.event == "page_view") {
    // Events arrive in time order, so the first page view lands and the last one exits.
    if (s->page_views == 0) s->landing_page = e.page_url;
    s->exit_page = e.page_url;
    ++s->page_views;
  }
}

}  // namespace

const std::string& UserKey(const event::Event& e) {
  return e.domain_userid.empty() ? e.network_userid : e.domain_userid;
}

size_t Deduplicate(std::vector<event::Event>* events) {
  // Events are large: sort indices, then move each kept event once.
  std::vector<uint32_t> order(events->size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto& ev = *events;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (ev[a].event_id != ev[b].event_id) return ev[a].event_id < ev[b].event_id;
    if (ev[a].collector_tstamp != ev[b].collector_tstamp) {
      return ev[a].collector_tstamp < ev[b].collector_tstamp;
    }
    return a < b;
  });
  const auto last = std::unique(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return ev[a].event_id == ev[b].event_id;
  });
  const size_t removed = static_cast<size_t>(order.end() - last);
  order.erase(last, order.end());
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Micros ta = When(ev[a]), tb = When(ev[b]);
    if (ta != tb) return ta < tb;
    return ev[a].event_id < ev[b].event_id;
  });
  std::vector<event::Event> kept;
  kept.reserve(order.size());
  for (uint32_t i : order) kept.push_back(std::move((*events)[i]));
  *events = std::move(kept);
  return removed;
}

std::vector<SessionRow> BuildSessions(const std::vector<event::Event>& events,
                                      const SessionOptions& options) {
  std::unordered_map<std::string, SessionRow> tracker_sessions;
  // Open inactivity session per (app_id, user): events are in time order, so a gap over the
  // timeout closes the open session and starts the next.
  std::map<std::pair<std::string, std::string>, SessionRow> open;
  std::vector<SessionRow> out;
  for (const event::Event& e : events) {
    if (!e.domain_sessionid.empty()) {
      SessionRow& s = tracker_sessions[e.domain_sessionid];
      if (s.events == 0) {
        s.domain_sessionid = e.domain_sessionid;
        s.app_id = e.app_id;
      }
      AddEvent(e, &s);
      continue;
    }
    auto key = std::make_pair(e.app_id, UserKey(e));
    auto it = open.find(key);
    if (it != open.end() && When(e) - it->second.end_tstamp > options.inactivity_timeout) {
      out.push_back(std::move(it->second));
      open.erase(it);
      it = open.end();
    }
    if (it == open.end()) {
      SessionRow s;
      s.from_tracker = false;
      s.app_id = e.app_id;
      s.domain_sessionid = DerivedSessionId(e.app_id, key.second, When(e));
      it = open.emplace(std::move(key), std::move(s)).first;
    }
    AddEvent(e, &it->second);
  }
  for (auto& [key, s] : open) out.push_back(std::move(s));
  for (auto& [id, s] : tracker_sessions) out.push_back(std::move(s));
  std::sort(out.begin(), out.end(), [](const SessionRow& a, const SessionRow& b) {
    if (a.start_tstamp != b.start_tstamp) return a.start_tstamp < b.start_tstamp;
    return a.domain_sessionid < b.domain_sessionid;
  });
  return out;
}

std::vector<DailyTrafficRow> BuildDailyTraffic(const std::vector<event::Event>& events,
                                               const std::vector<SessionRow>& sessions) {
  std::map<int64_t, DailyTrafficRow> days;
  std::map<int64_t, std::set<std::string_view>> users;
  for (const event::Event& e : events) {
    const int64_t day = DayNumber(When(e));
    DailyTrafficRow& row = days[day];
    ++row.events;
    if (e.event == "page_view") ++row.page_views;
    if (!UserKey(e).empty()) users[day].insert(UserKey(e));
  }
  for (const SessionRow& s : sessions) ++days[DayNumber(s.start_tstamp)].sessions;
  std::vector<DailyTrafficRow> out;
  out.reserve(days.size());
  for (auto& [day, row] : days) {
    row.date = FormatDate(day * kMicrosPerDay);
    row.users = static_cast<int64_t>(users[day].size());
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace footfall::views
