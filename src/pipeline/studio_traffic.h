// Synthetic production workflow of a fashion retailer's photo studio, as a server-side tracker
// would report it: each garment is a case that moves through composed product photography —
// intake, shooting the model once per collection, shooting the garment at source, choosing
// poses, styling (and restyling), compositing, review (which sends some back) and publishing.
// Every activity is reported when it starts and when it completes, as a self-describing
// `com.footfall/workflow_step/1-0-0` event with the case id, activity, lifecycle, resource and
// cost, and its true time (`ttm`).
//
// The studio has few retouchers and art directors, so cases queue before compositing and
// review: those are the bottlenecks the flow views should find.
//
// Events come out in time order: StartCase() schedules a case's whole history, NextDue() hands
// out the scheduled events whose time has come. Deterministic for a seed.
#pragma once

#include <cstdint>
#include <queue>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/time.h"
#include "rawlog/payload.h"

namespace footfall::pipeline {

class StudioWorkflow {
 public:
  explicit StudioWorkflow(uint64_t seed);

  // Schedules the activities of a new garment, the first starting at `start`.
  void StartCase(Micros start);

  // Fills `out` with the earliest scheduled event due at or before `now` and returns true;
  // false when none is due. `collector_time` is stamped as the time the collector received it.
  bool NextDue(Micros now, Micros collector_time, rawlog::CollectorPayload* out);

  uint64_t cases_started() const { return cases_; }

 private:
  struct Step {
    Micros time;
    uint64_t sequence;  // ties broken by scheduling order, for determinism
    std::string query;  // the tracker parameters except the time stamps
    bool operator>(const Step& o) const {
      return time != o.time ? time > o.time : sequence > o.sequence;
    }
  };

  // Schedules start and complete of one activity beginning at `start`; returns its end.
  Micros Activity(const std::string& case_id, int activity, Micros start);

  Rng rng_;
  uint64_t cases_ = 0;
  uint64_t sequence_ = 0;
  std::priority_queue<Step, std::vector<Step>, std::greater<>> due_;
};

}  // namespace footfall::pipeline
