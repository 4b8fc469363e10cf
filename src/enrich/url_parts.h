// Splits an absolute URL into the page_url* fields of the enriched event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace footfall::enrich {

struct UrlParts {
  std::string scheme, host, path, query, fragment;
  std::optional<int64_t> port;  // explicit port, else 80 for http and 443 for https
};

// nullopt when `url` has no "scheme://host" or a bad port.
std::optional<UrlParts> SplitUrl(std::string_view url);

}  // namespace footfall::enrich
