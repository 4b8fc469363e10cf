#include "pipeline/studio_traffic.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "base/json_writer.h"
#include "pipeline/tracker_params.h"

namespace footfall::pipeline {
namespace {

struct ActivitySpec {
  std::string_view name;
  double mean_service_min;  // lognormal, at the design rate
  double cost_per_hour;     // of the people or machines doing it
  std::string_view resource;
  int operators;
};

enum Activity : int {
  kIntake,
  kShootModel,
  kShootAtSource,
  kChoosePoses,
  kStyle,
  kRestyle,
  kComposite,
  kReview,
  kPublish,
};

// At 60 garments a day (one every 24 minutes) compositing, visited 1.2 times per garment, is
// busy 18 × 1.2 / 24 = 90 % of the time; every other activity at most about 60 %.
constexpr double kDesignCasesPerDay = 60;
constexpr std::array<ActivitySpec, StudioWorkflow::kActivityCount> kActivities = {{
    {"intake", 4, 30, "intake-desk", 1},
    {"shoot_model", 90, 180, "model-studio", 1},
    {"shoot_at_source", 14, 60, "photographer", 1},
    {"choose_poses", 8, 75, "art-director", 1},
    {"style_garment", 18, 50, "stylist", 2},
    {"restyle_garment", 12, 50, "stylist", 1},
    {"composite", 18, 65, "retoucher", 1},
    {"review", 6, 75, "art-director", 1},
    {"publish", 2, 20, "cms", 1},
}};
constexpr double kServiceSigma = 0.5;  // of the service time's logarithm
constexpr int kGarmentsPerCollection = 24;

}  // namespace

StudioWorkflow::StudioWorkflow(uint64_t seed, double cases_per_day, Micros first_arrival)
    : rng_(seed ^ 0x57d10ull),
      time_scale_(kDesignCasesPerDay / cases_per_day),
      mean_interarrival_(static_cast<double>(kMicrosPerDay) / cases_per_day),
      next_arrival_(first_arrival) {
  for (int a = 0; a < kActivityCount; ++a) {
    operators_[a].resize(kActivities[a].operators);
    truth_[a].name = kActivities[a].name;
    truth_[a].operators = kActivities[a].operators;
  }
}

Micros StudioWorkflow::Activity(const std::string& case_id, int activity, Micros ready) {
  const ActivitySpec& spec = kActivities[activity];
  // Lognormal with the given mean: exp(mu + sigma z), mu = ln(mean) - sigma^2 / 2.
  const double z =
      std::sqrt(-2 * std::log(1 - rng_.Unit())) * std::cos(2 * std::numbers::pi * rng_.Unit());
  const double minutes = std::exp(std::log(spec.mean_service_min * time_scale_) -
                                  kServiceSigma * kServiceSigma / 2 + kServiceSigma * z);
  // Whole milliseconds, as the tracker reports them.
  const Micros service = std::max<Micros>(1000, static_cast<Micros>(minutes * 60e3) * 1000);

  // The operator who can start soonest: the earliest gap in their bookings that fits.
  Micros begin = 0;
  int chosen = -1;
  size_t position = 0;
  for (int o = 0; o < spec.operators; ++o) {
    const Busy& busy = operators_[activity][o];
    Micros t = ready;
    size_t i = 0;
    for (; i < busy.size(); ++i) {
      if (t + service <= busy[i].first) break;
      t = std::max(t, busy[i].second);
    }
    if (chosen < 0 || t < begin) {
      begin = t;
      chosen = o;
      position = i;
    }
  }
  Busy& busy = operators_[activity][chosen];
  busy.insert(busy.begin() + static_cast<std::ptrdiff_t>(position), {begin, begin + service});
  const Micros end = begin + service;

  ActivityTruth& truth = truth_[activity];
  ++truth.executions;
  truth.total_wait += begin - ready;
  truth.total_service += service;

  const std::string resource = std::string(spec.resource) + "-" + std::to_string(chosen + 1);
  const double cost =
      std::round(spec.cost_per_hour * static_cast<double>(service) / 3600e4) / 100.0;
  for (const bool complete : {false, true}) {
    JsonWriter data;
    data.BeginObject()
        .Key("case_id")
        .String(case_id)
        .Key("activity")
        .String(spec.name)
        .Key("lifecycle")
        .String(complete ? "complete" : "start")
        .Key("resource")
        .String(resource)
        .Key("cost");
    if (complete) {
      data.Double(cost);
    } else {
      data.Null();
    }
    data.EndObject();
    std::string q;
    AppendParam(&q, "e", "ue");
    AppendParam(&q, "ue_px", EncodeSelfDescribingEvent(kWorkflowStepSchema, data.str()));
    AppendParam(&q, "eid", NewUuid(rng_));
    AppendParam(&q, "aid", "studio");
    AppendParam(&q, "p", "srv");
    AppendParam(&q, "tv", "node-4.8.0");
    AppendParam(&q, "tna", "studio-tracker");
    AppendParam(&q, "uid", resource);
    due_.push(Step{complete ? end : begin, sequence_++, std::move(q)});
  }
  return end;
}

void StudioWorkflow::StartCase(Micros arrival) {
  // Later garments are ready no earlier than this one arrives: older bookings cannot matter.
  for (std::vector<Busy>& pool : operators_) {
    for (Busy& busy : pool) {
      const auto done =
          std::find_if(busy.begin(), busy.end(), [&](const auto& b) { return b.second > arrival; });
      busy.erase(busy.begin(), done);
    }
  }
  const uint64_t n = cases_++;
  char id[32];
  std::snprintf(id, sizeof id, "SS27-%06llu", static_cast<unsigned long long>(n + 1));
  const std::string case_id = id;
  Micros t = Activity(case_id, kIntake, arrival);
  // The model is shot once per collection, for its first garment; the others reuse the shots.
  if (n % kGarmentsPerCollection == 0) t = Activity(case_id, kShootModel, t);
  t = Activity(case_id, kShootAtSource, t);
  t = Activity(case_id, kChoosePoses, t);
  t = Activity(case_id, kStyle, t);
  if (rng_.Chance(0.3)) t = Activity(case_id, kRestyle, t);
  t = Activity(case_id, kComposite, t);
  t = Activity(case_id, kReview, t);
  // One garment in five fails review: restyled, composited and reviewed again.
  if (rng_.Chance(0.2)) {
    t = Activity(case_id, kRestyle, t);
    t = Activity(case_id, kComposite, t);
    t = Activity(case_id, kReview, t);
  }
  Activity(case_id, kPublish, t);
}

bool StudioWorkflow::NextDue(Micros now, Micros collector_time, rawlog::CollectorPayload* out) {
  while (next_arrival_ <= now) {
    StartCase(next_arrival_);
    next_arrival_ += std::max<Micros>(
        1000, static_cast<Micros>(-std::log(1 - rng_.Unit()) * mean_interarrival_));
  }
  if (due_.empty() || due_.top().time > now) return false;
  const Step& step = due_.top();
  std::string q = step.query;
  const Micros sent = std::max(step.time, collector_time - 200'000);
  AppendParam(&q, "ttm", std::to_string(step.time / 1000));
  AppendParam(&q, "dtm", std::to_string(step.time / 1000));
  AppendParam(&q, "stm", std::to_string(sent / 1000));
  out->timestamp = std::max(collector_time, sent);
  out->ip = "10.20.0.5";
  out->method = "GET";
  out->path = "/com.snowplowanalytics.snowplow/tp2";
  out->query = std::move(q);
  out->body.clear();
  out->content_type.clear();
  out->user_agent = "studio-tracker/4.8.0 (node)";
  out->referer.clear();
  out->hostname = "collector.shop.example";
  out->network_userid.clear();
  out->collector = "footfall-gen";
  out->headers.clear();
  due_.pop();
  return true;
}

}  // namespace footfall::pipeline
