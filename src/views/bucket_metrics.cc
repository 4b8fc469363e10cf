#include "views/bucket_metrics.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "event/event.h"
#include "views/event_match.h"
#include "views/flow_extract.h"
#include "views/web_model.h"

namespace footfall::views {
namespace {

// Ertl, "New cardinality estimation algorithms for HyperLogLog sketches" (2017): an estimator
// without empirical bias tables that is accurate from a handful of values to far beyond 2^32.
double Sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1.0;
  double z = x;
  for (;;) {
    x *= x;
    const double previous = z;
    z += x * y;
    y += y;
    if (z == previous) return z;
  }
}

double Tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0;
  double z = 1.0 - x;
  for (;;) {
    x = std::sqrt(x);
    const double previous = z;
    y *= 0.5;
    z -= (1.0 - x) * (1.0 - x) * y;
    if (z == previous) return z / 3.0;
  }
}

template <typename Map>
void AddCounts(Map& into, const Map& from) {
  for (const auto& [key, count] : from) into[key] += count;
}

}  // namespace

HyperLogLog::HyperLogLog(int precision)
    : precision_(std::clamp(precision, kMinPrecision, kMaxPrecision)) {}

void HyperLogLog::Add(uint64_t hash) {
  if (registers_.empty()) registers_.assign(size_t{1} << precision_, 0);
  const uint64_t index = hash >> (64 - precision_);
  const uint64_t rest = hash << precision_;
  // The rank is one more than the leading zeros of the remaining 64 - p bits, at most 64 - p + 1.
  const uint8_t rank = rest == 0 ? static_cast<uint8_t>(64 - precision_ + 1)
                                 : static_cast<uint8_t>(std::countl_zero(rest) + 1);
  registers_[index] = std::max(registers_[index], rank);
}

void HyperLogLog::ReduceTo(int precision) {
  if (precision >= precision_) return;
  if (registers_.empty()) {
    precision_ = precision;
    return;
  }
  const int dropped = precision_ - precision;
  std::vector<uint8_t> reduced(size_t{1} << precision, 0);
  for (size_t i = 0; i < registers_.size(); ++i) {
    if (registers_[i] == 0) continue;
    // The index bits that no longer address a register become the leading bits of the rest.
    const uint64_t low = i & ((uint64_t{1} << dropped) - 1);
    const uint8_t rank = low != 0 ? static_cast<uint8_t>(std::countl_zero(low) - (64 - dropped) + 1)
                                  : static_cast<uint8_t>(dropped + registers_[i]);
    uint8_t& r = reduced[i >> dropped];
    r = std::max(r, rank);
  }
  registers_ = std::move(reduced);
  precision_ = precision;
}

void HyperLogLog::Merge(const HyperLogLog& other) {
  if (other.registers_.empty()) {
    // Merging an empty counter of lower precision still lowers this one's, so that the result
    // does not depend on the order of merges.
    ReduceTo(other.precision_);
    return;
  }
  if (other.precision_ < precision_) ReduceTo(other.precision_);
  if (other.precision_ > precision_) {
    HyperLogLog reduced = other;
    reduced.ReduceTo(precision_);
    Merge(reduced);
    return;
  }
  if (registers_.empty()) {
    registers_ = other.registers_;
    return;
  }
  for (size_t i = 0; i < registers_.size(); ++i) {
    registers_[i] = std::max(registers_[i], other.registers_[i]);
  }
}

double HyperLogLog::Estimate() const {
  if (registers_.empty()) return 0.0;
  const int q = 64 - precision_;
  std::vector<int> histogram(q + 2, 0);
  for (uint8_t r : registers_) ++histogram[r];
  const double m = static_cast<double>(registers_.size());
  double z = m * Tau(1.0 - histogram[q + 1] / m);
  for (int k = q; k >= 1; --k) z = 0.5 * (z + histogram[k]);
  z += m * Sigma(histogram[0] / m);
  const double alpha_infinity = 0.5 / std::log(2.0);
  return alpha_infinity * m * m / z;
}

HyperLogLog HyperLogLog::FromRegisters(int precision, std::vector<uint8_t> registers) {
  HyperLogLog h(precision);
  if (registers.size() == (size_t{1} << h.precision_)) {
    const auto max_rank = static_cast<uint8_t>(64 - h.precision_ + 1);
    for (uint8_t& r : registers) r = std::min(r, max_rank);
    h.registers_ = std::move(registers);
  }
  return h;
}

double HyperLogLog::RelativeError() const {
  return 1.04 / std::sqrt(static_cast<double>(size_t{1} << precision_));
}

bool HyperLogLog::operator==(const HyperLogLog& other) const {
  if (precision_ != other.precision_) return false;
  if (registers_.empty() || other.registers_.empty()) {
    const auto all_zero = [](const std::vector<uint8_t>& r) {
      return std::all_of(r.begin(), r.end(), [](uint8_t v) { return v == 0; });
    };
    return all_zero(registers_) && all_zero(other.registers_);
  }
  return registers_ == other.registers_;
}

void BucketMetrics::Combine(const BucketMetrics& other) {
  events += other.events;
  AddCounts(events_by_type, other.events_by_type);
  page_views += other.page_views;
  sessions_started += other.sessions_started;
  engaged_sessions += other.engaged_sessions;
  users.Merge(other.users);
  AddCounts(pages, other.pages);
  AddCounts(referrer_mediums, other.referrer_mediums);
  for (const auto& [funnel, steps] : other.funnel_steps) {
    std::vector<int64_t>& mine = funnel_steps[funnel];
    if (mine.size() < steps.size()) mine.resize(steps.size(), 0);
    for (size_t i = 0; i < steps.size(); ++i) mine[i] += steps[i];
  }
  for (const auto& [flow, activities] : other.flow_completions) {
    AddCounts(flow_completions[flow], activities);
  }
}

bool BucketMetrics::operator==(const BucketMetrics& other) const {
  return events == other.events && events_by_type == other.events_by_type &&
         page_views == other.page_views && sessions_started == other.sessions_started &&
         engaged_sessions == other.engaged_sessions && users == other.users &&
         pages == other.pages && referrer_mediums == other.referrer_mediums &&
         funnel_steps == other.funnel_steps && flow_completions == other.flow_completions;
}

Micros MetricsTime(const event::Event& e) {
  return MetricsTime(e.derived_tstamp, e.collector_tstamp);
}

Micros MetricsTime(std::optional<Micros> derived_tstamp, std::optional<Micros> collector_tstamp) {
  return derived_tstamp.value_or(collector_tstamp.value_or(0));
}

uint64_t UserHash(const event::Event& e) { return UserHash(UserKey(e)); }

uint64_t UserHash(std::string_view user_key) {
  if (user_key.empty()) return 0;
  return XXH3_64bits(user_key.data(), user_key.size());
}

EventMetricsFolder::EventMetricsFolder(const std::vector<FlowSpec>& flows) {
  for (const FlowSpec& spec : flows) flows_.emplace_back(spec);
}
EventMetricsFolder::EventMetricsFolder(EventMetricsFolder&&) noexcept = default;
EventMetricsFolder::~EventMetricsFolder() = default;

void EventMetricsFolder::Fold(const event::Event& e, BucketMetrics* into) const {
  ++into->events;
  ++into->events_by_type[e.event];
  if (e.event == "page_view") {
    ++into->page_views;
    ++into->pages[e.page_urlpath];
    ++into->referrer_mediums[e.refr_medium];
  }
  if (const uint64_t user = UserHash(e); user != 0) into->users.Add(user);
  for (const FlowExtractor& flow : flows_) {
    FlowStep step;
    if (flow.Extract(e, &step) == StepOutcome::kStep && step.lifecycle != Lifecycle::kStart) {
      ++into->flow_completions[flow.spec().name][step.activity];
    }
  }
}

struct MetricsFolder::Impl {
  explicit Impl(const std::vector<FlowSpec>& flows) : events(flows) {}
  struct Funnel {
    std::string name;
    std::vector<EventMatcher> steps;
  };
  struct Session {
    std::string domain_sessionid;
    Micros last = 0;
    int64_t page_views = 0;
    Micros first_ping = 0, last_ping = 0;
    bool pinged = false;
    bool engaged = false;
    std::vector<int> funnel_reached;
  };

  Micros timeout;
  Micros heartbeat;
  std::vector<Funnel> funnels;
  EventMetricsFolder events;
  std::unordered_map<std::string, Session> sessions;
  Micros newest = 0;
  Micros last_sweep = 0;

  void Sweep() {
    // Amortised: at most once per timeout of event time.
    if (newest - last_sweep < timeout) return;
    last_sweep = newest;
    std::erase_if(sessions,
                  [this](const auto& kv) { return newest - kv.second.last > 2 * timeout; });
  }
};

MetricsFolder::MetricsFolder(const WebModelOptions& web, const std::vector<FlowSpec>& flows)
    : impl_(std::make_unique<Impl>(flows)) {
  impl_->timeout = web.session_timeout;
  impl_->heartbeat = web.heartbeat;
  for (const FunnelSpec& f : web.funnels) {
    Impl::Funnel funnel;
    funnel.name = f.name;
    for (const EventMatch& m : f.steps) funnel.steps.emplace_back(m);
    impl_->funnels.push_back(std::move(funnel));
  }
}

MetricsFolder::MetricsFolder(MetricsFolder&&) noexcept = default;
MetricsFolder& MetricsFolder::operator=(MetricsFolder&&) noexcept = default;
MetricsFolder::~MetricsFolder() = default;

size_t MetricsFolder::tracked_sessions() const { return impl_->sessions.size(); }

void MetricsFolder::Fold(const event::Event& e, BucketMetrics* into) {
  Impl& s = *impl_;
  const Micros t = MetricsTime(e);
  const bool page_view = e.event == "page_view";
  s.events.Fold(e, into);

  const std::string key = SessionGroupKey(e);
  if (key.empty()) return;
  s.newest = std::max(s.newest, t);
  auto [it, inserted] = s.sessions.try_emplace(key);
  Impl::Session& session = it->second;
  // Without a tracker session id, a gap over the timeout starts a new session of the group.
  const bool restart = !inserted && e.domain_sessionid.empty() && t - session.last > s.timeout;
  if (inserted || restart) {
    session = Impl::Session();
    session.funnel_reached.assign(s.funnels.size(), 0);
    ++into->sessions_started;
  }
  session.last = std::max(session.last, t);
  if (page_view) ++session.page_views;
  if (e.event == "page_ping") {
    if (!session.pinged) session.first_ping = session.last_ping = t;
    session.pinged = true;
    session.first_ping = std::min(session.first_ping, t);
    session.last_ping = std::max(session.last_ping, t);
  }
  if (!session.engaged &&
      (session.page_views >= 2 ||
       (session.pinged && session.last_ping - session.first_ping >= 2 * s.heartbeat))) {
    session.engaged = true;
    ++into->engaged_sessions;
  }
  for (size_t f = 0; f < s.funnels.size(); ++f) {
    const Impl::Funnel& funnel = s.funnels[f];
    int& reached = session.funnel_reached[f];
    if (reached < static_cast<int>(funnel.steps.size()) && funnel.steps[reached].Matches(e)) {
      std::vector<int64_t>& counts = into->funnel_steps[funnel.name];
      if (counts.size() < funnel.steps.size()) counts.resize(funnel.steps.size(), 0);
      ++counts[reached];
      ++reached;
    }
  }
  s.Sweep();
}

}  // namespace footfall::views
