// Any bytes as a request: the first byte picks the route, method and content type, the rest
// splits into query string and body. Enrichment must turn every input into events or bad rows,
// never crash, and be pure: a second Enricher gives the same output.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "enrich/enrich.h"
#include "enrich/ua_parser.h"

namespace {

footfall::enrich::Enricher MakeEnricher() {
  static const std::shared_ptr<const footfall::enrich::UaParser> parser = [] {
    auto loaded = footfall::enrich::UaParser::Load();
    if (!loaded.ok()) std::abort();
    return std::shared_ptr<const footfall::enrich::UaParser>(std::move(*loaded));
  }();
  footfall::enrich::EnrichConfig config;
  config.ua_parser_context = true;
  config.ua_cache_entries = 64;
  auto enricher = footfall::enrich::Enricher::Create(config, nullptr, parser);
  if (!enricher.ok()) std::abort();
  return std::move(*enricher);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr std::string_view kPaths[] = {"/i",
                                                "/com.snowplowanalytics.snowplow/tp2",
                                                "/ice.png",
                                                "/com.acme/v1",
                                                "/r/tp2",
                                                "/com.snowplowanalytics.iglu/v1",
                                                "/com.snowplowanalytics.snowplow/tp1",
                                                "/com.snowplowanalytics.snowplow/tp2"};
  static constexpr std::string_view kContentTypes[] = {
      "application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded",
      "text/plain"};
  static footfall::enrich::Enricher first = MakeEnricher();
  footfall::rawlog::CollectorPayload p;
  p.timestamp = 1764115200000000;
  p.path = kPaths[data[0] & 7];
  p.method = (data[0] & 8) != 0 ? "POST" : "GET";
  p.content_type = kContentTypes[(data[0] >> 4) & 3];
  p.user_agent = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
  p.ip = "203.0.113.9";
  if ((data[0] & 64) != 0) p.referer = "https://shop.example/a?utm_source=x";
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t split = rest.find('\n');
  p.query = rest.substr(0, split);
  if (split != std::string_view::npos) p.body = rest.substr(split + 1);
  footfall::enrich::Enricher second = MakeEnricher();
  footfall::enrich::EnrichOutput a, b;
  first.Enrich(p, &a);
  second.Enrich(p, &b);
  if (a.events != b.events || a.bad_rows != b.bad_rows) std::abort();
  if (a.events.empty() && a.bad_rows.empty()) std::abort();  // nothing may be lost
  for (const auto& bad : a.bad_rows) {
    if (bad.messages.empty()) std::abort();
    (void)footfall::enrich::BadRowToJson(bad);
  }
  return 0;
}
