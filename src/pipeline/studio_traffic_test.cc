#include "pipeline/studio_traffic.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "base/base64.h"
#include "base/url.h"
#include "pipeline/traffic.h"

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
  simdjson::dom::parser parser;
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

TEST(StudioWorkflow, CasesRunThroughTheProcessInTimeOrder) {
  StudioWorkflow studio(3);
  for (int i = 0; i < 50; ++i) studio.StartCase(kStart + i * 600 * kMicrosPerSecond);
  std::map<std::string, std::vector<Step>> cases;
  rawlog::CollectorPayload p;
  Micros last = 0;
  while (studio.NextDue(kStart + 30 * kMicrosPerDay, kStart + 30 * kMicrosPerDay, &p)) {
    std::string id;
    Step step;
    Decode(p, &id, &step);
    EXPECT_GE(step.time, last);  // handed out in time order
    last = step.time;
    cases[id].push_back(step);
  }
  ASSERT_EQ(cases.size(), 50u);
  std::set<std::string> activities;
  for (const auto& [id, steps] : cases) {
    ASSERT_GE(steps.size(), 14u) << id;  // seven activities at least
    EXPECT_EQ(steps.front().activity, "intake");
    EXPECT_EQ(steps.back().activity, "publish");
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
  }
  EXPECT_EQ(activities.size(), 9u);
  EXPECT_FALSE(studio.NextDue(kStart + 60 * kMicrosPerDay, kStart, &p));
}

TEST(StudioWorkflow, NothingIsHandedOutBeforeItsTime) {
  StudioWorkflow studio(1);
  studio.StartCase(kStart);
  rawlog::CollectorPayload p;
  EXPECT_FALSE(studio.NextDue(kStart - 1, kStart, &p));
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
    if (p.method == "POST") EXPECT_TRUE(p.body.starts_with("{\"schema\":\"iglu:"));
  }
  EXPECT_GT(kinds["GET /i"], 10'000);
  EXPECT_GT(kinds["POST /com.snowplowanalytics.snowplow/tp2"], 2'000);
  EXPECT_GT(kinds["GET /com.snowplowanalytics.snowplow/tp2"], 500);  // the studio's
  EXPECT_EQ(kinds.size(), 3u);
}

}  // namespace
}  // namespace footfall::pipeline
