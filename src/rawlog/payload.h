// The collector payload: one HTTP request as the collector received it — what Snowplow's
// CollectorPayload holds. It is the record type of the raw log (docs/formats/rawlog.md).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/time.h"

namespace footfall::rawlog {

struct CollectorPayload {
  Micros timestamp = 0;  // when the collector received the request (UTC)
  std::string ip;        // client IP ("" when SP-Anonymous)
  std::string method;    // "GET", "POST", "HEAD"
  std::string path;      // "/i", "/com.snowplowanalytics.snowplow/tp2", …
  std::string query;     // raw query string, without '?', still percent-encoded
  std::string body;      // raw request body (POST)
  std::string content_type;
  std::string user_agent;
  std::string referer;
  std::string hostname;        // Host header
  std::string network_userid;  // the `sp` cookie value the collector settled on
  std::string collector;       // collector name and version, "footfall-0.1.0"
  std::vector<std::pair<std::string, std::string>> headers;  // other headers kept, in order

  bool operator==(const CollectorPayload&) const = default;
};

// The header the collector records on a payload whose body it cut to its size limit; the value
// is the original body size in bytes. Enrichment turns such payloads into size_violation bad
// rows.
inline constexpr std::string_view kSizeViolationHeader = "X-Footfall-Size-Violation";

// Serialises a payload into the body of one raw-log record.
std::string EncodePayload(const CollectorPayload& p);
void EncodePayload(const CollectorPayload& p, std::string* out);  // appends

// Parses a record body; kCorruption names what was wrong when the bytes are not a payload.
Result<CollectorPayload> DecodePayload(std::string_view record);

}  // namespace footfall::rawlog
