// What enrichment does beyond mapping tracker parameters: each enrichment can be switched off,
// and the referer table can be extended. A plain struct; the defaults are what `footfall` runs
// with when the config file says nothing. Part of the input of the pure function enrichment is:
// a change here gives a different enriched dataset (and a different enrich-config hash).
#pragma once

#include <string>
#include <vector>

namespace footfall::enrich {

// One line of the referer table: referers whose host is one of `hosts` are of `medium` from
// `source`, and their search terms, if any, are in the first of `term_params` present. A host
// matches itself and its subdomains; a host ending in ".*" ("google.*") matches that name under
// any public suffix ("google.com", "google.co.uk", "www.google.de").
struct RefererEntry {
  std::string medium;  // search, social, email, paid, or any other word
  std::string source;  // Google, Facebook, …
  std::vector<std::string> hosts;
  std::vector<std::string> term_params;
};

struct EnrichConfig {
  // uap-core parsing of the user agent into br_*, os_*, dvce_* and is_bot.
  bool user_agent = true;
  // Adds com.snowplowanalytics.snowplow/ua_parser_context/jsonschema/1-0-0 to derived_contexts.
  bool ua_parser_context = false;
  // Distinct user agents whose results each Enricher keeps; at the limit the cache starts over.
  size_t ua_cache_entries = 8192;

  // refr_medium/source/term from the referer table.
  bool referer = true;
  // Consulted before the built-in table; the first matching entry wins.
  std::vector<RefererEntry> extra_referers;
  // Hosts that count as internal besides the page's own host (subdomains included).
  std::vector<std::string> internal_domains;

  // utm_* → mkt_*, and gclid / msclkid / dclid → mkt_clickid and mkt_network.
  bool campaign = true;

  // Replaces the last octets of IPv4 and the last 16-bit groups of IPv6 addresses with "x",
  // as Snowplow's anonymization does. 0 keeps the address; geo lookup still sees it whole.
  bool anonymize_ip = true;
  int ipv4_octets = 1;    // 1..4
  int ipv6_segments = 5;  // 1..8; 5 keeps the /48 network, as common analytics tools do

  // geo_* from a MaxMind-format (GeoIP2 / GeoLite2 / DB-IP) City database; off when empty.
  std::string geo_database;

  // event_fingerprint over every parameter but these (they change when a tracker retries).
  bool fingerprint = true;
  std::vector<std::string> fingerprint_excluded = {"eid", "nuid", "stm", "cv"};
};

}  // namespace footfall::enrich
