#include "views/dedup.h"

#include <algorithm>
#include <cstdint>

namespace footfall::views {
namespace {

Micros When(const event::Event& e) {
  return e.derived_tstamp.value_or(e.collector_tstamp.value_or(0));
}

}  // namespace

size_t Deduplicate(std::vector<event::Event>* events) {
  // Events are large: sort indices, then move each kept event once.
  std::vector<uint32_t> order(events->size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto& ev = *events;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (ev[a].event_id != ev[b].event_id) return ev[a].event_id < ev[b].event_id;
    if (ev[a].collector_tstamp != ev[b].collector_tstamp) {
      return ev[a].collector_tstamp < ev[b].collector_tstamp;
    }
    return a < b;
  });
  const auto last = std::unique(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return ev[a].event_id == ev[b].event_id;
  });
  const size_t removed = static_cast<size_t>(order.end() - last);
  order.erase(last, order.end());
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Micros ta = When(ev[a]), tb = When(ev[b]);
    if (ta != tb) return ta < tb;
    return ev[a].event_id < ev[b].event_id;
  });
  std::vector<event::Event> kept;
  kept.reserve(order.size());
  for (uint32_t i : order) kept.push_back(std::move((*events)[i]));
  *events = std::move(kept);
  return removed;
}

}  // namespace footfall::views
