// The cheap, sequential half of the synthetic traffic (traffic.h): which visitor comes when,
// what each session does page by page, and the studio's workflow events in between. Turning a
// plan into tracker requests — the costly half — needs nothing but the plan, so sessions can be
// rendered on several threads and still give the same bytes for a seed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/time.h"
#include "pipeline/studio_traffic.h"
#include "rawlog/payload.h"

namespace footfall::pipeline {

struct TrafficOptions {
  uint64_t seed = 1;
  uint64_t events = 1000;       // exactly this many events are generated
  Micros start = 0;             // first session starts here
  Micros span = kMicrosPerDay;  // sessions start over [start, start + span), with seasonality
  std::string app_id = "shop";
  // Distinct visitors; 0: one per four sessions the event count implies (at most a million).
  uint64_t visitors = 0;
  // Stamp dtm/stm and the collector time with the wall clock at generation (live traffic).
  bool realtime = false;
  // Garments entering the studio per day (each reports about 20 events). Unset: 3 for every
  // 1000 events, spread over the span (60 a day with `realtime`). 0: web traffic only.
  std::optional<double> studio_cases_per_day;
  // Share of sessions whose events are sent as tp2 POST instead of GET /i.
  double post_share = 0.2;
};

struct PlannedPage {
  enum class Kind : uint8_t { kLanding, kProduct, kTryOn, kListing, kCart, kCheckout, kOrder };
  // What the visitor does on the page after viewing it, before its pings.
  enum class Follow : uint8_t { kNone, kTryOn, kBodyModelAndTryOn, kAddToCart, kTransaction };
  Kind kind = Kind::kLanding;
  uint8_t item = 0;  // landing page (kLanding, kListing) or product (kProduct, kTryOn, kCart)
  uint8_t pings = 0;
  Follow follow = Follow::kNone;

  uint32_t events() const;
};

struct SessionPlan {
  static constexpr int kMaxPages = 6;
  uint64_t seed = 0;  // for everything left to the rendering: ids, times, values
  Micros start = 0;
  uint32_t visitor = 0;
  uint32_t visit = 0;    // the visitor's session number, from 1 (`vid`)
  uint8_t referrer = 0;  // catalog::Referrers()
  uint8_t campaign = 0;  // catalog::Campaigns(), on the landing page
  uint8_t batch = 0;     // 0: one GET /i per event; n: tp2 POST requests of up to n events
  uint8_t page_count = 0;
  std::array<PlannedPage, kMaxPages> pages{};
  uint32_t events = 0;  // the pages' events, or fewer where the traffic ends mid-session
};

// The next piece of traffic: a web session, or one studio workflow event as its payload.
struct PlanItem {
  bool studio = false;
  SessionPlan session;
  rawlog::CollectorPayload studio_payload;
};

class TrafficPlanner {
 public:
  explicit TrafficPlanner(const TrafficOptions& options);

  // Fills `item` with what comes next; false once `events` events are planned.
  bool Next(PlanItem* item);

  uint64_t planned() const { return planned_; }
  uint64_t visitors() const { return visits_.size(); }

 private:
  void PlanSession(SessionPlan* s);
  // The start of the session planned when `planned_` events are: the inverse of the site's
  // cumulative activity over the span, so sessions come when the site is busy.
  Micros SessionStart(double progress) const;

  TrafficOptions options_;
  Rng rng_;
  uint64_t planned_ = 0;
  std::vector<uint32_t> visits_;    // per visitor: sessions so far, kHasBodyModel bit
  std::vector<double> cumulative_;  // site activity summed hour by hour over the span
  Micros horizon_ = 0;              // the latest session start, for the studio's schedule
  std::optional<StudioWorkflow> studio_;
};

}  // namespace footfall::pipeline
