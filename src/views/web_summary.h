// The web model's summary tables — users, traffic per day and hour, acquisition, journeys and
// funnels — as keyed partial aggregates, so that one definition serves the in-memory
// SummarizeWeb (web_model.h) and the batch on the dataflow engine (pipeline/batch_views.cc).
//
// Each session's facts contribute partials under keys (the *Of functions). The partials of a
// key merge in any order into the same value: counts are integers, engaged times are whole
// multiples of the configured seconds (exact in a double), and the first and latest sessions
// are chosen by (start, session id), not by arrival. The Finish* functions turn the merged
// partials of every key into the table's rows, in the table's order (docs/views.md).
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/time.h"
#include "views/web_model.h"

namespace footfall::views {

// What the summaries read of one session.
struct SessionFacts {
  std::string session_id;
  Micros start = 0, end = 0;
  std::string user;     // UserKey: domain_userid, else network_userid
  std::string user_id;  // as logged in during the session, or ""
  bool engaged = false, converted = false;
  int64_t page_views = 0;
  double engaged_time_in_s = 0;
  std::string landing_page, refr_medium, refr_source, mkt_campaign;
  std::vector<std::string> pages;  // journey page names, one per page view, in order
  std::vector<Micros> page_times;  // the page views' start times
  std::vector<FunnelProgress> funnels;
};

SessionFacts FactsOf(const SessionAnalysis& a);

// ---- traffic_daily, traffic_hourly ----

struct TrafficKey {
  bool hourly = false;
  Micros start = 0;  // of the day or hour, UTC
  auto operator<=>(const TrafficKey&) const = default;
};

struct TrafficPartial {
  int64_t sessions = 0, engaged_sessions = 0, bounces = 0, page_views = 0, events = 0;
  double engaged_time_in_s = 0;
  void Merge(const TrafficPartial& o);
};

// The session's day and hour (by its start), and each page view's.
std::vector<std::pair<TrafficKey, TrafficPartial>> TrafficOf(const SessionFacts& s);
// The (bucket, user) pairs whose distinct count is a bucket's users.
std::vector<std::pair<TrafficKey, std::string>> TrafficUsersOf(const SessionFacts& s);
// `events` events in the hour starting at `hour`: that hour's and its day's counts.
std::vector<std::pair<TrafficKey, TrafficPartial>> TrafficOfEvents(Micros hour, int64_t events);

// The rows of the daily (hourly false) or hourly table from every bucket's merged partial and
// distinct users (buckets of the other kind are skipped).
std::vector<TrafficRow> FinishTraffic(bool hourly,
                                      const std::map<TrafficKey, TrafficPartial>& buckets,
                                      const std::map<TrafficKey, int64_t>& users);

// ---- acquisition ----

struct AcquisitionKey {
  int64_t day = 0;  // DayNumber of the session's start
  std::string refr_medium, refr_source, mkt_campaign;
  auto operator<=>(const AcquisitionKey&) const = default;
};

struct AcquisitionPartial {
  int64_t sessions = 0, page_views = 0, engaged_sessions = 0, conversions = 0;
  void Merge(const AcquisitionPartial& o);
};

std::pair<AcquisitionKey, AcquisitionPartial> AcquisitionOf(const SessionFacts& s);

std::vector<AcquisitionRow> FinishAcquisition(
    const std::map<AcquisitionKey, AcquisitionPartial>& groups,
    const std::map<AcquisitionKey, int64_t>& users);

// ---- users ----

struct UserPartial {
  // From the earliest session by (start, session id).
  Micros first_start = 0;
  std::string first_session, first_landing_page, first_refr_medium, first_refr_source,
      first_mkt_campaign;
  // From the latest session, by (start, session id), with a user_id; id_session "" for none.
  Micros id_start = 0;
  std::string id_session, user_id;
  Micros last_seen = 0;
  int64_t sessions = 0, page_views = 0;
  double engaged_time_in_s = 0;
  void Merge(const UserPartial& o);
};

// Keyed by the user key.
std::pair<std::string, UserPartial> UserOf(const SessionFacts& s);
UserRow FinishUser(const std::string& user_key, const UserPartial& u);

// ---- journeys ----

// ((from page, to page), seconds between them) for each step of the session's journey.
std::vector<std::pair<std::pair<std::string, std::string>, double>> TransitionsOf(
    const SessionFacts& s);
JourneyTransitionRow FinishTransition(std::pair<std::string, std::string> pages,
                                      std::vector<double> gaps);

struct PathCount {
  int64_t sessions = 0, steps = 0;
  void Merge(const PathCount& o);
};

// The session's first `journey_steps` pages as a path ("landing > next > …"); none without a
// page view.
std::optional<std::pair<std::string, PathCount>> PathOf(const SessionFacts& s,
                                                        const WebModelOptions& options);
// Ranked by sessions (most first), then path.
std::vector<JourneyPathRow> FinishPaths(std::vector<std::pair<std::string, PathCount>> paths);

// ---- funnels ----

struct FunnelStepKey {
  int64_t funnel = 0, step = 0;  // indexes into WebModelOptions::funnels and its steps
  auto operator<=>(const FunnelStepKey&) const = default;
};

struct FunnelDropoffKey {
  int64_t funnel = 0, last_step = 0;  // last_step is 1-based, as in the table
  std::string next_page;              // "(exit)" when the session ended
  auto operator<=>(const FunnelDropoffKey&) const = default;
};

// Each step the session reached, with the seconds since the previous step (0 for the first).
std::vector<std::pair<FunnelStepKey, double>> FunnelStepsOf(const SessionFacts& s);
std::vector<FunnelDropoffKey> FunnelDropoffsOf(const SessionFacts& s,
                                               const WebModelOptions& options);

// `reached`: per step the sessions' seconds from FunnelStepsOf (a step no session reached may
// be missing); `dropoffs`: sessions per drop-off.
void FinishFunnels(const WebModelOptions& options,
                   std::map<FunnelStepKey, std::vector<double>> reached,
                   const std::map<FunnelDropoffKey, int64_t>& dropoffs, WebViews* out);

}  // namespace footfall::views
