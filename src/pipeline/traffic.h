// Synthetic clickstream for demos, tests and benchmarks: visitors of a fashion retailer's site
// (landing pages, product pages, virtual try-on with a body model, cart, checkout) arriving
// from search, social, email and direct on real browsers and devices from several countries,
// more in the evening and at the weekend; each session a run of page views with page pings, as
// the JavaScript tracker sends them — GET /i, or tp2 POST (one event a request, or batches) for
// some sessions — with the web_page context, try-on and body-model self-describing events,
// add-to-cart structured events and transactions; mixed with the studio's production workflow
// (studio_traffic.h) reported by a server-side tracker.
//
// Planning (traffic_plan.h) is sequential and cheap; rendering a planned session into requests
// (SessionRenderer) is the costly part and needs only the plan, so it can run on any thread.
// Deterministic: the same options give the same payloads, byte for byte (unless `realtime`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/traffic_plan.h"
#include "rawlog/payload.h"

namespace footfall::pipeline {

// Turns planned sessions into the requests a tracker sends. One per thread.
class SessionRenderer {
 public:
  explicit SessionRenderer(const TrafficOptions& options);

  void Start(const SessionPlan& plan);
  // Fills `out` with the session's next request and returns the number of events it carries;
  // 0 once the session is done.
  uint32_t Next(rawlog::CollectorPayload* out);

 private:
  enum class EventKind : uint8_t { kPageView, kPagePing, kBodyModel, kTryOn, kAddToCart, kOrder };
  static std::string_view EventCode(EventKind kind);  // the tracker's `e`

  void StartPage();
  // Appends the next event's parameters, in the session's form, and returns its time.
  Micros AppendEvent(std::string* out);
  // Appends `key=value` (GET) or `,"key":"value"` (POST); `value` is already in the form.
  void Field(std::string* out, std::string_view key, std::string_view value) const;
  // `value` encoded for the session's form: percent-encoded, or JSON-escaped without quotes.
  void Encode(std::string* out, std::string_view value) const;

  const TrafficOptions& options_;
  const SessionPlan* plan_ = nullptr;
  Rng rng_{0};
  bool post_ = false;
  uint32_t events_left_ = 0;
  int page_ = -1;
  std::string_view user_agent_;
  std::string ip_, network_userid_;
  std::string session_fields_;  // the fields every event of the session carries
  std::string_view viewport_width_;
  Micros clock_ = 0;

  // The page being rendered: its events in order, and its fields.
  EventKind events_[8];
  int event_count_ = 0, next_event_ = 0;
  std::string page_url_;
  std::string referrer_fields_;  // `refr`, for the page view
  std::string page_fields_;      // url, page, ds, cx
  std::string scratch_;
};

class TrafficGenerator {
 public:
  explicit TrafficGenerator(TrafficOptions options);

  // Fills `out` with the next request; false once `events` events have been produced.
  bool Next(rawlog::CollectorPayload* out);

  // Events produced so far (a batched POST carries several).
  uint64_t produced() const { return produced_; }

 private:
  TrafficOptions options_;
  TrafficPlanner planner_;
  SessionRenderer renderer_;
  PlanItem item_;
  bool rendering_ = false;
  uint64_t produced_ = 0;
};

}  // namespace footfall::pipeline
