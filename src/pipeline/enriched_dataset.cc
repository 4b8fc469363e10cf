#include "pipeline/enriched_dataset.h"

#include <algorithm>

#include "event/fields.h"

namespace footfall::pipeline {

parquet::Schema EnrichedEventSchema() {
  parquet::Schema schema;
  for (const event::Field& f : event::EventFields()) {
    std::string name(f.name);
    switch (f.type) {
      case event::FieldType::kString:
        schema.columns.push_back(parquet::ColumnSpec::String(std::move(name), true));
        break;
      case event::FieldType::kInt64:
        schema.columns.push_back(parquet::ColumnSpec::Int64(std::move(name), true));
        break;
      case event::FieldType::kDouble:
        schema.columns.push_back(parquet::ColumnSpec::Double(std::move(name), true));
        break;
      case event::FieldType::kTimestamp:
        schema.columns.push_back(parquet::ColumnSpec::TimestampMicros(std::move(name), true));
        break;
      case event::FieldType::kBool:
        schema.columns.push_back(parquet::ColumnSpec::Boolean(std::move(name), true));
        break;
    }
  }
  return schema;
}

void AppendEventColumns(std::span<const event::Event> events,
                        std::vector<parquet::ColumnVector>* columns) {
  const auto fields = event::EventFields();
  if (columns->empty()) {
    for (const parquet::ColumnSpec& c : EnrichedEventSchema().columns) {
      columns->emplace_back(c.type);
    }
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    parquet::ColumnVector& col = (*columns)[i];
    col.Reserve(events.size());
    for (const event::Event& e : events) {
      const event::FieldValue v = fields[i].get(e);
      if (std::holds_alternative<std::monostate>(v)) {
        col.AppendNull();
      } else if (const auto* s = std::get_if<std::string_view>(&v)) {
        col.AppendBytes(*s);
      } else if (const auto* n = std::get_if<int64_t>(&v)) {
        col.AppendInt64(*n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        col.AppendDouble(*d);
      } else {
        col.AppendBool(std::get<bool>(v));
      }
    }
  }
}

Result<std::vector<int>> EventColumnIndices(const parquet::Schema& schema,
                                            const std::string& file) {
  const parquet::Schema expected = EnrichedEventSchema();
  std::vector<int> indices;
  for (const parquet::ColumnSpec& want : expected.columns) {
    const std::optional<size_t> i = schema.Find(want.name);
    if (!i) {
      indices.push_back(-1);
      continue;
    }
    if (schema.columns[*i].type != want.type) {
      return Corruption(file + ": column " + want.name + " has another type than footfall writes");
    }
    indices.push_back(static_cast<int>(*i));
  }
  return indices;
}

void AppendEvents(std::span<const parquet::ColumnVector> columns, std::span<const int> indices,
                  std::vector<event::Event>* events, size_t begin, size_t end) {
  const auto fields = event::EventFields();
  size_t rows = 0;
  for (const auto& c : columns) rows = std::max(rows, c.size());
  end = std::min(end, rows);
  if (begin >= end) return;
  const size_t first = events->size();
  events->resize(first + (end - begin));
  size_t c = 0;
  for (size_t k = 0; k < fields.size(); ++k) {
    if (indices[k] < 0) continue;
    const parquet::ColumnVector& col = columns[c++];
    const event::Field& f = fields[k];
    for (size_t r = begin; r < end; ++r) {
      if (!col.IsNull(r)) f.set((*events)[first + (r - begin)], ColumnValue(col, f.type, r));
    }
  }
}

event::FieldValue ColumnValue(const parquet::ColumnVector& column, event::FieldType type,
                              size_t row) {
  if (column.IsNull(row)) return std::monostate{};
  switch (type) {
    case event::FieldType::kString:
      return column.GetBytes(row);
    case event::FieldType::kInt64:
    case event::FieldType::kTimestamp:
      return column.GetInt64(row);
    case event::FieldType::kDouble:
      return column.GetDouble(row);
    case event::FieldType::kBool:
      return column.GetBool(row);
  }
  return std::monostate{};
}

}  // namespace footfall::pipeline
