// The enriched event's user-agent fields (br_*, os_*, dvce_*, is_bot) from a uap-core parse;
// docs/formats/enriched-event.md gives the mapping.
#pragma once

#include <string>
#include <string_view>

#include "enrich/ua_parser.h"

namespace footfall::enrich {

struct UaFields {
  std::string br_name, br_family, br_version;
  std::string os_name, os_family, os_manufacturer;
  std::string dvce_type;
  bool dvce_ismobile = false;
  bool is_bot = false;
  // com.snowplowanalytics.snowplow/ua_parser_context/jsonschema/1-0-0 as one JSON object.
  std::string ua_parser_context;
};

// `ua` is the user-agent string that gave `parsed` (some distinctions, such as Android tablets,
// are only in the string).
UaFields MapUserAgent(const UserAgent& parsed, std::string_view ua);

}  // namespace footfall::enrich
