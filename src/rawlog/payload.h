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

// A payload's fields, over a string type: CollectorPayload owns its strings (DecodePayload's);
// CollectorPayloadView points into a request the collector is storing, which is then encoded
// without first copying its fields anywhere.
template <class String>
struct BasicCollectorPayload {
  Micros timestamp = 0;  // when the collector received the request (UTC)
  String ip;             // client IP ("" when SP-Anonymous)
  String method;         // "GET", "POST", "HEAD"
  String path;           // "/i", "/com.snowplowanalytics.snowplow/tp2", …
  String query;          // raw query string, without '?', still percent-encoded
  String body;           // raw request body (POST)
  String content_type;
  String user_agent;
  String referer;
  String hostname;                                 // Host header
  String network_userid;                           // the `sp` cookie value the collector settled on
  String collector;                                // collector name and version, "footfall-0.1.0"
  std::vector<std::pair<String, String>> headers;  // other headers kept, in order

  bool operator==(const BasicCollectorPayload&) const = default;
};
using CollectorPayload = BasicCollectorPayload<std::string>;
using CollectorPayloadView = BasicCollectorPayload<std::string_view>;

// The header the collector records on a payload whose body it cut to its size limit; the value
// is the original body size in bytes. Enrichment turns such payloads into size_violation bad
// rows.
inline constexpr std::string_view kSizeViolationHeader = "X-Footfall-Size-Violation";

// Serialises a payload into the body of one raw-log record.
std::string EncodePayload(const CollectorPayload& p);
void EncodePayload(const CollectorPayload& p, std::string* out);      // appends
void EncodePayload(const CollectorPayloadView& p, std::string* out);  // appends

// Parses a record body; kCorruption names what was wrong when the bytes are not a payload.
Result<CollectorPayload> DecodePayload(std::string_view record);

}  // namespace footfall::rawlog
