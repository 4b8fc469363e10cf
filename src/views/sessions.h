// The first batch views: deduplication, sessions and daily traffic, computed in memory from the
// enriched events of a run. Pure functions of (events, options): same input, same rows, in the
// same order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/time.h"
#include "event/event.h"

namespace footfall::views {

struct SessionOptions {
  // Events without a tracker session id are sessionized per (app_id, user) by inactivity.
  Micros inactivity_timeout = 30 * 60 * kMicrosPerSecond;
};

// Keeps one event per event_id — the one with the earliest collector_tstamp — and sorts the
// events by (derived_tstamp, event_id), so the order never depends on the input's order.
// Returns the number of duplicates removed.
size_t Deduplicate(std::vector<event::Event>* events);

struct SessionRow {
  std::string domain_sessionid;  // the tracker's id, or one derived for inactivity sessions
  bool from_tracker = true;      // false: sessionized by inactivity
  std::string app_id;
  std::string domain_userid;
  std::string network_userid;
  Micros start_tstamp = 0;
  Micros end_tstamp = 0;
  int64_t page_views = 0;
  int64_t events = 0;
  std::string landing_page;  // page_url of the first page view
  std::string exit_page;     // page_url of the last page view
};

// One row per session, ordered by (start_tstamp, domain_sessionid). `events` must be
// deduplicated.
std::vector<SessionRow> BuildSessions(const std::vector<event::Event>& events,
                                      const SessionOptions& options);

struct DailyTrafficRow {
  std::string date;  // YYYY-MM-DD (UTC) of derived_tstamp
  int64_t events = 0;
  int64_t page_views = 0;
  int64_t sessions = 0;  // sessions that started that day
  int64_t users = 0;     // distinct users (domain_userid, else network_userid) with an event
};

// One row per day with any event, by date.
std::vector<DailyTrafficRow> BuildDailyTraffic(const std::vector<event::Event>& events,
                                               const std::vector<SessionRow>& sessions);

// The key a user is counted by: domain_userid, else network_userid, else "".
const std::string& UserKey(const event::Event& e);

}  // namespace footfall::views
