// Synthetic clickstream for demos, tests and benchmarks: visitors of a fashion retailer's site
// (landing pages, product pages, virtual try-on, cart, checkout) arriving from search, social,
// email and direct, each session a run of page views with page pings, as the JavaScript
// tracker would send them to GET /i.
//
// Deterministic: the same options give the same payloads, byte for byte (unless `realtime`).
#pragma once

#include <cstdint>
#include <string>

#include "base/random.h"
#include "base/time.h"
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
  void StartSession();
  void NextPage();

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
  int pages_left_ = 0;
  int pings_left_ = 0;
  Micros clock_ = 0;
};

}  // namespace footfall::pipeline
