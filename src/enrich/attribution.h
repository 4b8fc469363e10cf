// Where a visit came from: the referer classified against a table of search engines, social
// networks and email providers (refr_medium/source/term), and the campaign named in the page URL
// (utm_* and ad click ids → mkt_*).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "enrich/config.h"

namespace footfall::enrich {

struct RefererClass {
  std::string medium;  // search, social, email, internal, unknown, or a configured medium
  std::string source;  // empty for internal and unknown
  std::string term;    // search terms, percent-decoded; empty when the referer has none
};

// The built-in referer table followed by the configured entries. Immutable after construction;
// const methods may be called from any number of threads.
class RefererTable {
 public:
  // `extra` entries and `internal_domains` are consulted before the built-in ones.
  RefererTable(const std::vector<RefererEntry>& extra,
               const std::vector<std::string>& internal_domains);

  // `referer_host` and `page_host` lower case; `referer_query` still percent-encoded.
  RefererClass Classify(std::string_view referer_host, std::string_view referer_query,
                        std::string_view page_host) const;

  static const std::vector<RefererEntry>& BuiltIn();

 private:
  std::vector<RefererEntry> entries_;
  std::vector<std::string> internal_domains_;
};

struct Campaign {
  std::string medium, source, term, content, campaign;  // utm_*
  std::string clickid, network;  // gclid → Google, msclkid → Microsoft, dclid → DoubleClick
};

// From the page URL's query string (still percent-encoded). When several click ids are present
// the first in the query string wins.
Campaign ExtractCampaign(std::string_view page_query);

// True when `host` is `domain` or one of its subdomains.
bool HostWithin(std::string_view host, std::string_view domain);

}  // namespace footfall::enrich
