// The enriched events as Parquet: one column per field of the registry (event/fields.h), in
// its order and with its names, nullable, of the matching Parquet type. What `footfall enrich`
// writes to data/enriched/ and what the batch views read back.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "event/event.h"
#include "event/fields.h"
#include "parquet/column_vector.h"
#include "parquet/schema.h"

namespace footfall::pipeline {

parquet::Schema EnrichedEventSchema();

// Appends `events` to `columns` (one vector per schema column; created when empty).
void AppendEventColumns(std::span<const event::Event> events,
                        std::vector<parquet::ColumnVector>* columns);

// The schema indices, in a file of `schema`, of the registry's fields: one per field, or -1
// when the file lacks it (a file of an older footfall). kCorruption naming `file` when a column
// of a field's name has another type.
Result<std::vector<int>> EventColumnIndices(const parquet::Schema& schema, const std::string& file);

// Appends one event per row of `columns` (a row group read with the projection `indices`, in
// registry order: columns[k] holds field k's values, or is absent when indices[k] is -1), for
// the rows [begin, end) (end is clamped to the row count).
void AppendEvents(std::span<const parquet::ColumnVector> columns, std::span<const int> indices,
                  std::vector<event::Event>* events, size_t begin = 0, size_t end = SIZE_MAX);

// The value of `row` of a lake column holding a field of `type`, as AppendEvents sets it
// (monostate for a null).
event::FieldValue ColumnValue(const parquet::ColumnVector& column, event::FieldType type,
                              size_t row);

}  // namespace footfall::pipeline
