// How an enriched event crosses the engine's shuffles and spill files: field by field through
// the registry (event/fields.h), a presence byte before each value, so that a field added to
// the event needs no code here.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "engine/serializer.h"
#include "event/event.h"
#include "parquet/column_vector.h"

template <>
struct footfall::engine::Serializer<footfall::event::Event> {
  static void Write(const event::Event& e, std::string* out);
  static void Read(Decoder& in, event::Event* e);
  static size_t HeapBytes(const event::Event& e);
};

namespace footfall::pipeline {

// Appends row `row` of a row group of the lake read with the projection `indices` (as
// AppendEvents takes them) serialized exactly as Serializer<event::Event>::Write serializes the
// event AppendEvents builds of it, without building the event.
void SerializeRow(std::span<const parquet::ColumnVector> columns, std::span<const int> indices,
                  size_t row, std::string* out);

}  // namespace footfall::pipeline
