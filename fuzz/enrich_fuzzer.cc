// Any bytes as a request: the first byte picks the route, the rest splits into query string and
// body. Enrichment must turn every input into events or bad rows, never crash, and be pure.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "enrich/enrich.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr std::string_view kPaths[] = {"/i", "/com.snowplowanalytics.snowplow/tp2",
                                                "/ice.png", "/com.acme/v1"};
  footfall::rawlog::CollectorPayload p;
  p.timestamp = 1764115200000000;
  p.path = kPaths[data[0] % 4];
  p.method = (data[0] & 4) != 0 ? "POST" : "GET";
  p.content_type = "application/json";
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t split = rest.find('\n');
  p.query = rest.substr(0, split);
  if (split != std::string_view::npos) p.body = rest.substr(split + 1);
  footfall::enrich::EnrichOutput a, b;
  footfall::enrich::EnrichPayload(p, &a);
  footfall::enrich::EnrichPayload(p, &b);
  if (a.events != b.events || a.bad_rows.size() != b.bad_rows.size()) std::abort();
  if (a.events.empty() && a.bad_rows.empty()) std::abort();  // nothing may be lost
  return 0;
}
