// The field registry: one list of the enriched event's fields, in order, with their types and
// how to read each from an Event. Table writers (the serving store's `events` table, later the
// Parquet writer) and docs/formats/enriched-event.md are built from it, so a field is added in
// exactly one place besides the struct.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "event/event.h"

namespace footfall::event {

enum class FieldType { kString, kInt64, kDouble, kTimestamp, kBool };

std::string_view FieldTypeName(FieldType type);

// A field's value: monostate for NULL; timestamps as int64 microseconds UTC; kBool as bool.
using FieldValue = std::variant<std::monostate, int64_t, double, std::string_view, bool>;

struct Field {
  std::string_view name;
  FieldType type;
  std::string_view description;
  FieldValue (*get)(const Event&);
  // Sets the field from a value of its type (monostate clears it); a value of another type is
  // a programmer error and clears it too.
  void (*set)(Event&, const FieldValue&);
};

std::span<const Field> EventFields();

// The registry as the Markdown table that docs/formats/enriched-event.md holds between its
// `<!-- fields:begin -->` and `<!-- fields:end -->` markers (a test keeps the two equal).
std::string EventFieldsMarkdown();

}  // namespace footfall::event
