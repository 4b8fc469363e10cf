// Synthetic clickstream for demos, tests and benchmarks: visitors of a fashion retailer's site
// (landing pages, product pages, virtual try-on, cart, checkout) arriving from search, social,
// email and direct, each session a run of page views with page pings, as the JavaScript tracker
// sends them — GET /i, or tp2 POST for some sessions — with the web_page context, try-on
// self-describing events, add-to-cart structured events and transactions; mixed with the
// studio's production workflow (studio_traffic.h) reported by a server-side tracker.
//
// Deterministic: the same options give the same payloads, byte for byte (unless `realtime`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/random.h"
#include "base/time.h"
#include "pipeline/studio_traffic.h"
#include "rawlog/payload.h"

namespace footfall::pipeline {

struct TrafficOptions {
  uint64_t seed = 1;
  uint64_t events = 1000;       // exactly this many payloads are generated
  Micros start = 0;             // first session starts here
  Micros span = kMicrosPerDay;  // sessions start spread evenly over [start, start + span)
  std::string app_id = "shop";
  // Distinct visitors; 0: one per four sessions the event count implies (at most a million).
  uint64_t visitors = 0;
  // Stamp dtm/stm and the collector time with the wall clock at generation (live traffic).
  bool realtime = false;
  // Garments entering the studio per day (each reports about 20 events). Unset: 3 for every
  // 1000 payloads, spread over the span (60 a day with `realtime`). 0: web traffic only.
  std::optional<double> studio_cases_per_day;
  // Share of sessions whose events are sent as tp2 POST instead of GET /i.
  double post_share = 0.2;
};

class TrafficGenerator {
 public:
  explicit TrafficGenerator(TrafficOptions options);

  // Fills `out` with the next request; false once `events` payloads have been produced.
  bool Next(rawlog::CollectorPayload* out);

  uint64_t produced() const { return produced_; }

 private:
  struct Visitor {
    std::string domain_userid;
    std::string network_userid;
    int64_t sessions = 0;
    int user_agent = 0;
  };
  using Params = std::vector<std::pair<std::string, std::string>>;
  // What the next web payload reports after a page view, besides pings.
  enum class Follow { kNone, kTryOn, kAddToCart, kTransaction };

  void StartSession();
  void NextPage();
  // Appends the parameters of the session's next web event; returns its time.
  Micros WebEvent(Params* params);
  // Fills `out` with a request carrying `params`, as GET /i or tp2 POST.
  void Emit(Params params, Micros sent, rawlog::CollectorPayload* out);

  TrafficOptions options_;
  Rng rng_;
  uint64_t produced_ = 0;
  std::vector<Visitor> visitors_;

  // The session being generated.
  Visitor* visitor_ = nullptr;
  std::string session_id_;
  std::string referrer_;
  std::string page_url_;
  std::string page_title_;
  std::string page_view_id_;  // the web_page context's id, shared by the page's pings
  std::string product_;       // on product, try-on and cart pages
  bool post_ = false;         // this session sends tp2 POST
  Follow follow_ = Follow::kNone;
  int pages_left_ = 0;
  int pings_left_ = 0;
  Micros clock_ = 0;
  Micros horizon_ = 0;  // the latest simulated time reached, for the studio's schedule

  std::optional<StudioWorkflow> studio_;
};

}  // namespace footfall::pipeline
