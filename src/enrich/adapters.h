// Adapters: one per collector route, each turning a collector payload into tracker-protocol
// items (name → value parameters, as a GET query string or one element of a tp2 POST carries
// them), or into bad rows when the request itself is unusable. Mapping the items onto events is
// enrich.cc's job. Internal to the enrich library; exposed for tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "enrich/bad_row.h"
#include "rawlog/payload.h"

namespace simdjson::dom {
class parser;
}  // namespace simdjson::dom

namespace footfall::enrich {

// Decoded parameters in the order the tracker sent them; a name may appear once.
using Params = std::vector<std::pair<std::string, std::string>>;

struct AdaptedItem {
  size_t index = 0;  // position in the request (POST data[i]); feeds derived event ids
  Params params;
};

inline constexpr std::string_view kTp2Path = "/com.snowplowanalytics.snowplow/tp2";
inline constexpr std::string_view kTp1Path = "/com.snowplowanalytics.snowplow/tp1";
inline constexpr std::string_view kRedirectPath = "/r/tp2";
inline constexpr std::string_view kIgluPath = "/com.snowplowanalytics.iglu/v1";
inline constexpr std::string_view kUnstructEventSchemaPrefix =
    "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-";
inline constexpr std::string_view kUnstructEventSchema =
    "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0";
inline constexpr std::string_view kContextsSchemaPrefix =
    "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-";
inline constexpr std::string_view kLinkClickSchema =
    "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1";

// Appends the payload's items to `items` and its request-level failures to `bad`. Every payload
// yields at least one item or one bad row. Routes:
//  - GET /i, /ice.png, tp1 and tp2 GET: the query string is one item.
//  - tp2 POST: a payload_data envelope; each element of `data` is one item (or, when it is not
//    an object of strings, one bad row), with the query string's parameters merged in, winning.
//  - /r/tp2: the query string is one item; without `e` it becomes a self-describing link_click
//    whose targetUrl is `u` (tv "r-tp2", p "web" unless given), with `e` it keeps its type and
//    `u` becomes `url` when the item has none.
//  - /com.snowplowanalytics.iglu/v1: one self-describing event per JSON; see adapters.cc.
//  - anything else: an adapter_failures bad row.
// `parser` is scratch space for JSON bodies, reused across calls.
void Adapt(const rawlog::CollectorPayload& payload, simdjson::dom::parser& parser,
           std::vector<AdaptedItem>* items, std::vector<BadRow>* bad);

// "METHOD path?query" and, when there is a body, "\n" + body: the payload a bad row keeps.
std::string PayloadSummary(const rawlog::CollectorPayload& payload);

BadRow MakeBadRow(const rawlog::CollectorPayload& payload, BadRowType type,
                  std::vector<BadRowMessage> messages);

}  // namespace footfall::enrich
