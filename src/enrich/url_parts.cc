#include "enrich/url_parts.h"

#include "base/ascii.h"

namespace footfall::enrich {

std::optional<UrlParts> SplitUrl(std::string_view url) {
  const size_t colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  UrlParts parts;
  parts.scheme.assign(url.substr(0, colon));
  AsciiLowerInPlace(&parts.scheme);
  std::string_view rest = url.substr(colon + 3);
  const size_t hash = rest.find('#');
  if (hash != std::string_view::npos) {
    parts.fragment.assign(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  const size_t q = rest.find('?');
  if (q != std::string_view::npos) {
    parts.query.assign(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  parts.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority = authority.substr(at + 1);
  // An IPv6 literal keeps its colons inside brackets.
  const size_t port_colon = authority.rfind(':');
  const size_t bracket = authority.rfind(']');
  if (port_colon != std::string_view::npos &&
      (bracket == std::string_view::npos || port_colon > bracket)) {
    const std::string_view port = authority.substr(port_colon + 1);
    authority = authority.substr(0, port_colon);
    if (!port.empty()) {
      int64_t v = 0;
      for (char c : port) {
        if (c < '0' || c > '9' || v > 65535) return std::nullopt;
        v = v * 10 + (c - '0');
      }
      if (v > 65535) return std::nullopt;
      parts.port = v;
    }
  }
  if (authority.empty()) return std::nullopt;
  parts.host.assign(authority);
  AsciiLowerInPlace(&parts.host);
  if (!parts.port) {
    if (parts.scheme == "http") parts.port = 80;
    if (parts.scheme == "https") parts.port = 443;
  }
  return parts;
}

}  // namespace footfall::enrich
