// Flow views (process mining): from the steps of a flow's cases to the tables the serving layer
// and the dashboard show — cases, activities, the directly-follows graph, variants, work in
// progress per day and the ranked bottlenecks. docs/views.md defines every column.
//
// AnalyzeCase is the per-case function (a group of a GroupByKey on the case id); the Summarize*
// functions fold its outputs per key. BuildFlowViews runs them all in memory, in a fixed order,
// so the same steps always give the same rows.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/time.h"
#include "views/flow_extract.h"
#include "views/flow_spec.h"

namespace footfall::views {

// One execution of an activity within a case: a start paired with its complete (the earliest
// open start of the same activity), a lone start (still running, or its complete was lost), a
// lone complete (its start was lost), or an instant event.
struct FlowExecution {
  std::string activity;
  std::string resource;
  std::optional<Micros> start;
  std::optional<Micros> complete;
  std::optional<double> cost;
  bool instant = false;
  // From the latest completion of another execution of the case at or before this start;
  // none for the case's first execution or without a start.
  std::optional<Micros> wait;

  // The execution's place in the case: its start, else its completion.
  Micros anchor() const { return start ? *start : *complete; }
  // Start to completion, for executions that have both and are not instants.
  std::optional<Micros> service() const {
    if (instant || !start || !complete) return std::nullopt;
    return *complete - *start;
  }
};

struct FlowTransition {
  std::string from_activity;
  std::string to_activity;
  Micros gap = 0;  // from the end of `from` (its completion, else its anchor) to the next anchor
};

struct FlowCaseRow {
  std::string flow;
  std::string case_id;
  Micros start_tstamp = 0;
  Micros end_tstamp = 0;
  int64_t executions = 0;
  double total_cost = 0;
  std::string variant_id;  // 16 hex digits naming the activity sequence
  bool completed = false;
};

struct CaseAnalysis {
  FlowCaseRow row;
  std::string variant;                    // activities in order, joined by " > "
  std::vector<FlowExecution> executions;  // in anchor order
  std::vector<FlowTransition> transitions;
};

// The order of a case's steps: time; at the same instant starts before completes; then
// event_id.
bool FlowStepLess(const FlowStep& a, const FlowStep& b);

// Analyses one case from its steps, in any order.
CaseAnalysis AnalyzeCase(const FlowSpec& spec, const std::string& case_id,
                         std::vector<FlowStep> steps);

struct FlowActivityRow {
  std::string flow;
  std::string activity;
  int64_t cases = 0;       // cases with at least one execution
  int64_t executions = 0;  // every execution
  // Seconds; NaN when no execution has one.
  double service_mean_s = 0, service_p50_s = 0, service_p90_s = 0;
  double wait_mean_s = 0, wait_p50_s = 0, wait_p90_s = 0;
  double total_cost = 0;
  double completions_per_day = 0;
  double cycle_time_share = 0;  // (waits + services) / the sum of all cases' cycle times
};

struct FlowTransitionRow {
  std::string flow;
  std::string from_activity;
  std::string to_activity;
  int64_t count = 0;
  double gap_p50_s = 0, gap_p90_s = 0;
};

struct FlowVariantRow {
  std::string flow;
  std::string variant_id;
  std::string variant;
  int64_t cases = 0;
  double share = 0;  // of all cases
  double cycle_time_p50_s = 0;
  int64_t rank = 0;  // 1 = most frequent
};

struct FlowWipDailyRow {
  std::string flow;
  std::string date;  // YYYY-MM-DD, UTC
  std::string activity;
  int64_t started = 0;
  int64_t completed = 0;
  int64_t wip = 0;  // executions started and not completed at the end of the day
};

struct FlowBottleneckRow {
  std::string flow;
  int64_t rank = 0;  // 1 = the activity cases wait longest for, in total
  std::string activity;
  double total_wait_h = 0;
  double wait_per_case_min = 0;  // total wait over every case of the flow
  double wait_p90_min = 0;
  double wait_share = 0;            // of the sum of all cases' cycle times
  double queue_growth_per_day = 0;  // least-squares slope of the daily WIP
  std::string evidence;             // the above in one sentence
};

struct FlowViews {
  std::vector<FlowCaseRow> cases;              // by case_id
  std::vector<FlowActivityRow> activities;     // by activity
  std::vector<FlowTransitionRow> transitions;  // by (from, to)
  std::vector<FlowVariantRow> variants;        // by rank
  std::vector<FlowWipDailyRow> wip_daily;      // by (date, activity)
  std::vector<FlowBottleneckRow> bottlenecks;  // by rank
  int64_t incomplete_events = 0;  // events of the flow without case, activity, time or lifecycle
};

// The percentile p (0..1) of `values`, interpolated linearly between closest ranks (as SQL's
// percentile_cont / DuckDB's quantile_cont). NaN for no values. Sorts `values`.
double PercentileCont(std::vector<double>& values, double p);

// Folds the analyses of every case of one flow into its tables. `cases` in any order.
FlowViews SummarizeFlow(const FlowSpec& spec, std::span<const CaseAnalysis> cases);

// Extracts, groups, analyses and summarizes in memory.
FlowViews BuildFlowViews(const FlowSpec& spec, const std::vector<event::Event>& events);

}  // namespace footfall::views
