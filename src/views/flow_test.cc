#include "views/flow.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace footfall::views {
namespace {

constexpr Micros kMin = 60 * kMicrosPerSecond;
constexpr Micros kT0 = 1764115200000000;  // 2025-11-26T00:00:00Z

// Event ids in the order the steps are made, which orders steps of the same instant.
std::string NextEventId() {
  static int n = 0;
  char id[16];
  std::snprintf(id, sizeof id, "e%06d", ++n);
  return id;
}
FlowStep S(std::string activity, Micros t, std::optional<double> cost = std::nullopt) {
  return {"c", std::move(activity), Lifecycle::kStart, kT0 + t, cost, "", NextEventId()};
}
FlowStep C(std::string activity, Micros t, std::optional<double> cost = std::nullopt) {
  return {"c", std::move(activity), Lifecycle::kComplete, kT0 + t, cost, "", NextEventId()};
}
FlowStep I(std::string activity, Micros t) {
  return {"c", std::move(activity), Lifecycle::kInstant, kT0 + t, std::nullopt, "", NextEventId()};
}

FlowSpec Spec() {
  FlowSpec s = StudioFlowSpec();
  s.end_activities = {"publish"};
  return s;
}

TEST(AnalyzeCase, PairsStartsWithCompletesAndMeasuresWaits) {
  // Given out of order: the analysis sorts by time.
  const CaseAnalysis a =
      AnalyzeCase(Spec(), "g1",
                  {C("style", 50 * kMin, 12.5), S("intake", 0), S("style", 30 * kMin),
                   C("intake", 10 * kMin, 2), S("publish", 60 * kMin), C("publish", 61 * kMin)});
  ASSERT_EQ(a.executions.size(), 3u);
  EXPECT_EQ(a.executions[0].activity, "intake");
  EXPECT_EQ(a.executions[0].service(), 10 * kMin);
  EXPECT_FALSE(a.executions[0].wait.has_value());  // the first execution
  EXPECT_EQ(a.executions[1].activity, "style");
  EXPECT_EQ(a.executions[1].wait, 20 * kMin);
  EXPECT_EQ(a.executions[1].service(), 20 * kMin);
  EXPECT_EQ(a.executions[1].cost, 12.5);
  EXPECT_EQ(a.executions[2].wait, 10 * kMin);
  EXPECT_EQ(a.variant, "intake > style > publish");
  EXPECT_EQ(a.row.start_tstamp, kT0);
  EXPECT_EQ(a.row.end_tstamp, kT0 + 61 * kMin);
  EXPECT_EQ(a.row.executions, 3);
  EXPECT_DOUBLE_EQ(a.row.total_cost, 14.5);
  EXPECT_TRUE(a.row.completed);
  ASSERT_EQ(a.transitions.size(), 2u);
  EXPECT_EQ(a.transitions[0].gap, 20 * kMin);
  EXPECT_EQ(a.transitions[1].from_activity, "style");
  EXPECT_EQ(a.row.variant_id.size(), 16u);
}

TEST(AnalyzeCase, ReworkPairsEachCompleteWithTheEarliestOpenStart) {
  const CaseAnalysis a =
      AnalyzeCase(Spec(), "g",
                  {S("composite", 0), C("composite", 10 * kMin), S("review", 15 * kMin),
                   C("review", 20 * kMin), S("composite", 30 * kMin), C("composite", 45 * kMin)});
  ASSERT_EQ(a.executions.size(), 3u);
  EXPECT_EQ(a.executions[2].service(), 15 * kMin);
  EXPECT_EQ(a.executions[2].wait, 10 * kMin);
  EXPECT_EQ(a.variant, "composite > review > composite");
  EXPECT_FALSE(a.row.completed);  // never published
}

TEST(AnalyzeCase, OverlappingExecutionsWaitForTheLatestEarlierCompletion) {
  // a and b run in parallel; c starts after both.
  const CaseAnalysis a = AnalyzeCase(Spec(), "g",
                                     {S("a", 0), S("b", 5 * kMin), C("a", 20 * kMin),
                                      C("b", 10 * kMin), S("c", 30 * kMin), C("c", 31 * kMin)});
  ASSERT_EQ(a.executions.size(), 3u);
  EXPECT_FALSE(a.executions[1].wait.has_value());  // b started before anything completed
  EXPECT_EQ(a.executions[2].wait, 10 * kMin);      // after a's completion at 20 min
  EXPECT_EQ(a.transitions[0].gap, 0);              // overlapping: no gap
}

TEST(AnalyzeCase, LoneStartsAndCompletesAreKept) {
  const CaseAnalysis a = AnalyzeCase(
      Spec(), "g", {C("intake", 5 * kMin), S("style", 10 * kMin), S("publish", 90 * kMin)});
  ASSERT_EQ(a.executions.size(), 3u);
  EXPECT_FALSE(a.executions[0].start.has_value());
  EXPECT_FALSE(a.executions[0].service().has_value());
  EXPECT_EQ(a.executions[1].wait, 5 * kMin);
  EXPECT_FALSE(a.executions[1].complete.has_value());
  EXPECT_FALSE(a.row.completed);  // publish started but never completed
  EXPECT_EQ(a.row.end_tstamp, kT0 + 90 * kMin);
}

TEST(AnalyzeCase, SingleInstantEventCase) {
  FlowSpec spec = Spec();
  spec.end_activities.clear();
  const CaseAnalysis a = AnalyzeCase(spec, "g", {I("/home", 0)});
  ASSERT_EQ(a.executions.size(), 1u);
  EXPECT_FALSE(a.executions[0].service().has_value());
  EXPECT_EQ(a.row.start_tstamp, a.row.end_tstamp);
  EXPECT_TRUE(a.row.completed);  // nothing left open
  EXPECT_TRUE(a.transitions.empty());
}

TEST(PercentileCont, InterpolatesBetweenRanks) {
  std::vector<double> v = {4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(PercentileCont(v, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(PercentileCont(v, 0.9), 3.7);
  EXPECT_DOUBLE_EQ(PercentileCont(v, 0), 1);
  std::vector<double> none;
  EXPECT_TRUE(std::isnan(PercentileCont(none, 0.5)));
}

TEST(SummarizeFlow, ActivitiesTransitionsVariantsWipAndBottlenecks) {
  const FlowSpec spec = Spec();
  std::vector<CaseAnalysis> cases;
  // Two cases spanning midnight; composite waits long in both.
  cases.push_back(AnalyzeCase(
      spec, "g1",
      {S("style", 0), C("style", 10 * kMin, 5), S("composite", 70 * kMin),
       C("composite", 80 * kMin, 10), S("publish", 81 * kMin), C("publish", 82 * kMin)}));
  cases.push_back(AnalyzeCase(spec, "g2",
                              {S("style", 23 * 60 * kMin), C("style", 23 * 60 * kMin + 20 * kMin),
                               S("composite", 23 * 60 * kMin + 140 * kMin)}));
  const FlowViews v = SummarizeFlow(spec, cases);
  ASSERT_EQ(v.cases.size(), 2u);
  EXPECT_EQ(v.cases[0].case_id, "g1");
  EXPECT_TRUE(v.cases[0].completed);
  EXPECT_FALSE(v.cases[1].completed);

  ASSERT_EQ(v.activities.size(), 3u);
  const FlowActivityRow& composite = v.activities[0];
  EXPECT_EQ(composite.activity, "composite");
  EXPECT_EQ(composite.cases, 2);
  EXPECT_EQ(composite.executions, 2);
  EXPECT_DOUBLE_EQ(composite.wait_mean_s, 90 * 60);  // 60 and 120 minutes
  EXPECT_DOUBLE_EQ(composite.wait_p50_s, 90 * 60);
  EXPECT_DOUBLE_EQ(composite.service_mean_s, 600);  // only g1's completed
  EXPECT_DOUBLE_EQ(composite.total_cost, 10);
  // Cycle times 82 and 140 minutes; composite holds 60 + 10 + 120 of them.
  EXPECT_NEAR(composite.cycle_time_share, 190.0 / 222.0, 1e-12);

  ASSERT_EQ(v.transitions.size(), 2u);
  EXPECT_EQ(v.transitions[0].from_activity, "composite");
  EXPECT_EQ(v.transitions[1].from_activity, "style");
  EXPECT_EQ(v.transitions[1].count, 2);
  EXPECT_DOUBLE_EQ(v.transitions[1].gap_p50_s, 90 * 60);

  ASSERT_EQ(v.variants.size(), 2u);
  EXPECT_EQ(v.variants[0].cases, 1);
  EXPECT_DOUBLE_EQ(v.variants[0].share, 0.5);
  EXPECT_EQ(v.variants[0].rank, 1);

  // Days: 2025-11-26 and 2025-11-27, for each of three activities.
  ASSERT_EQ(v.wip_daily.size(), 6u);
  EXPECT_EQ(v.wip_daily[0].date, "2025-11-26");
  EXPECT_EQ(v.wip_daily[0].activity, "composite");
  EXPECT_EQ(v.wip_daily[0].started, 1);
  EXPECT_EQ(v.wip_daily[0].wip, 0);
  EXPECT_EQ(v.wip_daily[3].date, "2025-11-27");
  EXPECT_EQ(v.wip_daily[3].activity, "composite");
  EXPECT_EQ(v.wip_daily[3].wip, 1);  // g2's composite is still open

  ASSERT_EQ(v.bottlenecks.size(), 3u);
  EXPECT_EQ(v.bottlenecks[0].activity, "composite");
  EXPECT_EQ(v.bottlenecks[0].rank, 1);
  EXPECT_DOUBLE_EQ(v.bottlenecks[0].total_wait_h, 3);
  EXPECT_DOUBLE_EQ(v.bottlenecks[0].wait_per_case_min, 90);
  EXPECT_DOUBLE_EQ(v.bottlenecks[0].queue_growth_per_day, 1);
  EXPECT_NE(v.bottlenecks[0].evidence.find("composite"), std::string::npos);
}

event::Event WorkflowEvent(std::string data, Micros t) {
  event::Event e;
  e.event = "unstruct";
  e.event_vendor = "com.footfall";
  e.event_name = "workflow_step";
  e.unstruct_event =
      R"({"schema":"iglu:com.footfall/workflow_step/jsonschema/1-0-0","data":)" + data + "}";
  e.derived_tstamp = t;
  return e;
}

// The same cases in any order give the same rows to the last bit: sums of doubles are taken in
// case order, not in the order the cases arrive (which depends on the engine's partitioning).
TEST(SummarizeFlow, RowsDoNotDependOnTheOrderOfTheCases) {
  const FlowSpec spec = Spec();
  std::vector<CaseAnalysis> cases;
  for (int i = 0; i < 40; ++i) {
    // Durations and costs that are not whole binary fractions, so that order would show.
    const Micros t = i * 7 * kMin;
    const Micros service = 1'000'000 + i * 123'457;
    cases.push_back(
        AnalyzeCase(spec, "g" + std::to_string(i),
                    {S("style", t), C("style", t + service, 0.1 * (i % 7)),
                     S("composite", t + 3 * service), C("composite", t + 5 * service)}));
  }
  const FlowViews forward = SummarizeFlow(spec, cases);
  std::reverse(cases.begin(), cases.end());
  const FlowViews backward = SummarizeFlow(spec, cases);
  const auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
  ASSERT_EQ(forward.activities.size(), backward.activities.size());
  for (size_t i = 0; i < forward.activities.size(); ++i) {
    const FlowActivityRow& a = forward.activities[i];
    const FlowActivityRow& b = backward.activities[i];
    EXPECT_TRUE(same(a.service_mean_s, b.service_mean_s)) << a.activity;
    EXPECT_TRUE(same(a.wait_mean_s, b.wait_mean_s)) << a.activity;
    EXPECT_TRUE(same(a.total_cost, b.total_cost)) << a.activity;
    EXPECT_TRUE(same(a.cycle_time_share, b.cycle_time_share)) << a.activity;
  }
  ASSERT_EQ(forward.cases.size(), backward.cases.size());
  EXPECT_EQ(forward.cases.front().case_id, backward.cases.front().case_id);
}

TEST(FlowExtractor, ReadsSelfDescribingDataAndEventFields) {
  const FlowExtractor x(StudioFlowSpec());
  FlowStep step;
  EXPECT_EQ(x.Extract(WorkflowEvent(R"({"case_id":"SS27-1","activity":"composite",
      "lifecycle":"complete","resource":"retoucher-1","cost":19.5})",
                                    kT0),
                      &step),
            StepOutcome::kStep);
  EXPECT_EQ(step,
            (FlowStep{"SS27-1", "composite", Lifecycle::kComplete, kT0, 19.5, "retoucher-1", ""}));
  // Numbers as case ids, null costs.
  EXPECT_EQ(x.Extract(WorkflowEvent(
                          R"({"case_id":42,"activity":"a","lifecycle":"start","cost":null})", kT0),
                      &step),
            StepOutcome::kStep);
  EXPECT_EQ(step.case_id, "42");
  EXPECT_FALSE(step.cost.has_value());
  // Belongs to the flow but cannot be placed.
  EXPECT_EQ(x.Extract(WorkflowEvent(R"({"activity":"a","lifecycle":"start"})", kT0), &step),
            StepOutcome::kIncomplete);
  EXPECT_EQ(x.Extract(WorkflowEvent(R"({"case_id":"c","activity":"a","lifecycle":"paused"})", kT0),
                      &step),
            StepOutcome::kIncomplete);
  EXPECT_EQ(x.Extract(WorkflowEvent("not json", kT0), &step), StepOutcome::kIncomplete);
  event::Event no_time = WorkflowEvent(R"({"case_id":"c","activity":"a","lifecycle":"start"})", 0);
  no_time.derived_tstamp.reset();
  EXPECT_EQ(x.Extract(no_time, &step), StepOutcome::kIncomplete);
  // Other events are not in the flow.
  event::Event pv;
  pv.event = "page_view";
  EXPECT_EQ(x.Extract(pv, &step), StepOutcome::kNotInFlow);
  event::Event other = WorkflowEvent("{}", kT0);
  other.event_name = "try_on";
  EXPECT_EQ(x.Extract(other, &step), StepOutcome::kNotInFlow);
}

TEST(FlowExtractor, PageViewsOfASessionAreAFlowToo) {
  FlowSpec spec;
  spec.name = "site";
  spec.page_views = true;
  spec.case_field = "domain_sessionid";
  spec.activity_field = "page_urlpath";
  ASSERT_TRUE(ValidateFlowSpec(spec).ok());
  event::Event pv;
  pv.event = "page_view";
  pv.domain_sessionid = "s1";
  pv.page_urlpath = "/cart";
  pv.derived_tstamp = kT0;
  FlowStep step;
  ASSERT_EQ(FlowExtractor(spec).Extract(pv, &step), StepOutcome::kStep);
  EXPECT_EQ(step.lifecycle, Lifecycle::kInstant);
  EXPECT_EQ(step.activity, "/cart");
}

TEST(ValidateFlowSpec, NamesTheProblem) {
  EXPECT_TRUE(ValidateFlowSpec(StudioFlowSpec()).ok());
  FlowSpec s = StudioFlowSpec();
  s.page_views = true;  // two sources
  EXPECT_EQ(ValidateFlowSpec(s).code(), StatusCode::kInvalidArgument);
  s = StudioFlowSpec();
  s.case_field = "no_such_field";
  EXPECT_EQ(ValidateFlowSpec(s).code(), StatusCode::kInvalidArgument);
  s = StudioFlowSpec();
  s.timestamp_field = "page_url";  // not a timestamp
  EXPECT_EQ(ValidateFlowSpec(s).code(), StatusCode::kInvalidArgument);
  s = StudioFlowSpec();
  s.schema = "com.footfall";  // no name
  EXPECT_EQ(ValidateFlowSpec(s).code(), StatusCode::kInvalidArgument);
  FlowSpec pages;
  pages.name = "site";
  pages.page_views = true;
  pages.case_field = "domain_sessionid";
  pages.activity_field = "data.page";  // no self-describing data in page views
  EXPECT_EQ(ValidateFlowSpec(pages).code(), StatusCode::kInvalidArgument);
}

TEST(BuildFlowViews, CountsIncompleteEventsAndIgnoresOthers) {
  std::vector<event::Event> events = {
      WorkflowEvent(R"({"case_id":"b","activity":"x","lifecycle":"start"})", kT0 + 5),
      WorkflowEvent(R"({"case_id":"a","activity":"x","lifecycle":"start"})", kT0),
      WorkflowEvent(R"({"case_id":"a","activity":"x","lifecycle":"complete"})", kT0 + kMin),
      WorkflowEvent(R"({"activity":"x","lifecycle":"start"})", kT0),
  };
  event::Event pv;
  pv.event = "page_view";
  events.push_back(pv);
  const FlowViews v = BuildFlowViews(StudioFlowSpec(), events);
  EXPECT_EQ(v.incomplete_events, 1);
  ASSERT_EQ(v.cases.size(), 2u);
  EXPECT_EQ(v.cases[0].case_id, "a");
  EXPECT_EQ(v.activities[0].executions, 2);
  EXPECT_TRUE(BuildFlowViews(StudioFlowSpec(), {}).cases.empty());
}

}  // namespace
}  // namespace footfall::views
