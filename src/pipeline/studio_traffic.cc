#include "pipeline/studio_traffic.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "base/json_writer.h"
#include "pipeline/tracker_params.h"

namespace footfall::pipeline {
namespace {

struct ActivitySpec {
  std::string_view name;
  double mean_wait_min;     // queueing before the activity starts (exponential)
  double mean_service_min;  // working time (exponential around it, at least a minute)
  double cost_per_hour;     // of the resource doing it
  std::string_view resource;
  int resources;  // how many people or machines share the work
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

// The studio's process. Retouchers (composite) and art directors (review) are scarce.
constexpr std::array<ActivitySpec, 9> kActivities = {{
    {"intake", 20, 4, 30, "intake-desk", 1},
    {"shoot_model", 60, 90, 180, "model-studio", 1},
    {"shoot_at_source", 90, 12, 60, "photographer", 3},
    {"choose_poses", 45, 8, 75, "art-director", 2},
    {"style_garment", 60, 18, 50, "stylist", 4},
    {"restyle_garment", 40, 12, 50, "stylist", 4},
    {"composite", 300, 25, 65, "retoucher", 2},
    {"review", 420, 5, 75, "art-director", 2},
    {"publish", 15, 2, 20, "cms", 1},
}};

constexpr int kGarmentsPerCollection = 24;

}  // namespace

StudioWorkflow::StudioWorkflow(uint64_t seed) : rng_(seed ^ 0x57d10ull) {}

Micros StudioWorkflow::Activity(const std::string& case_id, int activity, Micros start) {
  const ActivitySpec& spec = kActivities[activity];
  const auto exponential = [&](double mean_min) {
    return static_cast<Micros>(-std::log(1.0 - rng_.Unit()) * mean_min * 60 * kMicrosPerSecond);
  };
  const Micros begin = start + exponential(spec.mean_wait_min);
  const Micros end = begin + 60 * kMicrosPerSecond + exponential(spec.mean_service_min);
  const std::string resource =
      std::string(spec.resource) + "-" + std::to_string(1 + rng_.Uniform(spec.resources));
  const double cost =
      std::round(spec.cost_per_hour * static_cast<double>(end - begin) / 3600e4) / 100.0;
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
        .String(resource);
    if (complete) {
      data.Key("cost").Double(cost);
    } else {
      data.Key("cost").Null();
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

void StudioWorkflow::StartCase(Micros start) {
  const uint64_t n = cases_++;
  char id[32];
  std::snprintf(id, sizeof id, "SS27-%06llu", static_cast<unsigned long long>(n + 1));
  const std::string case_id = id;
  Micros t = Activity(case_id, kIntake, start);
  // The model is shot once per collection, for its first garment; the others reuse the shots.
  if (n % kGarmentsPerCollection == 0) t = Activity(case_id, kShootModel, t);
  t = Activity(case_id, kShootAtSource, t);
  t = Activity(case_id, kChoosePoses, t);
  t = Activity(case_id, kStyle, t);
  for (int r = 0; r < 2 && rng_.Chance(0.3); ++r) t = Activity(case_id, kRestyle, t);
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
  if (due_.empty() || due_.top().time > now) return false;
  const Step& step = due_.top();
  std::string q = step.query;
  const Micros sent = std::max(step.time, collector_time - 200'000);
  AppendParam(&q, "ttm", std::to_string(step.time / 1000));
  AppendParam(&q, "dtm", std::to_string(step.time / 1000));
  AppendParam(&q, "stm", std::to_string(sent / 1000));
  out->timestamp = collector_time;
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
