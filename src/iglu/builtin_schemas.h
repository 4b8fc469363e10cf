// The schemas compiled into the binary: what Snowplow's standard trackers send (written from
// the trackers' field definitions) and footfall's own demo schemas. The list is in
// docs/formats/schemas.md; keep the two in step.
#pragma once

#include <span>
#include <string_view>

namespace footfall::iglu {

struct BuiltinSchema {
  std::string_view uri;   // iglu:vendor/name/jsonschema/M-R-A, equal to the schema's `self`
  std::string_view json;  // the JSON Schema document
};

// Every built-in schema, in a fixed order.
std::span<const BuiltinSchema> BuiltinSchemas();

}  // namespace footfall::iglu
