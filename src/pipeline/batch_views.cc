#include "pipeline/batch_views.h"

#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/dataset.h"
#include "engine/io.h"
#include "event/fields.h"
#include "pipeline/enriched_dataset.h"
#include "pipeline/event_serializer.h"

// BucketMetrics crosses the engine's shuffles as a plain aggregate of its fields.
namespace footfall::engine {
namespace {
struct PlainBucketMetrics {
  int64_t events = 0, page_views = 0, sessions_started = 0, engaged_sessions = 0;
  std::vector<std::pair<std::string, int64_t>> events_by_type, pages, referrer_mediums;
  std::vector<std::pair<std::string, std::vector<int64_t>>> funnel_steps;
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, int64_t>>>>
      flow_completions;
  int32_t precision = 0;
  std::vector<uint8_t> registers;
};
}  // namespace

template <>
struct Serializer<views::BucketMetrics> {
  static void Write(const views::BucketMetrics& m, std::string* out) {
    PlainBucketMetrics p;
    p.events = m.events;
    p.page_views = m.page_views;
    p.sessions_started = m.sessions_started;
    p.engaged_sessions = m.engaged_sessions;
    p.events_by_type.assign(m.events_by_type.begin(), m.events_by_type.end());
    p.pages.assign(m.pages.begin(), m.pages.end());
    p.referrer_mediums.assign(m.referrer_mediums.begin(), m.referrer_mediums.end());
    p.funnel_steps.assign(m.funnel_steps.begin(), m.funnel_steps.end());
    for (const auto& [flow, activities] : m.flow_completions) {
      p.flow_completions.emplace_back(
          flow, std::vector<std::pair<std::string, int64_t>>(activities.begin(), activities.end()));
    }
    p.precision = m.users.precision();
    p.registers = m.users.registers();
    Serializer<PlainBucketMetrics>::Write(p, out);
  }
  static void Read(Decoder& in, views::BucketMetrics* m) {
    PlainBucketMetrics p;
    Serializer<PlainBucketMetrics>::Read(in, &p);
    m->events = p.events;
    m->page_views = p.page_views;
    m->sessions_started = p.sessions_started;
    m->engaged_sessions = p.engaged_sessions;
    m->events_by_type = {p.events_by_type.begin(), p.events_by_type.end()};
    m->pages = {p.pages.begin(), p.pages.end()};
    m->referrer_mediums = {p.referrer_mediums.begin(), p.referrer_mediums.end()};
    m->funnel_steps = {p.funnel_steps.begin(), p.funnel_steps.end()};
    m->flow_completions.clear();
    for (auto& [flow, activities] : p.flow_completions) {
      m->flow_completions[flow] = {activities.begin(), activities.end()};
    }
    m->users = views::HyperLogLog::FromRegisters(p.precision, std::move(p.registers));
  }
};
}  // namespace footfall::engine

namespace footfall::pipeline {
namespace {

constexpr Micros kMicrosPerHour = 3600 * kMicrosPerSecond;

Micros HourStart(Micros t) {
  Micros h = t / kMicrosPerHour * kMicrosPerHour;
  return h > t ? h - kMicrosPerHour : h;
}

// Of two copies of an event, the one kept: the earliest collector_tstamp. Ties are broken on
// fields, so that the choice is the same whichever copy comes first.
bool Kept(const event::Event& a, const event::Event& b) {
  return std::tie(a.collector_tstamp, a.derived_tstamp, a.event_fingerprint, a.network_userid,
                  a.user_ipaddress, a.page_url) <= std::tie(b.collector_tstamp, b.derived_tstamp,
                                                            b.event_fingerprint, b.network_userid,
                                                            b.user_ipaddress, b.page_url);
}

// The indices of `events` as an engine source of `partitions` partitions: the grouping jobs
// shuffle indices into the deduplicated events, which every task reads, not the events.
engine::Dataset<uint32_t> Indices(engine::Context& ctx, size_t n, size_t partitions) {
  return engine::FromPartitions<uint32_t>(
      ctx, partitions, [n, partitions](size_t p, engine::Emitter<uint32_t> emit) {
        for (size_t i = n * p / partitions; i < n * (p + 1) / partitions; ++i) {
          emit(static_cast<uint32_t>(i));
        }
        return Status::Ok();
      });
}

}  // namespace

Result<ComputedViews> ComputeViews(engine::Context& ctx, const parquet::Dataset& enriched,
                                   const views::WebModelOptions& web,
                                   const std::vector<views::FlowSpec>& flows) {
  ComputedViews out;
  std::vector<std::string> paths;
  for (const parquet::DatasetFile& f : enriched.files()) paths.push_back(enriched.PathOf(f));

  // 1. Read and deduplicate.
  if (!paths.empty()) {
    // Fields the files lack (written by an older footfall) stay empty; a column of another
    // type than the field's is corruption.
    FOOTFALL_ASSIGN_OR_RETURN(std::vector<int> present,
                              EventColumnIndices(enriched.schema(), enriched.dir()));
    std::vector<std::string> columns;
    for (size_t k = 0; k < present.size(); ++k) {
      if (present[k] >= 0) columns.emplace_back(event::EventFields()[k].name);
    }
    FOOTFALL_ASSIGN_OR_RETURN(
        engine::Dataset<event::Event> raw,
        engine::ReadParquet<event::Event>(ctx, paths, columns,
                                          [present](std::span<const parquet::ColumnVector> cols,
                                                    engine::Emitter<event::Event> emit) {
                                            std::vector<event::Event> events;
                                            AppendEvents(cols, present, &events);
                                            for (event::Event& e : events) emit(std::move(e));
                                            return Status::Ok();
                                          }));
    struct Counted {
      event::Event event;
      uint64_t copies = 1;
    };
    FOOTFALL_ASSIGN_OR_RETURN(
        auto unique,
        raw.KeyBy([](const event::Event& e) { return e.event_id; })
            .CombineByKey(
                [](event::Event&& e) { return std::pair<event::Event, uint64_t>(std::move(e), 1); },
                [](std::pair<event::Event, uint64_t>&& c, event::Event&& e) {
                  if (!Kept(c.first, e)) c.first = std::move(e);
                  ++c.second;
                  return std::move(c);
                },
                [](std::pair<event::Event, uint64_t>&& a, std::pair<event::Event, uint64_t>&& b) {
                  if (!Kept(a.first, b.first)) a.first = std::move(b.first);
                  a.second += b.second;
                  return std::move(a);
                })
            .Collect());
    out.events.reserve(unique.size());
    for (auto& [id, kept] : unique) {
      out.duplicates += kept.second - 1;
      out.events.push_back(std::move(kept.first));
    }
    std::sort(out.events.begin(), out.events.end(), views::EventTimeLess);
  }
  const size_t partitions = std::max<size_t>(1, std::min<size_t>(64, out.events.size() / 20000));

  // 2. Sessions: group, order by time (the events are in time order: so are their indices),
  // analyse each group.
  if (out.events.size() > std::numeric_limits<uint32_t>::max()) {
    return Status(StatusCode::kResourceExhausted, "more events than one batch holds in memory");
  }
  const std::vector<event::Event>& events = out.events;
  FOOTFALL_ASSIGN_OR_RETURN(
      auto groups,
      Indices(ctx, events.size(), partitions)
          .Map([&events](uint32_t i) {
            return std::pair<std::string, uint32_t>(views::SessionGroupKey(events[i]), i);
          })
          .Filter([](const std::pair<std::string, uint32_t>& p) { return !p.first.empty(); })
          .GroupByKey([](uint32_t a, uint32_t b) { return a < b; })
          .FlatMap([&events, web](std::pair<std::string, std::vector<uint32_t>>&& g) {
            std::vector<const event::Event*> ptrs;
            ptrs.reserve(g.second.size());
            for (uint32_t i : g.second) ptrs.push_back(&events[i]);
            return views::AnalyzeSessionGroup(g.first, ptrs, web);
          })
          .Collect());
  std::vector<Micros> times;
  times.reserve(out.events.size());
  for (const event::Event& e : out.events) {
    times.push_back(e.derived_tstamp.value_or(e.collector_tstamp.value_or(0)));
  }
  out.web = views::SummarizeWeb(std::move(groups), times, web);

  // 3. Flows: group each flow's steps by case, analyse each case.
  for (const views::FlowSpec& spec : flows) {
    const auto extractor = std::make_shared<const views::FlowExtractor>(spec);
    FOOTFALL_ASSIGN_OR_RETURN(
        auto steps,
        Indices(ctx, events.size(), partitions)
            .FlatMap([extractor, &events](uint32_t i) {
              std::vector<std::pair<std::string, std::pair<int, views::FlowStep>>> r;
              views::FlowStep step;
              switch (extractor->Extract(events[i], &step)) {
                case views::StepOutcome::kStep: {
                  std::string id = step.case_id;
                  r.push_back({std::move(id), {1, std::move(step)}});
                  break;
                }
                case views::StepOutcome::kIncomplete:
                  r.push_back({std::string(), {0, views::FlowStep()}});
                  break;
                case views::StepOutcome::kNotInFlow:
                  break;
              }
              return r;
            })
            .GroupByKey([](const std::pair<int, views::FlowStep>& a,
                           const std::pair<int, views::FlowStep>& b) {
              return views::FlowStepLess(a.second, b.second);
            })
            .Map([spec](std::pair<std::string, std::vector<std::pair<int, views::FlowStep>>>&& g) {
              // (events without a case, the case's analysis): incomplete events are keyed "".
              std::pair<int64_t, std::vector<views::CaseAnalysis>> r{0, {}};
              std::vector<views::FlowStep> case_steps;
              for (auto& [ok, step] : g.second) {
                if (ok) {
                  case_steps.push_back(std::move(step));
                } else {
                  ++r.first;
                }
              }
              if (!case_steps.empty()) {
                r.second.push_back(views::AnalyzeCase(spec, g.first, std::move(case_steps)));
              }
              return r;
            })
            .Collect());
    std::vector<views::CaseAnalysis> cases;
    int64_t incomplete = 0;
    for (auto& [n, analysis] : steps) {
      incomplete += n;
      for (views::CaseAnalysis& a : analysis) cases.push_back(std::move(a));
    }
    out.flows.push_back(views::SummarizeFlow(spec, cases));
    out.flows.back().incomplete_events = incomplete;
  }

  // 4. Per-hour metrics, the speed layer's definition (views/bucket_metrics.h): each session
  // group's events folded in time order by a MetricsFolder (events of no session share one
  // group, where only per-event metrics apply), then combined per hour on the engine. Distinct
  // users per hour exactly, beside the HyperLogLog.
  FOOTFALL_ASSIGN_OR_RETURN(
      auto hourly,
      Indices(ctx, events.size(), partitions)
          .Map([&events](uint32_t i) {
            return std::pair<std::string, uint32_t>(views::SessionGroupKey(events[i]), i);
          })
          .GroupByKey([](uint32_t a, uint32_t b) { return a < b; })
          .FlatMap([&events, &web, &flows](std::pair<std::string, std::vector<uint32_t>>&& g) {
            views::MetricsFolder folder(web, flows);
            std::map<Micros, views::BucketMetrics> by_hour;
            for (uint32_t i : g.second) {
              folder.Fold(events[i], &by_hour[HourStart(views::MetricsTime(events[i]))]);
            }
            return std::vector<std::pair<Micros, views::BucketMetrics>>(
                std::make_move_iterator(by_hour.begin()), std::make_move_iterator(by_hour.end()));
          })
          .ReduceByKey([](views::BucketMetrics&& a, views::BucketMetrics&& b) {
            a.Combine(b);
            return std::move(a);
          })
          .Collect());
  FOOTFALL_ASSIGN_OR_RETURN(
      auto users, Indices(ctx, events.size(), partitions)
                      .FlatMap([&events](uint32_t i) {
                        std::vector<std::pair<std::pair<Micros, std::string>, uint8_t>> r;
                        const std::string& user = views::UserKey(events[i]);
                        if (!user.empty())
                          r.push_back({{HourStart(views::MetricsTime(events[i])), user}, 0});
                        return r;
                      })
                      .ReduceByKey([](uint8_t a, uint8_t) { return a; })
                      .Map([](std::pair<std::pair<Micros, std::string>, uint8_t>&& p) {
                        return std::pair<Micros, int64_t>(p.first.first, 1);
                      })
                      .ReduceByKey([](int64_t a, int64_t b) { return a + b; })
                      .Collect());
  std::map<Micros, int64_t> users_by_hour(users.begin(), users.end());
  std::sort(hourly.begin(), hourly.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [hour, metrics] : hourly) {
    const auto it = users_by_hour.find(hour);
    out.metrics_hourly.push_back(
        {hour, std::move(metrics), it == users_by_hour.end() ? 0 : it->second});
  }
  return out;
}

}  // namespace footfall::pipeline
