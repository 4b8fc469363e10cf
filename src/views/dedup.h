// Deduplication, the first step of every batch view: one event per event_id.
#pragma once

#include <cstddef>
#include <vector>

#include "event/event.h"

namespace footfall::views {

// Keeps one event per event_id — the one with the earliest collector_tstamp — and sorts the
// events by (derived_tstamp, event_id), so the order never depends on the input's order.
// Returns the number of duplicates removed.
size_t Deduplicate(std::vector<event::Event>* events);

}  // namespace footfall::views
