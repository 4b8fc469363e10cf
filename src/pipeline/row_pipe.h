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

// Takes a row's cells; an error stops whoever hands it rows.
using RowSink = std::function<Status(std::span<const serving::Value>)>;
// Hands rows to its sink, one call per row.
using RowSource = std::function<Status(const RowSink&)>;
// Copies a row into a slot of the same width.
using RowFill =
    std::function<void(std::span<const serving::Value> row, std::span<serving::Value> slot)>;

// Calls `produce` on a thread of its own; each row it hands over is copied with `fill` (on that
// thread) into a slot of a batch. `consume` is called on the calling thread with each slot, in
// the order produced. Returns the first error: of `consume` (the producer's sink then fails and
// it stops), else of `produce`. The producer thread is joined before returning.
Status PipeRows(size_t columns, const RowSource& produce, const RowFill& fill,
                const RowSink& consume);

}  // namespace footfall::pipeline
