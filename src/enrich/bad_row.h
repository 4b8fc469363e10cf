// Bad rows: input that could not become an event is kept, typed, with every reason and the
// original payload — never dropped silently. Types follow Snowplow's bad-row schemas; the JSON
// line form is specified in docs/formats/bad-rows.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace footfall::enrich {

enum class BadRowType {
  kCollectorPayloadFormatViolation,  // the raw record is not a readable collector payload
  kAdapterFailures,                  // unknown vendor/version path, body not JSON, …
  kTrackerProtocolViolations,        // envelope invalid, missing or unknown `e`, bad values
  kSchemaViolations,                 // a self-describing JSON is unknown or does not validate
  kEnrichmentFailures,               // an enrichment could not run on a valid event
  kSizeViolation,                    // the request was over the collector's size limit
};

std::string_view BadRowTypeName(BadRowType type);  // snake_case, as Snowplow names it

// One thing that was wrong: which field (parameter name, JSON Pointer into a self-describing
// JSON, or a part of the request such as "body" or "path"), the value found, and what was
// expected instead.
struct BadRowMessage {
  std::string field;
  std::string value;
  std::string expectation;

  bool operator==(const BadRowMessage&) const = default;
};

struct BadRow {
  BadRowType type;
  Micros timestamp = 0;                 // collector timestamp of the payload (0 when unreadable)
  std::vector<BadRowMessage> messages;  // at least one
  std::string payload;  // the original request, as "METHOD path?query" + "\n" + body

  bool operator==(const BadRow&) const = default;
};

// The processor named in every bad row.
inline constexpr std::string_view kProcessorName = "footfall";
std::string_view ProcessorVersion();

// One line of JSON (no trailing newline), as docs/formats/bad-rows.md specifies.
std::string BadRowToJson(const BadRow& row);

}  // namespace footfall::enrich
