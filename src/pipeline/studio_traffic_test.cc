#include "pipeline/studio_traffic.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <map>
#include <set>

#include "base/base64.h"
#include "base/url.h"
#include "pipeline/traffic.h"
#include "views/flow.h"

namespace footfall::pipeline {
namespace {

constexpr Micros kStart = 1764115200000000;  // 2025-11-26

struct Step {
  Micros time;
  std::string activity, lifecycle;
  double cost = -1;
};

// Decodes one studio payload's workflow_step data.
void Decode(const rawlog::CollectorPayload& p, std::string* case_id, Step* step) {
  std::string ue_px, ttm;
  for (const auto& [k, v] : ParseQueryString(p.query)) {
    if (k == "ue_px") ue_px = v;
    if (k == "ttm") ttm = v;
  }
  const auto json = Base64Decode(ue_px);
  ASSERT_TRUE(json.has_value());
  static simdjson::dom::parser parser;  // reused: creating one allocates
  simdjson::dom::element envelope = parser.parse(*json);
  EXPECT_EQ(std::string_view(envelope["schema"]),
            "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0");
  simdjson::dom::element inner = envelope["data"];
  EXPECT_EQ(std::string_view(inner["schema"]), "iglu:com.footfall/workflow_step/jsonschema/1-0-0");
  simdjson::dom::element data = inner["data"];
  *case_id = std::string(std::string_view(data["case_id"]));
  step->time = std::stoll(ttm) * 1000;
  step->activity = std::string(std::string_view(data["activity"]));
  step->lifecycle = std::string(std::string_view(data["lifecycle"]));
  if (data["cost"].is_double()) step->cost = double(data["cost"]);
}

// Decodes every event due by `until`, grouped by case, in the order handed out.
std::map<std::string, std::vector<Step>> Drain(StudioWorkflow& studio, Micros until) {
  std::map<std::string, std::vector<Step>> cases;
  rawlog::CollectorPayload p;
  Micros last = 0;
  while (studio.NextDue(until, until, &p)) {
    std::string id;
    Step step;
    Decode(p, &id, &step);
    EXPECT_GE(step.time, last);  // handed out in time order
    last = step.time;
    cases[id].push_back(step);
  }
  return cases;
}

TEST(StudioWorkflow, CasesRunThroughTheProcessInTimeOrder) {
  StudioWorkflow studio(3, 60, kStart);
  const auto cases = Drain(studio, kStart + 3 * kMicrosPerDay);
  EXPECT_GT(cases.size(), 120u);  // about 180 arrive in three days
  std::set<std::string> activities;
  int complete = 0;
  for (const auto& [id, steps] : cases) {
    EXPECT_EQ(steps.front().activity, "intake");
    // Activities do not overlap within a case: start, complete, start, complete, …
    for (size_t i = 0; i < steps.size(); ++i) {
      EXPECT_EQ(steps[i].lifecycle, i % 2 == 0 ? "start" : "complete") << id << " " << i;
      if (i % 2 == 1) {
        EXPECT_EQ(steps[i].activity, steps[i - 1].activity);
        EXPECT_GE(steps[i].cost, 0);
      } else {
        EXPECT_LT(steps[i].cost, 0);  // null: costs are reported on completion
      }
      activities.insert(steps[i].activity);
    }
    if (steps.back().activity == "publish" && steps.back().lifecycle == "complete") {
      ++complete;
      EXPECT_GE(steps.size(), 14u) << id;  // seven activities at least
    }
  }
  EXPECT_GT(complete, 100);
  EXPECT_EQ(activities.size(), 9u);
}

TEST(StudioWorkflow, TheTruthMatchesTheEventsAndCompositingIsTheBottleneck) {
  StudioWorkflow studio(5, 60, kStart);
  const auto cases = Drain(studio, kStart + 20 * kMicrosPerDay);
  // Waits seen in the events: previous completion in the case -> start.
  std::map<std::string, std::pair<int64_t, Micros>> waits;  // activity -> (executions, total)
  for (const auto& [id, steps] : cases) {
    for (size_t i = 2; i < steps.size(); i += 2) {
      auto& [n, total] = waits[steps[i].activity];
      ++n;
      total += steps[i].time - steps[i - 1].time;
    }
  }
  std::string_view worst;
  Micros worst_wait = 0;
  for (const auto& truth : studio.truth()) {
    if (truth.total_wait > worst_wait) {
      worst_wait = truth.total_wait;
      worst = truth.name;
    }
    if (truth.name == "intake") continue;  // its wait starts at arrival, which no event shows
    // Cases still running at the end have started activities the truth already counts.
    const auto& [n, total] = waits[std::string(truth.name)];
    EXPECT_NEAR(static_cast<double>(n), static_cast<double>(truth.executions),
                truth.executions * 0.02 + 2)
        << truth.name;
    EXPECT_NEAR(static_cast<double>(total) / n,
                static_cast<double>(truth.total_wait) / truth.executions,
                0.05 * static_cast<double>(truth.total_wait) / truth.executions + 1e6)
        << truth.name;
  }
  EXPECT_EQ(worst, "composite");
}

// The flow views measure what the simulation did: on many cases, every activity's mean wait and
// service time from the events are within 5 % of the simulation's own (up to millisecond
// rounding), and compositing is the bottleneck.
TEST(StudioWorkflow, FlowViewsRecoverTheSimulatedWaitsAndServiceTimes) {
#if defined(__SANITIZE_ADDRESS__)
  constexpr int kCases = 2'000;  // the sanitizer build is ten times slower
#else
  constexpr int kCases = 100'000;
#endif
  constexpr double kPerDay = 60;
  StudioWorkflow studio(9, kPerDay, kStart);
  const Micros arrivals_end = kStart + static_cast<Micros>(kCases / kPerDay * kMicrosPerDay);
  rawlog::CollectorPayload p;
  std::map<std::string, std::vector<views::FlowStep>> cases;
  const auto drain = [&](Micros until) {
    while (studio.NextDue(until, until, &p)) {
      std::string id;
      Step s;
      Decode(p, &id, &s);
      cases[id].push_back(
          {id, s.activity,
           s.lifecycle == "start" ? views::Lifecycle::kStart : views::Lifecycle::kComplete, s.time,
           s.cost >= 0 ? std::optional<double>(s.cost) : std::nullopt, "", ""});
    }
  };
  drain(arrivals_end);
  studio.CloseArrivals();
  drain(arrivals_end + 60 * kMicrosPerDay);  // every garment finishes
  ASSERT_NEAR(static_cast<double>(cases.size()), kCases, kCases * 0.03);

  const views::FlowSpec spec = views::StudioFlowSpec();
  std::vector<views::CaseAnalysis> analyses;
  for (auto& [id, steps] : cases) analyses.push_back(views::AnalyzeCase(spec, id, steps));
  const views::FlowViews v = views::SummarizeFlow(spec, analyses);
  EXPECT_EQ(v.bottlenecks.at(0).activity, "composite");
  for (const auto& truth : studio.truth()) {
    const auto row = std::find_if(v.activities.begin(), v.activities.end(),
                                  [&](const auto& a) { return a.activity == truth.name; });
    ASSERT_NE(row, v.activities.end()) << truth.name;
    EXPECT_EQ(row->executions, truth.executions) << truth.name;
    const double service = static_cast<double>(truth.total_service) / truth.executions / 1e6;
    EXPECT_NEAR(row->service_mean_s, service, 0.05 * service) << truth.name;
    if (truth.name == "intake") continue;  // its wait starts at arrival, which no event shows
    const double wait = static_cast<double>(truth.total_wait) / truth.executions / 1e6;
    EXPECT_NEAR(row->wait_mean_s, wait, 0.05 * wait + 0.001) << truth.name;
  }
}

TEST(StudioWorkflow, NothingIsHandedOutBeforeItsTime) {
  StudioWorkflow studio(1, 60, kStart);
  rawlog::CollectorPayload p;
  EXPECT_FALSE(studio.NextDue(kStart - 1, kStart, &p));
  EXPECT_EQ(studio.cases_started(), 0u);
  EXPECT_TRUE(studio.NextDue(kStart, kStart, &p));  // the first garment's intake starts
}

TEST(Traffic, MixesWebAndStudioEventsOverGetAndPost) {
  TrafficOptions options;
  options.events = 20'000;
  options.start = kStart;
  options.span = 2 * kMicrosPerDay;
  TrafficGenerator gen(options);
  rawlog::CollectorPayload p;
  std::map<std::string, int> kinds;
  while (gen.Next(&p)) {
    ++kinds[p.method + " " + p.path];
    if (p.method == "POST") {
      EXPECT_TRUE(p.body.starts_with("{\"schema\":\"iglu:"));
    }
  }
  EXPECT_GT(kinds["GET /i"], 10'000);
  EXPECT_GT(kinds["POST /com.snowplowanalytics.snowplow/tp2"], 2'000);
  EXPECT_GT(kinds["GET /com.snowplowanalytics.snowplow/tp2"], 500);  // the studio's
  EXPECT_LT(kinds["GET /com.snowplowanalytics.snowplow/tp2"], 2000);
  EXPECT_EQ(kinds.size(), 3u);
}

}  // namespace
}  // namespace footfall::pipeline
