// The schema registry: JSON Schemas for self-describing events and contexts, keyed by Iglu URI
// (`iglu:vendor/name/jsonschema/M-R-A`), and validation of JSON data against them.
//
// Schemas come from two places: the built-in set (what Snowplow's standard trackers send, and
// footfall's own demo schemas) and an optional Iglu-layout directory given in the config
// (`DIR/vendor/name/jsonschema/M-R-A`). A directory schema with the same key as a built-in one
// replaces it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace simdjson::dom {
class element;
}  // namespace simdjson::dom

namespace footfall::iglu {

// A parsed Iglu schema key. Only the `jsonschema` format exists.
struct SchemaKey {
  std::string vendor;  // com.snowplowanalytics.snowplow
  std::string name;    // web_page
  int model = 0;       // 1
  int revision = 0;    // 0
  int addition = 0;    // 0

  // Parses `iglu:vendor/name/jsonschema/M-R-A`; kInvalidArgument naming what is wrong.
  static Result<SchemaKey> Parse(std::string_view uri);
  std::string ToUri() const;
  bool operator==(const SchemaKey&) const = default;
};

// One failed check: where in the instance (a JSON Pointer, "" for the root) and what was
// expected against what was found, e.g. {"/id", "expected format uuid, got \"abc\""}.
struct Violation {
  std::string path;
  std::string message;
};

// Immutable after Load: const methods may be called from any number of threads at once.
class SchemaRegistry {
 public:
  // The built-in schemas plus every schema under `dir` (none when `dir` is empty). Errors name
  // the file: kInvalidArgument for a schema that is not valid JSON, uses a keyword the
  // validator does not support, or sits at a path that disagrees with its `self` key.
  static Result<SchemaRegistry> Load(const std::string& dir);

  SchemaRegistry(SchemaRegistry&&) noexcept;
  SchemaRegistry& operator=(SchemaRegistry&&) noexcept;
  ~SchemaRegistry();

  bool Contains(const SchemaKey& key) const;
  size_t size() const;
  // Every key in the registry, ordered by vendor, name and version.
  std::vector<SchemaKey> Keys() const;

  // Validates `data` against the schema `key`. OK when valid; kNotFound when the registry has
  // no such schema; kInvalidArgument when the data do not validate, with every violation
  // appended to `*violations` (which may be null).
  Status Validate(const SchemaKey& key, simdjson::dom::element data,
                  std::vector<Violation>* violations) const;

 private:
  struct Impl;
  explicit SchemaRegistry(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace footfall::iglu
