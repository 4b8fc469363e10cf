// Bad rows: input that could not become an event is kept, typed, with the reason and the
// original payload — never dropped silently. Types follow Snowplow's bad-row schemas.
#pragma once

#include <string>
#include <string_view>

#include "base/time.h"

namespace footfall::enrich {

enum class BadRowType {
  kCollectorPayloadFormatViolation,  // the raw record is not a readable collector payload
  kAdapterFailures,                  // unknown vendor/version path, body not JSON, …
  kTrackerProtocolViolations,        // envelope invalid, missing or unknown `e`, bad values
  kSizeViolation,                    // the request was over the collector's size limit
};

std::string_view BadRowTypeName(BadRowType type);  // snake_case, as Snowplow names it

struct BadRow {
  BadRowType type;
  Micros timestamp = 0;  // collector timestamp of the payload (0 when unreadable)
  std::string message;   // what was wrong: field, value, expectation
  std::string payload;   // the original request, summarised as "METHOD path?query" + body
};

}  // namespace footfall::enrich
