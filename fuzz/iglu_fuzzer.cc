// Any bytes as a JSON Schema and as data. As a schema they must compile or fail with
// kInvalidArgument, and a compiled one must validate fixed instances without crashing. As data
// they are validated against a fixed schema using every keyword and against every built-in
// schema: the verdict must not depend on whether violations are collected, an invalid instance
// must have between 1 and kMaxViolations violations, and a second run must give the same ones.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "iglu/registry.h"
#include "iglu/validator.h"

namespace {

using footfall::iglu::CompiledSchema;
using footfall::iglu::kMaxViolations;
using footfall::iglu::Violation;

constexpr std::string_view kFixedSchema = R"({
  "type": "object",
  "properties": {
    "id": {"type": "string", "format": "uuid"},
    "name": {"type": ["string", "null"], "minLength": 1, "maxLength": 8, "pattern": "^[a-z]+\\d*$"},
    "n": {"type": "integer", "minimum": 0, "maximum": 10, "exclusiveMaximum": true},
    "x": {"type": "number", "minimum": -1.5, "exclusiveMinimum": true},
    "kind": {"enum": ["a", 1, null, [true], {"k": "v"}]},
    "when": {"type": "string", "format": "date-time"},
    "url": {"type": "string", "format": "uri"},
    "mail": {"type": "string", "format": "email"},
    "ip4": {"type": "string", "format": "ipv4"},
    "ip6": {"type": "string", "format": "ipv6"},
    "host": {"type": "string", "format": "hostname"},
    "day": {"type": "string", "format": "date"},
    "list": {"type": "array", "minItems": 1, "maxItems": 4,
             "items": {"type": "object", "properties": {"v": {"type": "boolean"}},
                       "required": ["v"], "additionalProperties": false}},
    "map": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 3}}
  },
  "required": ["id", "n"],
  "additionalProperties": false
})";

constexpr std::string_view kFixedData[] = {
    "null", "0", "\"s\"", "[1,{\"a\":[]}]",
    R"({"id":"b7d2a1c0-5f3e-4c2a-9d8b-0e1f2a3b4c5d","n":3,"list":[{"v":true}],"x":2.5})"};

void CheckValidation(const CompiledSchema& schema, simdjson::dom::element data) {
  std::vector<Violation> first, second;
  const bool valid = schema.Validate(data, &first);
  if (schema.Validate(data, nullptr) != valid) std::abort();
  if (valid != first.empty() || first.size() > kMaxViolations) std::abort();
  if (schema.Validate(data, &second) != valid || second.size() != first.size()) std::abort();
  for (size_t i = 0; i < first.size(); ++i) {
    if (first[i].path != second[i].path || first[i].message != second[i].message) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  static const CompiledSchema* const fixed = [] {
    auto compiled = CompiledSchema::Parse(kFixedSchema, "fixed");
    if (!compiled.ok()) std::abort();
    return new CompiledSchema(std::move(compiled).value());
  }();
  static const footfall::iglu::SchemaRegistry* const registry = [] {
    auto loaded = footfall::iglu::SchemaRegistry::Load("");
    if (!loaded.ok()) std::abort();
    return new footfall::iglu::SchemaRegistry(std::move(loaded).value());
  }();

  const std::string_view input(reinterpret_cast<const char*>(bytes), size);

  // The input as a schema.
  auto compiled = CompiledSchema::Parse(input, "fuzz");
  if (!compiled.ok() && compiled.status().code() != footfall::StatusCode::kInvalidArgument) {
    std::abort();
  }
  simdjson::dom::parser parser;
  if (compiled.ok()) {
    for (std::string_view json : kFixedData) {
      simdjson::dom::parser data_parser;
      simdjson::dom::element data;
      if (data_parser.parse(json.data(), json.size()).get(data) != simdjson::SUCCESS) std::abort();
      CheckValidation(*compiled, data);
    }
  }

  // The input as data.
  simdjson::dom::element data;
  if (parser.parse(input.data(), input.size()).get(data) != simdjson::SUCCESS) return 0;
  CheckValidation(*fixed, data);
  if (compiled.ok()) CheckValidation(*compiled, data);
  for (const footfall::iglu::SchemaKey& key : registry->Keys()) {
    std::vector<Violation> violations;
    footfall::Status s = registry->Validate(key, data, &violations);
    if (s.ok() != violations.empty()) std::abort();
  }
  return 0;
}
