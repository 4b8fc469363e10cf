#include "pipeline/enriched_dataset.h"

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

}  // namespace footfall::pipeline
