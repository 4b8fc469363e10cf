// The web model: page views with engaged time and scroll depth, sessions, users, traffic per hour
// and day, acquisition, funnels and journeys — what Snowplow's web data model computes, with its
// definitions (docs/views.md defines every column).
//
// AnalyzeSession is the per-session function (a group of events of one session, in time order);
// SummarizeWeb folds sessions into the other tables with the keyed partials of web_summary.h
// (which the batch reduces on the dataflow engine instead). BuildWebViews runs them all in
// memory in a fixed order, so the same events always give the same rows.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "base/time.h"
#include "event/event.h"
#include "views/dedup.h"
#include "views/event_match.h"

namespace footfall::views {

struct FunnelSpec {
  std::string name;
  std::vector<EventMatch> steps;  // in order; at least two
  // Steps must follow each other with no other page view between them.
  bool consecutive = false;
  Micros time_limit = 0;  // from the first step; 0: the session's length
};

struct WebModelOptions {
  Micros session_timeout = 30 * 60 * kMicrosPerSecond;  // inactivity sessionization
  Micros heartbeat = 10 * kMicrosPerSecond;             // page ping interval
  Micros min_visit_length = 5 * kMicrosPerSecond;       // before the first ping
  std::vector<EventMatch> conversions;                  // a session converts on any match
  std::vector<FunnelSpec> funnels;
  int journey_steps = 4;            // pages in the paths from landing pages
  bool journey_keep_query = false;  // keep page_urlquery in journey page names
};

// kInvalidArgument naming the funnel or conversion and what is wrong.
Status ValidateWebModelOptions(const WebModelOptions& options);

// The group an event is sessionized in: "s" + domain_sessionid for the tracker's session;
// "u" + app_id + '\0' + user for events without one, sessionized by inactivity within the
// group; "" for an event with neither, which belongs to no session.
std::string SessionGroupKey(const event::Event& e);
// The same from the fields it reads ("" for a field without a value).
std::string SessionGroupKey(std::string_view domain_sessionid, std::string_view app_id,
                            std::string_view domain_userid, std::string_view network_userid);

// The key a user is counted by: domain_userid, else network_userid, else "".
const std::string& UserKey(const event::Event& e);

struct PageViewRow {
  std::string page_view_id;  // the web_page context's id, else the page view's event_id
  std::string domain_sessionid;
  int64_t page_view_in_session_index = 0;  // 1-based
  std::string app_id;
  std::string domain_userid;
  std::string network_userid;
  std::string page_url, page_urlhost, page_urlpath, page_title;
  Micros start_tstamp = 0;
  Micros end_tstamp = 0;  // the last ping, else the page view
  double engaged_time_in_s = 0;
  double absolute_time_in_s = 0;
  std::optional<double> vertical_percentage_scrolled;
  std::optional<double> horizontal_percentage_scrolled;
  std::string refr_medium, refr_source, mkt_medium, mkt_source, mkt_campaign;
  std::string dvce_type, br_family, os_family, geo_country;
};

struct WebSessionRow {
  std::string domain_sessionid;
  bool from_tracker = true;  // false: sessionized by inactivity
  std::string app_id, domain_userid, network_userid, user_id;
  Micros start_tstamp = 0, end_tstamp = 0;
  int64_t page_views = 0, page_pings = 0, events = 0;
  int64_t struct_events = 0, unstruct_events = 0, transactions = 0;
  double engaged_time_in_s = 0;
  bool is_engaged = false;
  std::string landing_page, exit_page;  // page_urlpath of the first and last page views
  std::string refr_medium, refr_source, refr_term;
  std::string mkt_medium, mkt_source, mkt_campaign;
  std::string dvce_type, br_family, os_family, geo_country;  // of the first event
  bool converted = false;
  std::string conversions;  // names of the conversions reached, comma-separated, in config order
};

// One session's funnel progress: steps reached (0..n), their times, where it went after.
struct FunnelProgress {
  int reached = 0;
  std::vector<Micros> times;  // of each step reached
  std::string next_page;      // after the last step reached: the next page view's path, or ""
};

struct SessionAnalysis {
  WebSessionRow session;
  std::vector<PageViewRow> page_views;
  std::vector<std::string> pages;       // journey page names, one per page view, in order
  std::vector<Micros> page_times;       // their start times
  std::vector<FunnelProgress> funnels;  // one per configured funnel
};

// Analyses one session. `events` are the session's events in time order.
SessionAnalysis AnalyzeSession(const std::string& session_key, bool from_tracker,
                               std::span<const event::Event* const> events,
                               const WebModelOptions& options);

// Analyses the events of one session group (SessionGroupKey), in time order: one session for
// a tracker's session id; for a user without one, a session per run of events with no gap over
// the timeout, with an id derived from (app_id, user, first event time).
std::vector<SessionAnalysis> AnalyzeSessionGroup(const std::string& group_key,
                                                 std::span<const event::Event* const> events,
                                                 const WebModelOptions& options);

// The order of events within a session group: (derived_tstamp, event_id).
bool EventTimeLess(const event::Event& a, const event::Event& b);

struct UserRow {
  std::string user_key;  // domain_userid, else network_userid
  std::string user_id;   // the latest user_id seen with this user key
  Micros first_seen = 0, last_seen = 0;
  int64_t sessions = 0, page_views = 0;
  double engaged_time_in_s = 0;
  std::string first_landing_page, first_refr_medium, first_refr_source, first_mkt_campaign;
};

struct TrafficRow {
  std::string bucket;  // YYYY-MM-DD, or YYYY-MM-DDTHH:00:00Z for hours (UTC)
  int64_t page_views = 0, sessions = 0, users = 0, engaged_sessions = 0, events = 0;
  double bounce_rate = 0;            // single-page, not engaged sessions over sessions
  double avg_engaged_time_in_s = 0;  // per session
};

struct AcquisitionRow {
  std::string date;
  std::string refr_medium, refr_source, mkt_campaign;
  int64_t sessions = 0, users = 0, page_views = 0, engaged_sessions = 0, conversions = 0;
};

struct FunnelStepRow {
  std::string funnel;
  int64_t step = 0;  // 1-based
  std::string step_name;
  int64_t sessions = 0;  // reaching this step in order
  double conversion_from_previous = 0, conversion_from_start = 0;
  double time_from_previous_p50_s = 0, time_from_previous_p90_s = 0;  // NaN for step 1
};

struct FunnelDropoffRow {
  std::string funnel;
  int64_t last_step = 0;  // the last step reached
  std::string next_page;  // where the session went next; "(exit)" when it ended
  int64_t sessions = 0;
};

struct JourneyTransitionRow {
  std::string from_page, to_page;
  int64_t count = 0;
  double gap_p50_s = 0;
};

struct JourneyPathRow {
  int64_t rank = 0;
  std::string path;  // landing page > next > … (up to journey_steps pages)
  int64_t steps = 0;
  int64_t sessions = 0;
};

// The order of the page_views rows: by these fields.
inline auto PageViewOrder(const PageViewRow& r) {
  return std::tie(r.start_tstamp, r.page_view_id, r.domain_sessionid);
}
// The order of the sessions rows: by these fields.
inline auto SessionOrder(const WebSessionRow& r) {
  return std::tie(r.start_tstamp, r.domain_sessionid);
}
bool PageViewRowLess(const PageViewRow& a, const PageViewRow& b);
bool SessionRowLess(const WebSessionRow& a, const WebSessionRow& b);

struct WebViews {
  std::vector<PageViewRow> page_views;  // by PageViewRowLess
  std::vector<WebSessionRow> sessions;  // by SessionRowLess
  std::vector<UserRow> users;           // by user_key
  std::vector<TrafficRow> traffic_daily, traffic_hourly;
  std::vector<AcquisitionRow> acquisition;
  std::vector<FunnelStepRow> funnel_steps;
  std::vector<FunnelDropoffRow> funnel_dropoffs;
  std::vector<JourneyTransitionRow> journey_transitions;
  std::vector<JourneyPathRow> journey_paths;
};

// Folds analysed sessions (any order) into every table. `events_per_hour` — (start of an hour,
// UTC; events of that hour by derived_tstamp), any order — counts events per day and hour.
WebViews SummarizeWeb(std::vector<SessionAnalysis> sessions,
                      std::span<const std::pair<Micros, int64_t>> events_per_hour,
                      const WebModelOptions& options);

// Everything in memory: `events` deduplicated and in time order (Deduplicate in dedup.h).
WebViews BuildWebViews(const std::vector<event::Event>& events, const WebModelOptions& options);

// A page path as journeys name it: numeric and UUID segments become ":id".
std::string JourneyPageName(const event::Event& page_view, bool keep_query);

}  // namespace footfall::views
