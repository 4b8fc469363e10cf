#include "serving/dashboard.h"

#include <utility>

namespace footfall::serving {
namespace {

// Scripts and styles only from the page's own origin; ECharts sets element styles and may
// export charts as data: images.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls `visit(item, params)` for each item of a comma-separated header value ("gzip;q=0.5").
template <typename Visit>
void ForEachListItem(std::string_view value, Visit visit) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    const std::string_view item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    const size_t semicolon = item.find(';');
    visit(Trim(item.substr(0, semicolon)),
          semicolon == std::string_view::npos ? std::string_view() : item.substr(semicolon + 1));
  }
}

// RFC 9110: gzip is acceptable when listed (or covered by "*") with a weight above zero.
bool AcceptsGzip(const http::Request& request) {
  const std::string* accept = request.Header("Accept-Encoding");
  if (accept == nullptr) return false;
  bool listed = false, refused = false, star = false;
  ForEachListItem(*accept, [&](std::string_view coding, std::string_view params) {
    const std::string_view q = Trim(params);
    const bool zero = (q.starts_with("q=") || q.starts_with("Q=")) &&
                      q.substr(2).find_first_not_of("0.") == std::string_view::npos;
    if (http::EqualsIgnoreCase(coding, "gzip") || http::EqualsIgnoreCase(coding, "x-gzip")) {
      (zero ? refused : listed) = true;
    } else if (coding == "*" && !zero) {
      star = true;
    }
  });
  return !refused && (listed || star);
}

// If-None-Match uses the weak comparison: W/"x" matches "x".
bool MatchesEtag(std::string_view if_none_match, std::string_view etag) {
  bool match = false;
  ForEachListItem(if_none_match, [&](std::string_view tag, std::string_view) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag || tag == "*") match = true;
  });
  return match;
}

http::Response Text(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  r.AddHeader("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace

Dashboard::Dashboard(std::vector<DashboardAsset> assets) : assets_(std::move(assets)) {
  for (const DashboardAsset& a : assets_) by_path_.emplace(a.path, &a);
}

const Dashboard& Dashboard::Embedded() {
  static const Dashboard* const dashboard = new Dashboard(EmbeddedDashboardAssets());
  return *dashboard;
}

http::Response Dashboard::Handle(const http::Request& request) const {
  const auto found = by_path_.find(request.path == "/index.html" ? "/" : request.path);
  if (found == by_path_.end()) {
    return Text(404, "not found: " + request.path + " (the dashboard is at /)\n");
  }
  if (request.method != "GET" && request.method != "HEAD") {
    http::Response r = Text(
        405, "method " + request.method + " not allowed on " + request.path + " (GET, HEAD)\n");
    r.AddHeader("Allow", "GET, HEAD");
    return r;
  }
  const DashboardAsset& asset = *found->second;
  http::Response r;
  r.AddHeader("ETag", asset.etag);
  r.AddHeader("Cache-Control",
              asset.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.AddHeader("X-Content-Type-Options", "nosniff");
  if (!asset.gzip_body.empty()) r.AddHeader("Vary", "Accept-Encoding");
  if (asset.path == "/") {
    r.AddHeader("Content-Security-Policy", kContentSecurityPolicy);
    r.AddHeader("Referrer-Policy", "no-referrer");
  }
  const std::string* if_none_match = request.Header("If-None-Match");
  if (if_none_match != nullptr && MatchesEtag(*if_none_match, asset.etag)) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.content_type = std::string(asset.content_type);
  if (!asset.gzip_body.empty() && AcceptsGzip(request)) {
    r.AddHeader("Content-Encoding", "gzip");
    r.body.assign(asset.gzip_body);
  } else {
    r.body.assign(asset.body);
  }
  return r;
}

}  // namespace footfall::serving
