#include "pipeline/batch_views.h"

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_set>
#include <utility>
#include <vector>

#include "engine/dataset.h"
#include "engine/io.h"
#include "event/fields.h"
#include "pipeline/enriched_dataset.h"
#include "pipeline/event_serializer.h"
#include "pipeline/view_tables.h"
#include "views/view_fields.h"
#include "views/web_summary.h"

// HyperLogLog crosses the engine's shuffles as its precision and registers; BucketMetrics, an
// aggregate, field by field with it.
namespace footfall::engine {
template <>
struct Serializer<views::HyperLogLog> {
  static void Write(const views::HyperLogLog& h, std::string* out) {
    Serialize(static_cast<int32_t>(h.precision()), out);
    Serialize(h.registers(), out);
  }
  static void Read(Decoder& in, views::HyperLogLog* h) {
    int32_t precision = 0;
    std::vector<uint8_t> registers;
    Deserialize(in, &precision);
    Deserialize(in, &registers);
    *h = views::HyperLogLog::FromRegisters(precision, std::move(registers));
  }
};
}  // namespace footfall::engine

namespace footfall::pipeline {
namespace {

using views::SessionAnalysis;

size_t FieldIndex(std::string_view name) {
  const auto fields = event::EventFields();
  for (size_t k = 0; k < fields.size(); ++k) {
    if (fields[k].name == name) return k;
  }
  throw std::logic_error("no enriched-event field " + std::string(name));
}

// Keeps a row of the lake by some of its string fields (a null, or a field not read, is ""),
// before the row is serialized.
struct RowFilter {
  std::vector<std::string> fields;                                     // registry names
  std::function<bool(std::span<const std::string_view> values)> keep;  // values of `fields`
};

// The position of each of `names` among the `columns` read, or kNotRead.
constexpr size_t kNotRead = std::numeric_limits<size_t>::max();
std::vector<size_t> Positions(const std::vector<std::string>& columns,
                              const std::vector<std::string>& names) {
  std::vector<size_t> out;
  for (const std::string& name : names) {
    const auto it = std::find(columns.begin(), columns.end(), name);
    out.push_back(it == columns.end() ? kNotRead : static_cast<size_t>(it - columns.begin()));
  }
  return out;
}

// A string field of a row: "" when null or not read.
std::string_view StringAt(std::span<const parquet::ColumnVector> cols, size_t position,
                          size_t row) {
  if (position == kNotRead || cols[position].IsNull(row)) return {};
  return cols[position].GetBytes(row);
}

std::optional<Micros> TimeAt(std::span<const parquet::ColumnVector> cols, size_t position,
                             size_t row) {
  if (position == kNotRead || cols[position].IsNull(row)) return std::nullopt;
  return cols[position].GetInt64(row);
}

// The registry names of the fields whose `indices` are not -1, in registry order: the columns
// a read with that projection gets.
std::vector<std::string> ColumnsOf(const std::vector<int>& indices) {
  std::vector<std::string> columns;
  for (size_t k = 0; k < indices.size(); ++k) {
    if (indices[k] >= 0) columns.emplace_back(event::EventFields()[k].name);
  }
  return columns;
}

// Which rows of a row group a RowFilter keeps (every row when it has no fields). Stateless:
// tasks on several threads share it.
class RowSelector {
 public:
  static constexpr size_t kMaxFields = 8;
  RowSelector(const RowFilter& filter, const std::vector<std::string>& columns)
      : keep_(filter.keep), positions_(Positions(columns, filter.fields)) {
    if (positions_.size() > kMaxFields) throw std::logic_error("a row filter of too many fields");
  }
  bool all() const { return positions_.empty(); }
  bool Keeps(std::span<const parquet::ColumnVector> cols, size_t row) const {
    std::array<std::string_view, kMaxFields> values;
    for (size_t i = 0; i < positions_.size(); ++i) values[i] = StringAt(cols, positions_[i], row);
    return keep_(std::span<const std::string_view>(values.data(), positions_.size()));
  }

 private:
  std::function<bool(std::span<const std::string_view>)> keep_;
  std::vector<size_t> positions_;
};

uint64_t IdHash(std::string_view event_id) { return XXH3_64bits(event_id.data(), event_id.size()); }

// The hashes of the event ids that occur in more than one row of the lake, read from the
// event_id column alone.
Result<std::shared_ptr<const std::unordered_set<uint64_t>>> RepeatedIds(
    engine::Context& ctx, const std::vector<std::string>& paths) {
  FOOTFALL_ASSIGN_OR_RETURN(
      engine::Dataset<uint64_t> hashes,
      engine::ReadParquet<uint64_t>(
          ctx, paths, {"event_id"},
          [](std::span<const parquet::ColumnVector> cols, engine::Emitter<uint64_t> emit) {
            const parquet::ColumnVector& ids = cols[0];
            for (size_t r = 0; r < ids.size(); ++r) {
              emit(IdHash(ids.IsNull(r) ? std::string_view() : ids.GetBytes(r)));
            }
            return Status::Ok();
          },
          {}));
  FOOTFALL_ASSIGN_OR_RETURN(
      std::vector<uint64_t> repeated,
      hashes.Map([](uint64_t h) { return std::pair<uint64_t, int64_t>(h, 1); })
          .ReduceByKey([](int64_t a, int64_t b) { return a + b; })
          .Filter([](const std::pair<uint64_t, int64_t>& hc) { return hc.second > 1; })
          .Map([](std::pair<uint64_t, int64_t>&& hc) { return hc.first; })
          .Collect());
  return std::make_shared<const std::unordered_set<uint64_t>>(repeated.begin(), repeated.end());
}

// An event as it crosses the batch's shuffles and cache: serialized (a few hundred bytes, where
// an event::Event takes kilobytes even when most fields are empty), beside what grouping needs.
// The fields deduplication compares stay in the bytes: copies are rare, and only they decode.
struct Copy {
  std::string event_id;  // empty while it is the key of the deduplication shuffle
  Micros time = 0;       // views::MetricsTime
  std::string group;     // views::SessionGroupKey
  std::string bytes;     // the event (event_serializer.h)
  uint64_t copies = 1;   // of this event_id in the input, once deduplicated
};

// The lake's rows `filter` keeps as Copy records, each serialized straight from the columns
// (SerializeRow) as the event AppendEvents would build of it, without building it.
Result<engine::Dataset<Copy>> ReadCopies(engine::Context& ctx,
                                         const std::vector<std::string>& paths,
                                         const std::vector<int>& indices, RowFilter filter) {
  const std::vector<std::string> columns = ColumnsOf(indices);
  const std::vector<size_t> at =
      Positions(columns, {"event_id", "derived_tstamp", "collector_tstamp", "domain_sessionid",
                          "app_id", "domain_userid", "network_userid"});
  return engine::ReadParquet<Copy>(
      ctx, paths, columns,
      [indices, at, selector = RowSelector(filter, columns)](
          std::span<const parquet::ColumnVector> cols, engine::Emitter<Copy> emit) {
        size_t rows = 0;
        for (const parquet::ColumnVector& c : cols) rows = std::max(rows, c.size());
        for (size_t r = 0; r < rows; ++r) {
          if (!selector.all() && !selector.Keeps(cols, r)) continue;
          Copy c;
          c.event_id = StringAt(cols, at[0], r);
          c.time = views::MetricsTime(TimeAt(cols, at[1], r), TimeAt(cols, at[2], r));
          c.group = views::SessionGroupKey(StringAt(cols, at[3], r), StringAt(cols, at[4], r),
                                           StringAt(cols, at[5], r), StringAt(cols, at[6], r));
          SerializeRow(cols, indices, r, &c.bytes);
          emit(std::move(c));
        }
        return Status::Ok();
      },
      {});
}

// `bytes` decoded into `out`, every field overwritten (an event of kilobytes is decoded where it
// is used, never moved); `what` names the bytes in the error.
template <typename T>
void DecodeInto(std::string_view bytes, T* out, const char* what = "a cached event") {
  engine::Decoder in(bytes);
  engine::Deserialize(in, out);
  if (!in.ok()) throw engine::TaskFailure(Internal(std::string(what) + " does not decode"));
}

event::Event Decode(const std::string& bytes) {
  event::Event e;
  DecodeInto(bytes, &e);
  return e;
}

// The fields that choose between copies of an event, earliest collector_tstamp first.
auto DedupFields(const event::Event& e) {
  return std::tie(e.collector_tstamp, e.derived_tstamp, e.event_fingerprint, e.network_userid,
                  e.user_ipaddress, e.page_url);
}

// Of two copies of an event, the one kept: the earliest collector_tstamp. Ties are broken on
// fields, then on the whole event's bytes, so that the choice never depends on which copy
// comes first.
bool Kept(const Copy& a, const Copy& b) {
  const event::Event ea = Decode(a.bytes), eb = Decode(b.bytes);
  const auto fa = DedupFields(ea), fb = DedupFields(eb);
  return fa != fb ? fa < fb : a.bytes <= b.bytes;
}

// Which copy of an event deduplication kept: its id and the fields Kept compares first.
std::string KeptKey(const event::Event& e) {
  std::string key;
  engine::Serialize(e.event_id, &key);
  std::apply([&key](const auto&... f) { (engine::Serialize(f, &key), ...); }, DedupFields(e));
  return key;
}

// A session group's event: its order in the group, and its bytes.
struct TimedEvent {
  Micros time = 0;
  std::string event_id;
  std::string bytes;
};

// A part of a cached record kept serialized: reading the record back copies the part's bytes,
// and only the readers of the part decode it.
template <typename T>
struct Packed {
  std::string bytes;
};

template <typename T>
Packed<T> Pack(const T& value) {
  Packed<T> p;
  engine::Serialize(value, &p.bytes);
  return p;
}

template <typename T>
T Unpack(const Packed<T>& p) {
  T value;
  DecodeInto(p.bytes, &value, "a cached part of a record");
  return value;
}

// A page view or session row on its way to the file of the day it starts: its order within the
// day (views::PageViewOrder or SessionOrder) beside the serialized row, so that the shuffle and
// the sort by day move a few words per row, and the row is decoded once, into its day's table.
struct DayRow {
  Micros start = 0;
  std::string id, id2;
  std::string bytes;
};

bool DayRowLess(const DayRow& a, const DayRow& b) {
  return std::tie(a.start, a.id, a.id2) < std::tie(b.start, b.id, b.id2);
}

DayRow DayRowOf(const views::PageViewRow& r) {
  const auto& [start, id, session] = views::PageViewOrder(r);
  DayRow d{start, id, session, {}};
  engine::Serialize(r, &d.bytes);
  return d;
}

DayRow DayRowOf(const views::WebSessionRow& r) {
  const auto& [start, id] = views::SessionOrder(r);
  DayRow d{start, id, {}, {}};
  engine::Serialize(r, &d.bytes);
  return d;
}

// An event's step of a flow keyed by its case: (1, the step), or ("", (0, {})) for an event
// of the flow it cannot place (views::StepOutcome::kIncomplete).
using KeyedFlowStep = std::pair<std::string, std::pair<int, views::FlowStep>>;

// Appends the step of `e` in the flow of `extractor`, if it is in the flow.
void AppendFlowStep(const views::FlowExtractor& extractor, const event::Event& e,
                    std::vector<KeyedFlowStep>* out) {
  views::FlowStep step;
  switch (extractor.Extract(e, &step)) {
    case views::StepOutcome::kStep: {
      std::string id = step.case_id;
      out->push_back({std::move(id), {1, std::move(step)}});
      break;
    }
    case views::StepOutcome::kIncomplete:
      out->push_back({std::string(), {0, views::FlowStep()}});
      break;
    case views::StepOutcome::kNotInFlow:
      break;
  }
}

using FlowExtractors = std::shared_ptr<const std::vector<views::FlowExtractor>>;

// What the analysis of one session group gives, each part read by other steps: its page views
// and sessions keyed by the day they start (DayNumber), the facts of its sessions for the web
// summaries, its events folded per hour by the speed layer's definition
// (views/bucket_metrics.h; without the users, counted apart), the distinct (hour, user) pairs
// of its events, its events' steps of each flow and their times (views::MetricsTime).
struct GroupOutput {
  int64_t events = 0;
  Packed<std::vector<std::pair<int64_t, DayRow>>> page_views;
  Packed<std::vector<std::pair<int64_t, DayRow>>> sessions;
  Packed<std::vector<views::SessionFacts>> facts;
  Packed<std::vector<std::pair<Micros, views::BucketMetrics>>> hours;
  Packed<std::vector<std::pair<Micros, std::string>>> hour_users;
  Packed<std::vector<std::vector<KeyedFlowStep>>> flow_steps;  // one list per flow
  Packed<std::vector<Micros>> times;
};

GroupOutput AnalyzeGroup(const std::string& key, const std::vector<event::Event>& events,
                         const views::WebModelOptions& web,
                         const std::vector<views::FlowSpec>& flows,
                         const std::vector<views::FlowExtractor>& extractors) {
  GroupOutput out;
  out.events = static_cast<int64_t>(events.size());
  std::vector<const event::Event*> ptrs;
  ptrs.reserve(events.size());
  for (const event::Event& e : events) ptrs.push_back(&e);
  std::vector<SessionAnalysis> sessions = views::AnalyzeSessionGroup(key, ptrs, web);
  std::vector<views::SessionFacts> facts;
  std::vector<std::pair<int64_t, DayRow>> page_views;
  std::vector<std::pair<int64_t, DayRow>> session_rows;
  for (SessionAnalysis& a : sessions) {
    facts.push_back(views::FactsOf(a));
    for (const views::PageViewRow& pv : a.page_views) {
      page_views.emplace_back(DayNumber(pv.start_tstamp), DayRowOf(pv));
    }
    session_rows.emplace_back(DayNumber(a.session.start_tstamp), DayRowOf(a.session));
  }
  out.page_views = Pack(page_views);
  out.sessions = Pack(session_rows);
  out.facts = Pack(facts);

  views::MetricsFolder folder(web, flows);
  std::map<Micros, views::BucketMetrics> by_hour;
  std::set<std::pair<Micros, std::string>> users;
  std::vector<std::vector<KeyedFlowStep>> flow_steps(extractors.size());
  std::vector<Micros> times;
  times.reserve(events.size());
  for (const event::Event& e : events) {
    const Micros time = views::MetricsTime(e);
    times.push_back(time);
    const Micros hour = HourStart(time);
    folder.Fold(e, &by_hour[hour]);
    if (const std::string& user = views::UserKey(e); !user.empty()) users.emplace(hour, user);
    for (size_t f = 0; f < extractors.size(); ++f) {
      AppendFlowStep(extractors[f], e, &flow_steps[f]);
    }
  }
  std::vector<std::pair<Micros, views::BucketMetrics>> hours;
  for (auto& [hour, metrics] : by_hour) {
    metrics.users = views::HyperLogLog();
    hours.emplace_back(hour, std::move(metrics));
  }
  out.hours = Pack(hours);
  out.hour_users = Pack(std::vector<std::pair<Micros, std::string>>(users.begin(), users.end()));
  out.flow_steps = Pack(flow_steps);
  out.times = Pack(times);
  return out;
}

// Times a step of the run into `durations`.
class StepTimer {
 public:
  explicit StepTimer(std::vector<StepDuration>* durations) : durations_(durations) {}
  void Done(std::string step) {
    const Micros now = NowMicros();
    durations_->push_back({std::move(step), now - last_});
    last_ = now;
  }

 private:
  std::vector<StepDuration>* durations_;
  Micros last_ = NowMicros();
};

// Groups `rows` (keyed by DayNumber) by day in DayRowLess order, and writes each day as a Parquet
// file `prefix` + date + ".parquet" of table(the day's rows, decoded as Row), on the rank holding
// the day. Returns the files in date order on rank 0 (nothing on the others).
template <typename Row, typename Table>
Result<std::vector<DateFile>> WriteByDay(const engine::Dataset<std::pair<int64_t, DayRow>>& rows,
                                         Table table, const std::string& prefix) {
  FOOTFALL_ASSIGN_OR_RETURN(
      std::vector<DateFile> files,
      rows.GroupByKey(DayRowLess)
          .Map([table, prefix](std::pair<int64_t, std::vector<DayRow>>&& day) {
            std::vector<Row> decoded(day.second.size());
            for (size_t i = 0; i < decoded.size(); ++i) {
              DecodeInto(day.second[i].bytes, &decoded[i], "a day's row");
              std::string().swap(day.second[i].bytes);
            }
            DateFile f;
            f.date = FormatDate(day.first * kMicrosPerDay);
            f.path = prefix + f.date + ".parquet";
            f.rows = engine::ValueOrThrow(WriteParquetFile(f.path, table(decoded)));
            return f;
          })
          .CollectOnLeader());
  std::sort(files.begin(), files.end(),
            [](const DateFile& a, const DateFile& b) { return a.date < b.date; });
  return files;
}

// The web summaries (views/web_summary.h) from the analysed session groups: each table's
// partials reduced by key on the engine, and only the merged results gathered, to rank 0.
Status SummarizeOnEngine(const engine::Dataset<GroupOutput>& analysed,
                         std::span<const std::pair<Micros, int64_t>> events_per_hour,
                         const views::WebModelOptions& web, views::WebViews* out) {
  using views::SessionFacts;
  const auto facts = analysed.FlatMap([](GroupOutput&& g) { return Unpack(g.facts); }).Cache();
  const auto merge = [](auto&& a, auto&& b) {
    a.Merge(b);
    return std::move(a);
  };
  const auto add = [](int64_t a, int64_t b) { return a + b; };
  // Distinct (key, user) pairs counted per key.
  const auto distinct_users = [&add](auto pairs) {
    return pairs.Distinct()
        .Map([](auto&& ku) { return std::make_pair(std::move(ku.first), int64_t{1}); })
        .ReduceByKey(add)
        .CollectOnLeader();
  };
  const auto as_map = [](auto pairs) {
    using Pair = typename decltype(pairs)::value_type;
    return std::map<typename Pair::first_type, typename Pair::second_type>(
        std::make_move_iterator(pairs.begin()), std::make_move_iterator(pairs.end()));
  };

  FOOTFALL_ASSIGN_OR_RETURN(auto traffic,
                            facts.FlatMap([](SessionFacts&& s) { return views::TrafficOf(s); })
                                .ReduceByKey(merge)
                                .CollectOnLeader());
  FOOTFALL_ASSIGN_OR_RETURN(
      auto traffic_users,
      distinct_users(facts.FlatMap([](SessionFacts&& s) { return views::TrafficUsersOf(s); })));
  auto buckets = as_map(std::move(traffic));
  for (const auto& [hour, n] : events_per_hour) {
    for (auto& [key, p] : views::TrafficOfEvents(hour, n)) {
      auto [it, fresh] = buckets.try_emplace(key, p);
      if (!fresh) it->second.Merge(p);
    }
  }
  const auto traffic_user_counts = as_map(std::move(traffic_users));
  out->traffic_daily = views::FinishTraffic(false, buckets, traffic_user_counts);
  out->traffic_hourly = views::FinishTraffic(true, buckets, traffic_user_counts);

  FOOTFALL_ASSIGN_OR_RETURN(auto acquisition,
                            facts.Map([](SessionFacts&& s) { return views::AcquisitionOf(s); })
                                .ReduceByKey(merge)
                                .CollectOnLeader());
  FOOTFALL_ASSIGN_OR_RETURN(auto acquisition_users, distinct_users(facts.Map([](SessionFacts&& s) {
                              return std::make_pair(views::AcquisitionOf(s).first,
                                                    std::move(s.user));
                            })));
  out->acquisition = views::FinishAcquisition(as_map(std::move(acquisition)),
                                              as_map(std::move(acquisition_users)));

  FOOTFALL_ASSIGN_OR_RETURN(auto users, facts.Map([](SessionFacts&& s) { return views::UserOf(s); })
                                            .ReduceByKey(merge)
                                            .CollectOnLeader());
  std::sort(users.begin(), users.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, u] : users) out->users.push_back(views::FinishUser(key, u));

  FOOTFALL_ASSIGN_OR_RETURN(out->journey_transitions,
                            facts.FlatMap([](SessionFacts&& s) { return views::TransitionsOf(s); })
                                .GroupByKey()
                                .Map([](auto&& g) {
                                  return views::FinishTransition(std::move(g.first),
                                                                 std::move(g.second));
                                })
                                .CollectOnLeader());
  std::sort(out->journey_transitions.begin(), out->journey_transitions.end(),
            [](const views::JourneyTransitionRow& a, const views::JourneyTransitionRow& b) {
              return std::tie(a.from_page, a.to_page) < std::tie(b.from_page, b.to_page);
            });
  FOOTFALL_ASSIGN_OR_RETURN(auto paths,
                            facts
                                .FlatMap([web](SessionFacts&& s) {
                                  std::vector<std::pair<std::string, views::PathCount>> r;
                                  if (auto p = views::PathOf(s, web)) r.push_back(std::move(*p));
                                  return r;
                                })
                                .ReduceByKey(merge)
                                .CollectOnLeader());
  out->journey_paths = views::FinishPaths(std::move(paths));

  FOOTFALL_ASSIGN_OR_RETURN(auto steps,
                            facts.FlatMap([](SessionFacts&& s) { return views::FunnelStepsOf(s); })
                                .GroupByKey()
                                .CollectOnLeader());
  FOOTFALL_ASSIGN_OR_RETURN(auto dropoffs,
                            facts
                                .FlatMap([web](SessionFacts&& s) {
                                  std::vector<std::pair<views::FunnelDropoffKey, int64_t>> r;
                                  for (auto& key : views::FunnelDropoffsOf(s, web)) {
                                    r.emplace_back(std::move(key), 1);
                                  }
                                  return r;
                                })
                                .ReduceByKey(add)
                                .CollectOnLeader());
  views::FinishFunnels(web, as_map(std::move(steps)), as_map(std::move(dropoffs)), out);
  return Status::Ok();
}

}  // namespace

Result<ComputedViews> ComputeViews(engine::Context& ctx, const parquet::Dataset& enriched,
                                   const views::WebModelOptions& web,
                                   const std::vector<views::FlowSpec>& flows,
                                   size_t recent_events_cap, const std::string& rows_dir) {
  ComputedViews out;
  StepTimer timer(&out.durations);
  std::vector<std::string> paths;
  for (const parquet::DatasetFile& f : enriched.files()) paths.push_back(enriched.PathOf(f));
  if (paths.empty()) {
    out.web = views::SummarizeWeb({}, {}, web);
    for (const views::FlowSpec& spec : flows) out.flows.push_back(views::SummarizeFlow(spec, {}));
    return out;
  }

  // 1. Deduplicate. Fields the files lack (written by an older footfall) stay empty; a column of
  // another type than the field's is corruption.
  FOOTFALL_ASSIGN_OR_RETURN(const std::vector<int> present,
                            EventColumnIndices(enriched.schema(), enriched.dir()));
  // Only the fields the views read (views/view_fields.h).
  std::vector<int> projected(present.size(), -1);
  for (const std::string& name : views::ViewFields(web, flows)) {
    const size_t k = FieldIndex(name);
    projected[k] = present[k];
  }
  if (projected[FieldIndex("event_id")] < 0) {
    return Corruption("the enriched dataset " + enriched.dir() + " has no event_id column");
  }
  // Events whose id occurs once (by a 64-bit hash of the id) are unique as they are read; only
  // the others cross the deduplication shuffle (where a hash collision merely sends a unique
  // event), so that the lake's bulk is not shuffled by event_id. The kept copies are cached:
  // every later step reads them beside the lake.
  FOOTFALL_ASSIGN_OR_RETURN(const auto repeated, RepeatedIds(ctx, paths));
  std::optional<engine::Dataset<Copy>> copies;
  if (!repeated->empty()) {
    FOOTFALL_ASSIGN_OR_RETURN(
        engine::Dataset<Copy> read,
        ReadCopies(ctx, paths, projected,
                   {{"event_id"}, [repeated](std::span<const std::string_view> v) {
                      return repeated->contains(IdHash(v[0]));
                    }}));
    copies = read.Map([](Copy&& c) {
                   std::string id = std::move(c.event_id);
                   return std::pair<std::string, Copy>(std::move(id), std::move(c));
                 })
                 .ReduceByKey([](Copy&& a, Copy&& b) {
                   const uint64_t n = a.copies + b.copies;
                   if (!Kept(a, b)) a = std::move(b);
                   a.copies = n;
                   return std::move(a);
                 })
                 .Map([](std::pair<std::string, Copy>&& p) {
                   p.second.event_id = std::move(p.first);
                   return std::move(p.second);
                 })
                 .Cache();
    FOOTFALL_ASSIGN_OR_RETURN(
        const auto removed,
        copies->Map([](Copy&& c) { return c.copies - 1; }).Reduce(std::plus<uint64_t>()));
    out.duplicates = removed.value_or(0);
  }
  const auto with_copies = [&copies](engine::Dataset<Copy> events, auto keep) {
    return copies ? events.Union(copies->Filter(keep)) : events;
  };
  const auto in_group = [](const Copy& c) { return !c.group.empty(); };
  const auto in_no_group = [](const Copy& c) { return c.group.empty(); };
  // Events of no session group (SessionGroupKey: no session id and no user, such as a back
  // office's server-side events) are few: read apart, and cached for the metrics and flows. The
  // rows are picked by those raw fields before they become events, and the group key decides.
  FOOTFALL_ASSIGN_OR_RETURN(
      engine::Dataset<Copy> lone,
      ReadCopies(ctx, paths, projected,
                 {{"event_id", "domain_sessionid", "domain_userid", "network_userid"},
                  [repeated](std::span<const std::string_view> v) {
                    return v[1].empty() && v[2].empty() && v[3].empty() &&
                           !repeated->contains(IdHash(v[0]));
                  }}));
  const engine::Dataset<Copy> sessionless =
      with_copies(lone.Filter(in_no_group), in_no_group).Cache();
  FOOTFALL_ASSIGN_OR_RETURN(
      const auto lone_events,
      sessionless.Map([](Copy&&) { return uint64_t{1}; }).Reduce(std::plus<uint64_t>()));
  timer.Done("read and deduplicate");

  // 2. Sessions: the lake's events of a session group, read and grouped by SessionGroupKey in
  // time order, each group analysed once; the results are cached for the later steps.
  FOOTFALL_ASSIGN_OR_RETURN(
      engine::Dataset<Copy> once,
      ReadCopies(ctx, paths, projected,
                 {{"event_id"}, [repeated](std::span<const std::string_view> v) {
                    return !repeated->contains(IdHash(v[0]));
                  }}));
  auto extractors = std::make_shared<std::vector<views::FlowExtractor>>();
  for (const views::FlowSpec& spec : flows) extractors->emplace_back(spec);
  const auto analysed =
      with_copies(once.Filter(in_group), in_group)
          .Map([](Copy&& c) {
            return std::pair<std::string, TimedEvent>(
                std::move(c.group), TimedEvent{c.time, std::move(c.event_id), std::move(c.bytes)});
          })
          .GroupByKey([](const TimedEvent& a, const TimedEvent& b) {
            return std::tie(a.time, a.event_id) < std::tie(b.time, b.event_id);
          })
          .Map([web, flows, extractors = FlowExtractors(extractors)](
                   std::pair<std::string, std::vector<TimedEvent>>&& g) {
            std::vector<event::Event> events(g.second.size());
            for (size_t i = 0; i < events.size(); ++i) DecodeInto(g.second[i].bytes, &events[i]);
            return AnalyzeGroup(g.first, events, web, flows, *extractors);
          })
          .Cache();
  FOOTFALL_ASSIGN_OR_RETURN(
      const auto grouped_events,
      analysed.Map([](GroupOutput&& g) { return g.events; }).Reduce(std::plus<int64_t>()));
  out.events = lone_events.value_or(0) + static_cast<uint64_t>(grouped_events.value_or(0));
  // Page view and session rows, never gathered: grouped by the day they start, each day in
  // (start, id) order, written as one Parquet file per day by the rank that holds the day.
  FOOTFALL_ASSIGN_OR_RETURN(
      out.page_view_files,
      WriteByDay<views::PageViewRow>(
          analysed.FlatMap([](GroupOutput&& g) { return Unpack(g.page_views); }),
          [](std::span<const views::PageViewRow> rows) { return PageViewsTable(rows); },
          rows_dir + "/page_views-"));
  FOOTFALL_ASSIGN_OR_RETURN(
      out.session_files,
      WriteByDay<views::WebSessionRow>(
          analysed.FlatMap([](GroupOutput&& g) { return Unpack(g.sessions); }),
          [](std::span<const views::WebSessionRow> rows) { return SessionsTable(rows); },
          rows_dir + "/sessions-"));
  timer.Done("sessions");

  // 3. Per-hour metrics: the groups' folds, and events of no session folded one by one (the
  // per-event metrics are all they have); distinct users per hour exactly and by HyperLogLog.
  const auto event_folder = std::make_shared<const views::EventMetricsFolder>(flows);
  const auto combine = [](views::BucketMetrics&& a, views::BucketMetrics&& b) {
    a.Combine(b);
    return std::move(a);
  };
  const auto sessionless_hours =
      sessionless
          .Map([](Copy&& c) {
            return std::pair<Micros, std::string>(HourStart(c.time), std::move(c.bytes));
          })
          .AggregateByKey(
              views::BucketMetrics{},
              [event_folder](views::BucketMetrics&& m, std::string&& bytes) {
                event_folder->Fold(Decode(bytes), &m);
                return std::move(m);
              },
              combine);
  FOOTFALL_ASSIGN_OR_RETURN(auto hourly,
                            analysed.FlatMap([](GroupOutput&& g) { return Unpack(g.hours); })
                                .Union(sessionless_hours)
                                .ReduceByKey(combine)
                                .CollectOnLeader());
  FOOTFALL_ASSIGN_OR_RETURN(
      auto users, analysed.FlatMap([](GroupOutput&& g) { return Unpack(g.hour_users); })
                      .Distinct()
                      .Map([](std::pair<Micros, std::string>&& hu) {
                        return std::pair<Micros, uint64_t>(hu.first, views::UserHash(hu.second));
                      })
                      .AggregateByKey(
                          std::pair<int64_t, views::HyperLogLog>{},
                          [](std::pair<int64_t, views::HyperLogLog>&& acc, uint64_t hash) {
                            ++acc.first;
                            acc.second.Add(hash);
                            return std::move(acc);
                          },
                          [](std::pair<int64_t, views::HyperLogLog>&& a,
                             std::pair<int64_t, views::HyperLogLog>&& b) {
                            a.first += b.first;
                            a.second.Merge(b.second);
                            return std::move(a);
                          })
                      .CollectOnLeader());
  std::map<Micros, std::pair<int64_t, views::HyperLogLog>> users_by_hour;
  for (auto& [hour, u] : users) users_by_hour[hour] = std::move(u);
  std::sort(hourly.begin(), hourly.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<Micros, int64_t>> events_per_hour;
  for (auto& [hour, metrics] : hourly) {
    events_per_hour.emplace_back(hour, metrics.events);
    MetricsHour h{hour, std::move(metrics), 0};
    if (auto it = users_by_hour.find(hour); it != users_by_hour.end()) {
      h.users = it->second.first;
      h.metrics.users = std::move(it->second.second);
    }
    out.metrics_hourly.push_back(std::move(h));
  }
  timer.Done("metrics_hourly");
  FOOTFALL_RETURN_IF_ERROR(SummarizeOnEngine(analysed, events_per_hour, web, &out.web));
  timer.Done("web views");

  // 4. Flows: group each flow's steps by case, analyse each case.
  for (size_t f = 0; f < flows.size(); ++f) {
    const views::FlowSpec& spec = flows[f];
    FOOTFALL_ASSIGN_OR_RETURN(
        auto steps,
        analysed.FlatMap([f](GroupOutput&& g) { return std::move(Unpack(g.flow_steps)[f]); })
            .Union(sessionless.FlatMap([f, extractors = FlowExtractors(extractors)](Copy&& c) {
              std::vector<KeyedFlowStep> r;
              AppendFlowStep((*extractors)[f], Decode(c.bytes), &r);
              return r;
            }))
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
            .CollectOnLeader());
    std::vector<views::CaseAnalysis> cases;
    int64_t incomplete = 0;
    for (auto& [n, analysis] : steps) {
      incomplete += n;
      for (views::CaseAnalysis& a : analysis) cases.push_back(std::move(a));
    }
    out.flows.push_back(views::SummarizeFlow(spec, cases));
    out.flows.back().incomplete_events = incomplete;
    timer.Done("flow " + spec.name);
  }

  // 5. The serving `events` table: the latest events by (time, event_id), with every field.
  // From the projected events: the time of the cap-th latest (from each partition's latest
  // times), then the identity of each kept copy of a repeated id from that time on. Then every
  // field of the events from that time on, from the row groups that may hold them, the copies of
  // repeated ids only when kept.
  if (recent_events_cap > 0 && out.events > 0) {
    const size_t cap = recent_events_cap;
    FOOTFALL_ASSIGN_OR_RETURN(
        std::vector<Micros> latest,
        analysed.FlatMap([](GroupOutput&& g) { return Unpack(g.times); })
            .Union(sessionless.Map([](Copy&& c) { return c.time; }))
            .MapPartitions([cap](std::vector<Micros>&& times) {
              if (times.size() > cap) {
                std::nth_element(times.begin(), times.begin() + static_cast<ptrdiff_t>(cap) - 1,
                                 times.end(), std::greater<>());
                times.resize(cap);
              }
              return std::move(times);
            })
            .Collect());
    Micros threshold = std::numeric_limits<Micros>::min();
    if (latest.size() > cap) {
      std::nth_element(latest.begin(), latest.begin() + static_cast<ptrdiff_t>(cap) - 1,
                       latest.end(), std::greater<>());
      threshold = latest[cap - 1];
    }
    std::vector<std::string> kept_keys;
    if (copies) {
      FOOTFALL_ASSIGN_OR_RETURN(
          kept_keys, copies->Filter([threshold](const Copy& c) { return c.time >= threshold; })
                         .Map([](Copy&& c) { return KeptKey(Decode(c.bytes)); })
                         .Collect());
    }
    const auto kept = std::make_shared<const std::unordered_set<std::string>>(
        std::make_move_iterator(kept_keys.begin()), std::make_move_iterator(kept_keys.end()));
    kept_keys = {};
    // Enrichment always sets derived_tstamp (collector_tstamp at worst), which is the time here.
    std::vector<parquet::ColumnPredicate> where;
    if (threshold != std::numeric_limits<Micros>::min() &&
        present[FieldIndex("derived_tstamp")] >= 0) {
      where.push_back(parquet::ColumnPredicate::Between("derived_tstamp", threshold, std::nullopt));
    }
    // Each event (time, id) with its bytes, serialized straight from the columns; only the
    // copies of a repeated id are decoded, to see whether deduplication kept them.
    using Keyed = std::pair<std::pair<Micros, std::string>, std::string>;
    const std::vector<std::string> columns = ColumnsOf(present);
    const std::vector<size_t> at =
        Positions(columns, {"event_id", "derived_tstamp", "collector_tstamp"});
    FOOTFALL_ASSIGN_OR_RETURN(
        engine::Dataset<Keyed> full,
        engine::ReadParquet<Keyed>(
            ctx, paths, columns,
            [present, at, threshold, repeated, kept](std::span<const parquet::ColumnVector> cols,
                                                     engine::Emitter<Keyed> emit) {
              size_t rows = 0;
              for (const parquet::ColumnVector& c : cols) rows = std::max(rows, c.size());
              for (size_t r = 0; r < rows; ++r) {
                const Micros time =
                    views::MetricsTime(TimeAt(cols, at[1], r), TimeAt(cols, at[2], r));
                if (time < threshold) continue;
                Keyed k{{time, std::string(StringAt(cols, at[0], r))}, {}};
                SerializeRow(cols, present, r, &k.second);
                if (repeated->contains(IdHash(k.first.second)) &&
                    !kept->contains(KeptKey(Decode(k.second)))) {
                  continue;
                }
                emit(std::move(k));
              }
              return Status::Ok();
            },
            std::move(where)));
    FOOTFALL_ASSIGN_OR_RETURN(std::vector<Keyed> recent, full.CollectOnLeader());
    // Copies equal in every field deduplication compares are all kept keys: the one with the
    // smallest bytes stays, whichever came first.
    std::sort(recent.begin(), recent.end());
    recent.erase(std::unique(recent.begin(), recent.end(),
                             [](const Keyed& a, const Keyed& b) { return a.first == b.first; }),
                 recent.end());
    const size_t first = recent.size() > cap ? recent.size() - cap : 0;
    out.recent_events.reserve(recent.size() - first);
    for (size_t i = first; i < recent.size(); ++i) {
      out.recent_events.push_back(std::move(recent[i].second));
    }
    timer.Done("events table");
  }
  return out;
}

}  // namespace footfall::pipeline
