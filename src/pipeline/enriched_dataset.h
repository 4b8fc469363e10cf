// The enriched events as Parquet: one column per field of the registry (event/fields.h), in
// its order and with its names, nullable, of the matching Parquet type. What `footfall enrich`
// writes to data/enriched/ and what the batch views read back.
#pragma once

#include <span>
#include <vector>

#include "event/event.h"
#include "parquet/column_vector.h"
#include "parquet/schema.h"

namespace footfall::pipeline {

parquet::Schema EnrichedEventSchema();

// Appends `events` to `columns` (one vector per schema column; created when empty).
void AppendEventColumns(std::span<const event::Event> events,
                        std::vector<parquet::ColumnVector>* columns);

}  // namespace footfall::pipeline
