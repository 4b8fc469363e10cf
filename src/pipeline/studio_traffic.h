// Synthetic production workflow of a fashion retailer's photo studio, as a server-side tracker
// would report it: each garment is a case that moves through composed product photography —
// intake, shooting the model once per collection, shooting the garment at source, choosing
// poses, styling (and restyling), compositing, review (which sends some back to restyling and
// compositing) and publishing. Every activity is reported when it starts and when it
// completes, as a self-describing `com.footfall/workflow_step/1-0-0` event with the case id,
// activity, lifecycle, resource and cost, and its true time (`ttm`).
//
// A small queueing simulation, not a script: garments arrive at random (Poisson, a given rate
// per day, the studio working around the clock); each activity has a fixed number of operators
// and lognormal service times; a garment ready for an activity waits until one of its operators
// is free. Compositing is deliberately under-staffed (one retoucher, about 90 % busy), so that
// is where garments queue: the bottleneck the flow views must find. The staffing is designed
// for 60 garments a day; at other rates service times are scaled so that every activity stays
// as busy as designed. What was simulated is kept as the truth (truth()) for tests to check
// the views against.
//
// Events come out in time order. Deterministic for a seed. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "base/random.h"
#include "base/time.h"
#include "rawlog/payload.h"

namespace footfall::pipeline {

class StudioWorkflow {
 public:
  static constexpr int kActivityCount = 9;

  // What the simulation did for one activity, over every case started so far. The waiting
  // time of an execution runs from the completion of the case's previous activity (or its
  // arrival, for the first) to the start.
  struct ActivityTruth {
    std::string_view name;
    int operators = 0;
    int64_t executions = 0;
    Micros total_wait = 0;
    Micros total_service = 0;
  };

  // Garments arrive from `first_arrival` on at `cases_per_day` on average (> 0).
  StudioWorkflow(uint64_t seed, double cases_per_day, Micros first_arrival);

  // Fills `out` with the earliest event due at or before `now` and returns true; false when
  // none is due. Garments arriving up to `now` are simulated first. `collector_time` is when
  // the collector is to have received it.
  bool NextDue(Micros now, Micros collector_time, rawlog::CollectorPayload* out);

  // No garment arrives any more; those already in the studio go on to the end.
  void CloseArrivals() { next_arrival_ = std::numeric_limits<Micros>::max(); }

  uint64_t cases_started() const { return cases_; }
  const std::array<ActivityTruth, kActivityCount>& truth() const { return truth_; }

 private:
  struct Step {
    Micros time;
    uint64_t sequence;  // ties broken by scheduling order, for determinism
    std::string query;  // the tracker parameters except the time stamps
    bool operator>(const Step& o) const {
      return time != o.time ? time > o.time : sequence > o.sequence;
    }
  };
  // When an operator is busy: [start, end) intervals in start order.
  using Busy = std::vector<std::pair<Micros, Micros>>;

  void StartCase(Micros arrival);
  // Runs one activity for a case ready at `ready`: books the operator free soonest, schedules
  // the start and complete events, and returns the completion time.
  Micros Activity(const std::string& case_id, int activity, Micros ready);

  Rng rng_;
  const double time_scale_;  // service times are multiplied by it (see the class comment)
  const double mean_interarrival_;
  Micros next_arrival_;
  uint64_t cases_ = 0;
  uint64_t sequence_ = 0;
  std::priority_queue<Step, std::vector<Step>, std::greater<>> due_;
  std::array<std::vector<Busy>, kActivityCount> operators_;
  std::array<ActivityTruth, kActivityCount> truth_{};
};

}  // namespace footfall::pipeline
