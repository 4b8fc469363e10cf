#include "views/flow.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <limits>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

namespace footfall::views {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Seconds(Micros m) { return static_cast<double>(m) / kMicrosPerSecond; }

double Mean(const std::vector<double>& v) {
  if (v.empty()) return kNaN;
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

std::string VariantId(const std::string& variant) {
  char id[17];
  std::snprintf(id, sizeof id, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(variant.data(), variant.size())));
  return id;
}

// Least-squares slope of ys over 0, 1, 2, …
double Slope(const std::vector<double>& ys) {
  const double n = static_cast<double>(ys.size());
  if (ys.size() < 2) return 0;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < ys.size(); ++i) {
    const double x = static_cast<double>(i);
    sx += x;
    sy += ys[i];
    sxx += x * x;
    sxy += x * ys[i];
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

}  // namespace

bool FlowStepLess(const FlowStep& a, const FlowStep& b) {
  return std::tie(a.tstamp, a.lifecycle, a.event_id) < std::tie(b.tstamp, b.lifecycle, b.event_id);
}

double PercentileCont(std::vector<double>& values, double p) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const double rank = p * static_cast<double>(values.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(rank));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (rank - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

CaseAnalysis AnalyzeCase(const FlowSpec& spec, const std::string& case_id,
                         std::vector<FlowStep> steps) {
  std::sort(steps.begin(), steps.end(), FlowStepLess);
  CaseAnalysis out;
  std::vector<FlowExecution>& execs = out.executions;
  std::map<std::string, std::deque<size_t>> open;  // activity -> executions awaiting completion
  for (FlowStep& s : steps) {
    if (s.lifecycle == Lifecycle::kComplete) {
      std::deque<size_t>& waiting = open[s.activity];
      if (!waiting.empty()) {
        FlowExecution& e = execs[waiting.front()];
        waiting.pop_front();
        e.complete = s.tstamp;
        if (s.cost) e.cost = e.cost.value_or(0) + *s.cost;
        if (e.resource.empty()) e.resource = std::move(s.resource);
        continue;
      }
    }
    FlowExecution e;
    e.activity = s.activity;
    e.resource = std::move(s.resource);
    e.cost = s.cost;
    if (s.lifecycle != Lifecycle::kComplete) e.start = s.tstamp;
    if (s.lifecycle != Lifecycle::kStart) e.complete = s.tstamp;
    e.instant = s.lifecycle == Lifecycle::kInstant;
    if (s.lifecycle == Lifecycle::kStart) open[s.activity].push_back(execs.size());
    execs.push_back(std::move(e));
  }
  std::stable_sort(execs.begin(), execs.end(), [](const FlowExecution& a, const FlowExecution& b) {
    return a.anchor() < b.anchor();
  });

  // Waits: the latest completion of another execution at or before this start.
  std::vector<std::pair<Micros, size_t>> completions;
  for (size_t i = 0; i < execs.size(); ++i) {
    if (execs[i].complete) completions.emplace_back(*execs[i].complete, i);
  }
  std::sort(completions.begin(), completions.end());
  for (size_t i = 0; i < execs.size(); ++i) {
    FlowExecution& e = execs[i];
    if (!e.start) continue;
    auto it = std::upper_bound(completions.begin(), completions.end(),
                               std::make_pair(*e.start, std::numeric_limits<size_t>::max()));
    while (it != completions.begin()) {
      --it;
      if (it->second != i) {
        e.wait = *e.start - it->first;
        break;
      }
    }
  }

  FlowCaseRow& row = out.row;
  row.flow = spec.name;
  row.case_id = case_id;
  row.executions = static_cast<int64_t>(execs.size());
  row.start_tstamp = execs.empty() ? 0 : execs.front().anchor();
  row.end_tstamp = row.start_tstamp;
  bool any_open = false, reached_end = false;
  for (size_t i = 0; i < execs.size(); ++i) {
    const FlowExecution& e = execs[i];
    row.end_tstamp = std::max(row.end_tstamp, e.complete ? *e.complete : *e.start);
    row.total_cost += e.cost.value_or(0);
    if (!e.complete) any_open = true;
    if (e.complete && std::find(spec.end_activities.begin(), spec.end_activities.end(),
                                e.activity) != spec.end_activities.end()) {
      reached_end = true;
    }
    if (i > 0) out.variant += " > ";
    out.variant += e.activity;
    if (i + 1 < execs.size()) {
      const Micros end = e.complete ? *e.complete : e.anchor();
      out.transitions.push_back(
          {e.activity, execs[i + 1].activity, std::max<Micros>(0, execs[i + 1].anchor() - end)});
    }
  }
  row.completed = spec.end_activities.empty() ? !any_open : reached_end;
  row.variant_id = VariantId(out.variant);
  return out;
}

FlowViews SummarizeFlow(const FlowSpec& spec, std::span<const CaseAnalysis> cases) {
  FlowViews v;
  if (cases.empty()) return v;
  struct ActivityAcc {
    std::set<std::string_view> cases;
    int64_t executions = 0, completions = 0;
    std::vector<double> service, wait;
    double total_cost = 0, busy_s = 0;
  };
  std::map<std::string, ActivityAcc> acts;
  std::map<std::pair<std::string, std::string>, std::vector<double>> gaps;
  struct VariantAcc {
    std::string variant;
    std::vector<double> cycles;
  };
  std::map<std::string, VariantAcc> variants;
  struct Day {
    int64_t started = 0, completed = 0;
    int64_t opened = 0, closed = 0;  // starts, and completions of executions with a start
  };
  std::map<std::pair<int64_t, std::string>, Day> daily;  // (days since the epoch, activity)
  double total_cycle_s = 0;
  Micros first = std::numeric_limits<Micros>::max(), last = std::numeric_limits<Micros>::min();
  const auto day_of = [](Micros t) {
    return t >= 0 ? t / kMicrosPerDay : (t - kMicrosPerDay + 1) / kMicrosPerDay;
  };

  // Folded in case order, whatever the order given: sums of doubles depend on their order, and
  // the views must not depend on how the cases were partitioned.
  std::vector<const CaseAnalysis*> ordered;
  ordered.reserve(cases.size());
  for (const CaseAnalysis& c : cases) ordered.push_back(&c);
  std::sort(ordered.begin(), ordered.end(), [](const CaseAnalysis* a, const CaseAnalysis* b) {
    return a->row.case_id < b->row.case_id;
  });
  for (const CaseAnalysis* case_ptr : ordered) {
    const CaseAnalysis& c = *case_ptr;
    v.cases.push_back(c.row);
    const double cycle = Seconds(c.row.end_tstamp - c.row.start_tstamp);
    total_cycle_s += cycle;
    first = std::min(first, c.row.start_tstamp);
    last = std::max(last, c.row.end_tstamp);
    VariantAcc& va = variants[c.row.variant_id];
    va.variant = c.variant;
    va.cycles.push_back(cycle);
    for (const FlowExecution& e : c.executions) {
      ActivityAcc& a = acts[e.activity];
      a.cases.insert(c.row.case_id);
      ++a.executions;
      if (e.complete) ++a.completions;
      if (const auto s = e.service()) {
        a.service.push_back(Seconds(*s));
        a.busy_s += Seconds(*s);
      }
      if (e.wait) {
        a.wait.push_back(Seconds(*e.wait));
        a.busy_s += Seconds(*e.wait);
      }
      a.total_cost += e.cost.value_or(0);
      if (e.start && !e.instant) {
        Day& d = daily[{day_of(*e.start), e.activity}];
        ++d.started;
        ++d.opened;
      }
      if (e.complete) {
        Day& d = daily[{day_of(*e.complete), e.activity}];
        ++d.completed;
        if (e.start && !e.instant) ++d.closed;
      }
    }
    for (const FlowTransition& t : c.transitions) {
      gaps[{t.from_activity, t.to_activity}].push_back(Seconds(t.gap));
    }
  }
  std::sort(v.cases.begin(), v.cases.end(),
            [](const FlowCaseRow& a, const FlowCaseRow& b) { return a.case_id < b.case_id; });
  const double days = std::max(1.0, static_cast<double>(last - first) / kMicrosPerDay);

  for (auto& [name, a] : acts) {
    FlowActivityRow r;
    r.flow = spec.name;
    r.activity = name;
    r.cases = static_cast<int64_t>(a.cases.size());
    r.executions = a.executions;
    r.service_mean_s = Mean(a.service);
    r.service_p50_s = PercentileCont(a.service, 0.5);
    r.service_p90_s = PercentileCont(a.service, 0.9);
    r.wait_mean_s = Mean(a.wait);
    r.wait_p50_s = PercentileCont(a.wait, 0.5);
    r.wait_p90_s = PercentileCont(a.wait, 0.9);
    r.total_cost = a.total_cost;
    r.completions_per_day = static_cast<double>(a.completions) / days;
    r.cycle_time_share = total_cycle_s > 0 ? a.busy_s / total_cycle_s : 0;
    v.activities.push_back(std::move(r));
  }

  for (auto& [key, g] : gaps) {
    FlowTransitionRow r{spec.name, key.first, key.second, static_cast<int64_t>(g.size())};
    r.gap_p50_s = PercentileCont(g, 0.5);
    r.gap_p90_s = PercentileCont(g, 0.9);
    v.transitions.push_back(std::move(r));
  }

  for (auto& [id, va] : variants) {
    FlowVariantRow r;
    r.flow = spec.name;
    r.variant_id = id;
    r.variant = va.variant;
    r.cases = static_cast<int64_t>(va.cycles.size());
    r.share = static_cast<double>(r.cases) / static_cast<double>(cases.size());
    r.cycle_time_p50_s = PercentileCont(va.cycles, 0.5);
    v.variants.push_back(std::move(r));
  }
  std::sort(v.variants.begin(), v.variants.end(),
            [](const FlowVariantRow& a, const FlowVariantRow& b) {
              return a.cases != b.cases ? a.cases > b.cases : a.variant_id < b.variant_id;
            });
  for (size_t i = 0; i < v.variants.size(); ++i) v.variants[i].rank = static_cast<int64_t>(i + 1);

  // Dense daily series from the first to the last day, for every activity.
  std::map<std::string, std::vector<double>> wip_series;
  const int64_t first_day = day_of(first), last_day = day_of(last);
  for (const auto& [name, a] : acts) {
    int64_t wip = 0;
    for (int64_t d = first_day; d <= last_day; ++d) {
      const auto it = daily.find({d, name});
      const Day day = it == daily.end() ? Day{} : it->second;
      wip += day.opened - day.closed;
      v.wip_daily.push_back(
          {spec.name, FormatDate(d * kMicrosPerDay), name, day.started, day.completed, wip});
      wip_series[name].push_back(static_cast<double>(wip));
    }
  }
  std::sort(v.wip_daily.begin(), v.wip_daily.end(),
            [](const FlowWipDailyRow& a, const FlowWipDailyRow& b) {
              return a.date != b.date ? a.date < b.date : a.activity < b.activity;
            });

  for (auto& [name, a] : acts) {
    FlowBottleneckRow r;
    r.flow = spec.name;
    r.activity = name;
    double total_wait = 0;
    for (double w : a.wait) total_wait += w;
    r.total_wait_h = total_wait / 3600;
    r.wait_per_case_min = total_wait / 60 / static_cast<double>(cases.size());
    std::vector<double> waits = a.wait;
    r.wait_p90_min = waits.empty() ? 0 : PercentileCont(waits, 0.9) / 60;
    r.wait_share = total_cycle_s > 0 ? total_wait / total_cycle_s : 0;
    r.queue_growth_per_day = Slope(wip_series[name]);
    v.bottlenecks.push_back(std::move(r));
  }
  std::sort(v.bottlenecks.begin(), v.bottlenecks.end(),
            [](const FlowBottleneckRow& a, const FlowBottleneckRow& b) {
              return a.total_wait_h != b.total_wait_h ? a.total_wait_h > b.total_wait_h
                                                      : a.activity < b.activity;
            });
  for (size_t i = 0; i < v.bottlenecks.size(); ++i) {
    FlowBottleneckRow& r = v.bottlenecks[i];
    r.rank = static_cast<int64_t>(i + 1);
    char text[256];
    std::snprintf(text, sizeof text,
                  "cases wait %.1f min on average before %s (p90 %.1f min), %.0f%% of all cycle "
                  "time; its queue changes by %+.2f a day",
                  r.wait_per_case_min, r.activity.c_str(), r.wait_p90_min, 100 * r.wait_share,
                  r.queue_growth_per_day);
    r.evidence = text;
  }
  return v;
}

FlowViews BuildFlowViews(const FlowSpec& spec, const std::vector<event::Event>& events) {
  const FlowExtractor extractor(spec);
  std::unordered_map<std::string, std::vector<FlowStep>> by_case;
  int64_t incomplete = 0;
  FlowStep step;
  for (const event::Event& e : events) {
    switch (extractor.Extract(e, &step)) {
      case StepOutcome::kNotInFlow:
        break;
      case StepOutcome::kIncomplete:
        ++incomplete;
        break;
      case StepOutcome::kStep:
        by_case[step.case_id].push_back(step);
        break;
    }
  }
  std::vector<std::string> ids;
  ids.reserve(by_case.size());
  for (const auto& [id, steps] : by_case) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  std::vector<CaseAnalysis> analyses;
  analyses.reserve(ids.size());
  for (const std::string& id : ids) {
    analyses.push_back(AnalyzeCase(spec, id, std::move(by_case[id])));
  }
  FlowViews v = SummarizeFlow(spec, analyses);
  v.incomplete_events = incomplete;
  return v;
}

}  // namespace footfall::views
