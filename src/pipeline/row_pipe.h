// Rows handed from the thread that builds them to the thread that consumes them, a batch of
// whole rows at a time through a bounded queue, so that building rows (decoding Parquet pages
// or serialized events, formatting timestamps) overlaps what consumes them (SQLite inserting
// them, on one thread since a connection has one writer).
#pragma once

#include <cstddef>
#include <functional>
#include <span>

#include "base/status.h"
#include "serving/value.h"

namespace footfall::pipeline {

// Calls `produce` on a thread of its own; `produce` calls its sink once per row of `columns`
// cells, and the sink copies the row with `fill(row, slot)` (on that thread) into a slot of a
// batch. `consume` is called on the calling thread with each slot, in the order produced.
// Returns the first error: of `consume` (the producer's sink then fails and it stops), else of
// `produce`. The producer thread is joined before returning.
Status PipeRows(
    size_t columns,
    const std::function<Status(const std::function<Status(std::span<const serving::Value>)>&)>&
        produce,
    const std::function<void(std::span<const serving::Value> row, std::span<serving::Value> slot)>&
        fill,
    const std::function<Status(std::span<const serving::Value>)>& consume);

}  // namespace footfall::pipeline
