// A JSON Schema (draft-04, the subset Iglu schemas use) compiled once into a tree of checks, and
// validation of JSON data against it. The supported keywords, the formats and the form of a
// violation are specified in docs/formats/schemas.md; keep the two in step.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "iglu/registry.h"

namespace simdjson::dom {
class element;
}  // namespace simdjson::dom

namespace footfall::iglu {

// Violations reported for one instance at most; validation stops collecting after that many.
inline constexpr size_t kMaxViolations = 32;
// Deepest nesting of subschemas (properties, items, additionalProperties) a schema may have.
inline constexpr int kMaxSchemaDepth = 64;

namespace validator_internal {
struct Node;
}  // namespace validator_internal

// One compiled schema. Owns its checks (including compiled PCRE2 patterns); keeps no reference
// to the JSON it was compiled from. Immutable after Compile(): Validate() may be called from any
// number of threads at once.
class CompiledSchema {
 public:
  // Compiles the root of a JSON Schema document. kInvalidArgument naming `name` (the schema's
  // file or URI) and the JSON Pointer of the offending keyword when the schema uses a keyword
  // or a format the validator does not support, gives a keyword a value of the wrong kind,
  // nests deeper than kMaxSchemaDepth, or has a pattern PCRE2 cannot compile.
  static Result<CompiledSchema> Compile(simdjson::dom::element schema, std::string_view name);
  // Parses `json`, then compiles it; kInvalidArgument naming `name` when it is not valid JSON.
  static Result<CompiledSchema> Parse(std::string_view json, std::string_view name);

  CompiledSchema(CompiledSchema&&) noexcept;
  CompiledSchema& operator=(CompiledSchema&&) noexcept;
  ~CompiledSchema();

  // True when `data` validates. Otherwise false, with each violation (at most kMaxViolations,
  // in document order) appended to `*violations` when it is not null. Allocates nothing when the
  // data are valid, except the first time a thread evaluates a `pattern`.
  bool Validate(simdjson::dom::element data, std::vector<Violation>* violations) const;

 private:
  explicit CompiledSchema(std::unique_ptr<validator_internal::Node> root);
  std::unique_ptr<validator_internal::Node> root_;
};

// The `format` checks, exposed for tests. Each takes the whole string.
namespace formats {
bool IsUuid(std::string_view s);
bool IsDateTime(std::string_view s);  // RFC 3339 date-time
bool IsDate(std::string_view s);      // RFC 3339 full-date
bool IsUri(std::string_view s);       // RFC 3986 URI (absolute: a scheme is required)
bool IsEmail(std::string_view s);
bool IsIpv4(std::string_view s);
bool IsIpv6(std::string_view s);
bool IsHostname(std::string_view s);  // RFC 1123
}  // namespace formats

}  // namespace footfall::iglu
