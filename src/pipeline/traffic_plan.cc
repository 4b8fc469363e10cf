#include "pipeline/traffic_plan.h"

#include <algorithm>

#include "pipeline/traffic_catalog.h"

namespace footfall::pipeline {
namespace {

// Events per session, on average, with the page and ping counts drawn below.
constexpr uint64_t kEventsPerSession = 9;
constexpr uint32_t kHasBodyModel = 1u << 31;
constexpr Micros kHour = kMicrosPerDay / 24;

}  // namespace

uint32_t PlannedPage::events() const {
  const uint32_t follow_events = follow == Follow::kNone                ? 0
                                 : follow == Follow::kBodyModelAndTryOn ? 2
                                                                        : 1;
  return 1 + follow_events + pings;
}

TrafficPlanner::TrafficPlanner(const TrafficOptions& options)
    : options_(options), rng_(options.seed) {
  const double days = static_cast<double>(options_.span) / kMicrosPerDay;
  const double studio_rate = options_.studio_cases_per_day.value_or(
      options_.realtime ? 60.0
      : days > 0        ? 3.0 * static_cast<double>(options_.events) / 1000.0 / days
                        : 0.0);
  if (studio_rate > 0) {
    studio_.emplace(options_.seed, studio_rate, options_.realtime ? NowMicros() : options_.start);
  }
  // About one visitor per four sessions: some come back.
  constexpr uint64_t kMaxDerivedVisitors = 1'000'000;
  const uint64_t visitors =
      options_.visitors > 0
          ? options_.visitors
          : std::clamp<uint64_t>(options_.events / kEventsPerSession / 4, 1, kMaxDerivedVisitors);
  visits_.assign(visitors, 0);
  if (!options_.realtime && options_.span > 0) {
    const Micros hours = (options_.span + kHour - 1) / kHour;
    cumulative_.reserve(static_cast<size_t>(hours) + 1);
    cumulative_.push_back(0);
    for (Micros h = 0; h < hours; ++h) {
      const Micros from = options_.start + h * kHour;
      const double share = static_cast<double>(std::min(kHour, options_.span - h * kHour)) / kHour;
      cumulative_.push_back(cumulative_.back() + catalog::SiteActivity(from) * share);
    }
  }
  horizon_ = options_.realtime ? NowMicros() : options_.start;
}

Micros TrafficPlanner::SessionStart(double progress) const {
  if (cumulative_.size() < 2) return options_.start;
  const double target = std::clamp(progress, 0.0, 1.0) * cumulative_.back();
  // The hour in which the cumulative activity reaches `target`, then linearly within it.
  const auto it = std::upper_bound(cumulative_.begin() + 1, cumulative_.end(), target);
  const size_t hour = std::min<size_t>(it - cumulative_.begin(), cumulative_.size() - 1) - 1;
  const double within = (target - cumulative_[hour]) / (cumulative_[hour + 1] - cumulative_[hour]);
  const Micros t =
      options_.start + static_cast<Micros>(hour) * kHour + static_cast<Micros>(within * kHour);
  return std::min(t, options_.start + options_.span - 1);
}

bool TrafficPlanner::Next(PlanItem* item) {
  if (planned_ >= options_.events) return false;
  const Micros wall = options_.realtime ? NowMicros() : horizon_;
  if (studio_ && studio_->NextDue(wall, wall + static_cast<Micros>(rng_.Uniform(300'000)),
                                  &item->studio_payload)) {
    item->studio = true;
    ++planned_;
    return true;
  }
  item->studio = false;
  PlanSession(&item->session);
  planned_ += item->session.events;
  horizon_ = std::max(horizon_, item->session.start);
  return true;
}

void TrafficPlanner::PlanSession(SessionPlan* s) {
  s->seed = rng_.Next();
  const double progress = static_cast<double>(planned_) / static_cast<double>(options_.events);
  s->start = options_.realtime ? NowMicros()
                               : SessionStart(progress) +
                                     static_cast<Micros>(rng_.Uniform(60 * kMicrosPerSecond));
  s->visitor = static_cast<uint32_t>(rng_.Uniform(visits_.size()));
  uint32_t& visits = visits_[s->visitor];
  ++visits;
  s->visit = visits & ~kHasBodyModel;
  s->referrer = static_cast<uint8_t>(catalog::PickWeighted(catalog::Referrers(), rng_.Unit()));
  s->campaign = static_cast<uint8_t>(rng_.Chance(0.25) ? 1 + rng_.Uniform(3) : 0);
  // Browsers send each event alone by default; trackers with a buffer send up to ten at once.
  s->batch = !rng_.Chance(options_.post_share) ? 0
             : rng_.Chance(0.5)                ? 1
                                               : static_cast<uint8_t>(5 + rng_.Uniform(6));

  const size_t products = catalog::Products().size();
  const size_t landings = catalog::LandingPages().size();
  s->page_count = static_cast<uint8_t>(1 + rng_.Uniform(SessionPlan::kMaxPages));
  int product = -1;  // the last product seen, for the cart
  uint32_t events = 0;
  for (int i = 0; i < s->page_count; ++i) {
    PlannedPage& page = s->pages[i];
    page.follow = PlannedPage::Follow::kNone;
    if (i == 0) {
      page.kind = PlannedPage::Kind::kLanding;
      page.item = static_cast<uint8_t>(rng_.Uniform(landings));
    } else {
      const uint64_t roll = rng_.Uniform(100);
      const auto pick = static_cast<uint8_t>(rng_.Uniform(products));
      if (roll < 45) {
        page.kind = PlannedPage::Kind::kProduct;
        page.item = pick;
        product = pick;
      } else if (roll < 60) {
        page.kind = PlannedPage::Kind::kTryOn;
        page.item = pick;
        product = pick;
        // A try-on needs the visitor's body model: the first one creates it.
        const bool has_model = (visits & kHasBodyModel) != 0;
        page.follow =
            has_model ? PlannedPage::Follow::kTryOn : PlannedPage::Follow::kBodyModelAndTryOn;
        visits |= kHasBodyModel;
      } else if (roll < 75) {
        page.kind = PlannedPage::Kind::kListing;
        page.item = static_cast<uint8_t>(rng_.Uniform(landings));
      } else if (roll < 88) {
        page.kind = PlannedPage::Kind::kCart;
        if (product >= 0) {
          page.item = static_cast<uint8_t>(product);
          page.follow = PlannedPage::Follow::kAddToCart;
        }
      } else if (roll < 95) {
        page.kind = PlannedPage::Kind::kCheckout;
      } else {
        page.kind = PlannedPage::Kind::kOrder;
        page.follow = PlannedPage::Follow::kTransaction;
      }
    }
    page.pings = static_cast<uint8_t>(rng_.Uniform(4));
    events += page.events();
  }
  s->events = static_cast<uint32_t>(std::min<uint64_t>(events, options_.events - planned_));
}

}  // namespace footfall::pipeline
